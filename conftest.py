"""Project-wide pytest fixtures."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from motcua.core.pdf_stub import pdf_stub


@pytest.fixture(autouse=True)
def _vietnamese(settings: Any) -> None:
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (rate-limit counters of one test must not count
    in the next: dossier codes repeat from test to test)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agencies(db: Any) -> dict[str, Any]:
    """A small agency tree: province H11, its service centre, two departments, a commune."""
    from motcua.accounts.api import agency_upsert
    from motcua.accounts.data import AgencyKind

    root = agency_upsert(
        code="H11", name="Ủy ban nhân dân tỉnh Điện Biên", kind=AgencyKind.PROVINCE
    )
    office = agency_upsert(
        code="H11.01", name="Văn phòng UBND tỉnh", kind=AgencyKind.DEPARTMENT, parent=root
    )
    center = agency_upsert(
        code="H11.01.01",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        kind=AgencyKind.PROVINCE_SERVICE_CENTER,
        parent=office,
    )
    trade = agency_upsert(
        code="H11.05",
        name="Sở Công Thương",
        kind=AgencyKind.DEPARTMENT,
        parent=root,
        receiving_desk=center,
    )
    build = agency_upsert(
        code="H11.07",
        name="Sở Xây dựng",
        kind=AgencyKind.DEPARTMENT,
        parent=root,
        receiving_desk=center,
    )
    commune = agency_upsert(
        code="H11.03325",
        name="Ủy ban nhân dân xã Mường Phăng",
        kind=AgencyKind.COMMUNE,
        parent=root,
        admin_unit_code=3325,
    )
    return {
        "root": root,
        "office": office,
        "center": center,
        "trade": trade,
        "build": build,
        "commune": commune,
    }


PROMOTION: dict[str, Any] = {
    "code": "2.000004",
    "name": "Đăng ký hoạt động khuyến mại đối với chương trình khuyến mại mang tính may rủi",
    "field": "Xúc tiến thương mại",
    "level": "province",
    "agencies": ["H11.05"],
    "processing_time": {"amount": "5", "unit": "working_days", "note": "05 ngày làm việc"},
    "fees_known": False,
    "fees": [],
    "documents": [
        {
            "name": "Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)",
            "originals": 1,
            "copies": 0,
        },
        {"name": "Thể lệ chương trình khuyến mại (Mẫu số 03)", "originals": 1, "copies": 0},
    ],
    "result": {"name": "Văn bản xác nhận đăng ký", "kind": "confirmation"},
    "legal_basis": ["Nghị định số 81/2018/NĐ-CP"],
    "online_level": "full",
    "applicant_kinds": ["organisation"],
    "steps": [
        {
            "kind": "intake",
            "title": "Tiếp nhận hồ sơ",
            "role": "desk_officer",
            "agency": "H11.01.01",
            "budget_hours": "4",
        },
        {
            "kind": "review",
            "title": "Thẩm định",
            "role": "specialist",
            "agency": "H11.05",
            "budget_hours": "28",
        },
        {
            "kind": "approve",
            "title": "Phê duyệt, ký",
            "role": "leader",
            "agency": "H11.05",
            "budget_hours": "4",
        },
        {
            "kind": "return",
            "title": "Trả kết quả",
            "role": "desk_officer",
            "agency": "H11.01.01",
            "budget_hours": "4",
        },
    ],
    "source": "https://dichvucong.lamdong.gov.vn/",
}

BIRTH: dict[str, Any] = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "level": "commune",
    "agencies": ["*communes"],
    "processing_time": {"amount": None, "unit": "same_day", "note": "Ngay trong ngày"},
    "fees_known": True,
    "fees": [{"name": "Lệ phí", "kind": "charge", "amount_vnd": 0, "case": "Miễn lệ phí"}],
    "documents": [
        {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
        {
            "name": "Giấy chứng sinh",
            "originals": 1,
            "copies": 0,
            "requirement": "conditional",
            "condition": "nếu có",
        },
    ],
    "result": {"name": "Giấy khai sinh", "kind": "certificate"},
    "legal_basis": ["Luật Hộ tịch 2014"],
    "online_level": "full",
    "applicant_kinds": ["person"],
    "steps": [
        {
            "kind": "intake",
            "title": "Tiếp nhận",
            "role": "desk_officer",
            "agency": None,
            "budget_hours": "1",
        },
        {
            "kind": "review",
            "title": "Xử lý",
            "role": "specialist",
            "agency": None,
            "budget_hours": "5",
        },
        {"kind": "approve", "title": "Ký", "role": "leader", "agency": None, "budget_hours": "1"},
        {
            "kind": "return",
            "title": "Trả kết quả",
            "role": "desk_officer",
            "agency": None,
            "budget_hours": "1",
        },
    ],
}


@pytest.fixture
def orm() -> SimpleNamespace:
    """The model classes of motcua's apps by name (`orm.Dossier`, `orm.Payment`, …), for a test
    of one app that reads or sets up rows of another one. No `api.py` exports a model, and the
    import contracts keep `motcua.<app>.tests` from importing another app's models (ADR 0026);
    this root conftest is outside them. A test of an app imports its own app's models."""
    from django.apps import apps

    return SimpleNamespace(
        **{m.__name__: m for m in apps.get_models() if m.__module__.startswith("motcua.")}
    )


@pytest.fixture
def promotion_raw() -> dict[str, Any]:
    return copy.deepcopy(PROMOTION)


@pytest.fixture
def birth_raw() -> dict[str, Any]:
    return copy.deepcopy(BIRTH)


@pytest.fixture
def catalog(agencies: dict[str, Any]) -> Any:
    """The two procedures above, imported and published."""
    import json

    from motcua.catalog.api import catalog_import

    content = json.dumps(
        {"format": "motcua.catalog/1", "procedures": [PROMOTION, BIRTH]}, ensure_ascii=False
    ).encode()
    return catalog_import(content=content, filename="c.json", actor=None)


# --- Browser tests (Playwright driving Debian's Chromium) ------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_at_once(fn: Any, times: int = 2) -> list[Any]:
    """Call `fn` from `times` threads released together (a barrier), each closing its own
    database connections; the results in finishing order. An exception in a thread is
    raised here, after all have finished."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(times)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(fn())
        except BaseException as exc:  # noqa: BLE001 - raised below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def pdf_bytes(*lines: str) -> bytes:
    """A small valid one-page PDF (Helvetica, ASCII text): a result document that can be read
    and signed (a result that cannot be parsed is refused, issue 17 item 3)."""
    return pdf_stub(*(lines or ("KET QUA",)))


def _require(what: str, reason: str) -> None:
    """Skip for want of a browser or a database, or fail under CI (MOTCUA_REQUIRE_BROWSER or
    CI=true): CI must never pass with such tests skipped."""
    import os

    if os.environ.get("CI") == "true" or os.environ.get("MOTCUA_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Any:
    import os

    if not os.path.exists(CHROMIUM):
        _require("Chromium", f"{CHROMIUM} not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """pytest-django's test databases, and before they are dropped, on PostgreSQL, the end of
    the sessions still open on them: the live server's request threads keep theirs while the
    session-scoped browser holds its keep-alive sockets, and the browser may outlive the
    database (fixtures are torn down in reverse order of first use), which made DROP DATABASE
    fail ("is being accessed by other users") and left the test database behind."""
    yield django_db_setup
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def income_rate(db: Any) -> None:
    """The income per working hour seeded by simplification's migration 0002, again: a
    transactional test case (live server, threads) flushes every table, seeded rows included,
    and the tests that run after it in the same worker would find none."""
    from motcua.simplification.models import IncomeRate
    from motcua.simplification.seed import income_rate_seed

    income_rate_seed(IncomeRate)


@pytest.fixture
def postgres_only(db: Any) -> None:
    """For tests that need PostgreSQL (row locks, concurrency, trigram indexes)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _require("PostgreSQL", "needs PostgreSQL (set DATABASE_URL); mark the test `postgres`")


def pytest_sessionstart(session: Any) -> None:
    """Under CI, a run given DATABASE_URL must really run on that database."""
    import os

    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("CI") == "true" and url.startswith(("postgres://", "postgresql://")):
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"DATABASE_URL is PostgreSQL but the engine is {engine}")


def _on_postgres() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests marked `postgres` run only in the PostgreSQL pass; on SQLite they are deselected
    (not skipped), so CI's SQLite pass never reports a skip for want of a database."""
    if _on_postgres():
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
