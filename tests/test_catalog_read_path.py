"""The public catalog's read path (docs/adr/0042): pages and API answers kept per catalog
generation, never stale after a publish or an agency edit; query counts on a warm cache."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import BIRTH, PROMOTION
from motcua.catalog import cache as catalog_cache
from motcua.portal import procedure_blocks

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/?q=dang+ky",
    "/thu-tuc/?co-quan=H11.05",
    "/thu-tuc/2.000004/",
    "/thu-tuc/1.001193/",
    "/linh-vuc/",
    "/co-quan/",
]
API = [
    "/api/v1/procedures",
    "/api/v1/procedures?q=khai+sinh",
    "/api/v1/procedures/2.000004",
    "/api/v1/procedures/1.001193",
]


@pytest.fixture(autouse=True)
def _only_our_blocks(monkeypatch: Any) -> dict[str, Any]:
    """The procedure page's blocks registered by other features are not under test here.
    The URLconf is loaded first: the modules that register blocks do it when imported, and an
    import during a test would register them into this test's dictionary only (lost after)."""
    import config.urls  # noqa: F401

    blocks: dict[str, Any] = {}
    monkeypatch.setattr(procedure_blocks, "_BLOCKS", blocks)
    catalog_cache.catalog_memo_clear()
    return blocks


def _queries(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def _reimport(*procedures: dict[str, Any]) -> Any:
    from motcua.catalog.api import catalog_import

    content = json.dumps(
        {"format": "motcua.catalog/1", "procedures": list(procedures)}, ensure_ascii=False
    ).encode()
    return catalog_import(content=content, filename="c.json", actor=None)


# --- Warm cache: no query at all ---------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES + API)
def test_a_warm_catalog_page_or_answer_reads_nothing_from_the_database(catalog, url):
    client = Client()
    first, n_first = _queries(client, url)
    assert first.status_code == 200
    assert n_first >= 1  # computed from the database once per generation
    again, n_again = _queries(Client(), url)
    assert again.status_code == 200
    assert n_again == 0
    assert _no_token(again) == _no_token(first)


def _no_token(response: Any) -> str:
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="T"', response.content.decode())


@pytest.mark.parametrize(
    ("url", "cold"),
    [
        ("/", 3),  # fields with counts; the catalog's rows (2 queries, shared by every page)
        ("/thu-tuc/?q=dang+ky", 5),  # + the agencies in force and their procedure counts
        ("/thu-tuc/2.000004/", 5),  # the version with documents, fees, agencies, steps
        ("/linh-vuc/", 1),
        ("/co-quan/", 2),
        ("/api/v1/procedures?q=ruou", 2),
        ("/api/v1/procedures/2.000004", 5),
    ],
)
def test_a_cold_page_costs_a_few_plain_queries(catalog, url, cold, django_assert_num_queries):
    catalog_cache.catalog_cache_bump()
    with django_assert_num_queries(cold):
        assert Client().get(url).status_code == 200


def test_an_unknown_procedure_is_remembered_as_unknown(catalog):
    assert Client().get("/thu-tuc/9.999999/").status_code == 404
    response, n = _queries(Client(), "/thu-tuc/9.999999/")
    assert response.status_code == 404 and n == 0
    response, n = _queries(Client(), "/api/v1/procedures/9.999999")
    assert response.status_code == 404 and n <= 1


# --- Never stale -------------------------------------------------------------------------------


def _warm_everything() -> None:
    for url in PAGES + API:
        assert Client().get(url).status_code == 200


def test_a_published_version_is_shown_at_once_by_every_page_and_the_api(catalog):
    _warm_everything()
    changed = copy.deepcopy(PROMOTION)
    changed["name"] = "Đăng ký chương trình khuyến mại may rủi (sửa đổi)"
    changed["documents"].append({"name": "Giấy tờ bổ sung mới", "originals": 1, "copies": 1})
    changed["agencies"] = ["H11.07"]
    report = _reimport(changed, BIRTH)
    assert report.updated == ["2.000004"]

    page = Client().get("/thu-tuc/2.000004/").content.decode()
    assert "(sửa đổi)" in page and "Giấy tờ bổ sung mới" in page and "Sở Xây dựng" in page
    assert "(sửa đổi)" in Client().get("/thu-tuc/", {"q": "sua doi"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in Client().get("/thu-tuc/?co-quan=H11.07").content.decode()
    assert "Không có thủ tục" in Client().get("/thu-tuc/?co-quan=H11.05").content.decode()
    detail = Client().get("/api/v1/procedures/2.000004").json()
    assert detail["version"] == 2 and detail["name"].endswith("(sửa đổi)")
    assert detail["agency"] == {"code": "H11.07", "name": "Sở Xây dựng"}
    items = Client().get("/api/v1/procedures", {"q": "sua doi"}).json()["items"]
    assert [(i["code"], i["version"]) for i in items] == [("2.000004", 2)]
    agencies = Client().get("/co-quan/").content.decode()
    assert "?co-quan=H11.07" in agencies and "?co-quan=H11.05" not in agencies


def test_a_new_procedure_and_its_field_appear_at_once(catalog):
    _warm_everything()
    new = copy.deepcopy(PROMOTION)
    new.update(code="2.000999", name="Thủ tục thử nghiệm hoàn toàn mới", field="Lĩnh vực mới")
    _reimport(new)
    home = Client().get("/").content.decode()
    assert "Lĩnh vực mới" in home and "3 thủ tục" in home
    assert "Lĩnh vực mới" in Client().get("/linh-vuc/").content.decode()
    assert Client().get("/api/v1/procedures").json()["count"] == 3
    assert Client().get("/thu-tuc/2.000999/").status_code == 200


def test_an_agency_renamed_is_shown_at_once(catalog, agencies):
    from motcua.accounts.api import agency_upsert

    _warm_everything()
    trade = agencies["trade"]
    agency_upsert(
        code=trade.code,
        name="Sở Công Thương (tên mới)",
        kind=trade.kind,
        parent=trade.parent,
        receiving_desk=trade.receiving_desk,
    )
    assert "Sở Công Thương (tên mới)" in Client().get("/co-quan/").content.decode()
    assert "Sở Công Thương (tên mới)" in Client().get("/thu-tuc/").content.decode()
    assert "Sở Công Thương (tên mới)" in Client().get("/thu-tuc/2.000004/").content.decode()
    body = Client().get("/api/v1/procedures/2.000004").json()
    assert body["agency"]["name"] == "Sở Công Thương (tên mới)"
    items = Client().get("/api/v1/procedures", {"agency": "H11.05"}).json()["items"]
    assert items[0]["agency"]["name"] == "Sở Công Thương (tên mới)"


def test_a_field_renamed_in_the_admin_is_shown_at_once(catalog):
    from motcua.catalog.models import Field

    _warm_everything()
    field = Field.objects.get(code="ho-tich")
    field.name = "Hộ tịch (đổi tên)"
    field.save()
    assert "Hộ tịch (đổi tên)" in Client().get("/").content.decode()
    assert "Hộ tịch (đổi tên)" in Client().get("/thu-tuc/1.001193/").content.decode()
    assert Client().get("/api/v1/procedures/1.001193").json()["field"] == "Hộ tịch (đổi tên)"


def test_another_process_publishing_is_seen_through_the_shared_generation(catalog):
    """Another worker's publish replaces the generation in the shared cache; this process's
    memo still holds the old pages, keyed by the old generation, and must not serve them."""
    from motcua.catalog.models import ProcedureVersion

    _warm_everything()
    # The other process's write: no signal here, only the shared generation changes.
    ProcedureVersion.objects.filter(procedure__code="1.001193").update(
        name="Đăng ký khai sinh (bản khác)"
    )
    assert "(bản khác)" not in Client().get("/thu-tuc/1.001193/").content.decode()  # kept
    cache.set(catalog_cache._key(), "another-process", timeout=None)
    assert "(bản khác)" in Client().get("/thu-tuc/1.001193/").content.decode()
    assert "(bản khác)" in Client().get("/api/v1/procedures/1.001193").json()["name"]


def test_a_generation_lost_from_the_shared_cache_is_a_miss(catalog):
    from motcua.catalog.models import ProcedureVersion

    _warm_everything()
    ProcedureVersion.objects.filter(procedure__code="1.001193").update(name="Khai sinh (mới)")
    cache.clear()  # evicted, culled, flushed
    assert "Khai sinh (mới)" in Client().get("/thu-tuc/1.001193/").content.decode()


def test_an_unreachable_shared_cache_turns_the_memo_off(catalog, monkeypatch):
    from motcua.catalog.models import ProcedureVersion

    _warm_everything()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(catalog_cache.cache, "get", broken)
    ProcedureVersion.objects.filter(procedure__code="1.001193").update(name="Khai sinh (mới)")
    response, n = _queries(Client(), "/thu-tuc/1.001193/")
    assert response.status_code == 200 and n >= 1
    assert "Khai sinh (mới)" in response.content.decode()


def test_saving_a_draft_keeps_the_generation(catalog):
    from motcua.catalog.api import catalog_generation, procedure_draft_start
    from motcua.catalog.models import Procedure

    before = catalog_generation()
    procedure_draft_start(procedure=Procedure.objects.get(code="2.000004"), actor=None)
    assert catalog_generation() == before


@pytest.mark.django_db(transaction=True)
def test_the_generation_is_replaced_again_when_the_publish_commits(agencies):
    """A reader that took the generation before the commit and read the old rows keeps them
    under a generation that the commit replaces."""
    from motcua.catalog.api import catalog_generation

    seen: list[str | None] = []
    original = catalog_cache.catalog_cache_bump

    def recording_bump() -> None:
        original()
        seen.append(catalog_generation())

    catalog_cache.catalog_cache_bump = recording_bump  # type: ignore[assignment]
    try:
        _reimport(PROMOTION)
    finally:
        catalog_cache.catalog_cache_bump = original  # type: ignore[assignment]
    assert len(seen) >= 2
    assert catalog_generation() == seen[-1]
    assert "Đăng ký hoạt động khuyến mại" in Client().get("/thu-tuc/").content.decode()


# --- A kept page is each visitor's own ---------------------------------------------------------


def test_a_kept_page_sets_no_cookie_and_the_language_switch_needs_no_token(catalog):
    """The language form is the only form of an anonymous catalog page and needs no CSRF token
    (config/urls.py): a kept page is served as is, with no per-visitor secret or cookie."""
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    html_1 = first.get("/linh-vuc/").content.decode()
    page_2 = second.get("/linh-vuc/")
    assert catalog_cache._MEMO  # the second was served from the memo
    assert page_2.content.decode() == html_1
    assert "csrfmiddlewaretoken" not in html_1
    assert not page_2.cookies  # nothing set: the page is the same for everyone
    response = second.post("/i18n/setlang/", {"language": "en", "next": "/linh-vuc/"})
    assert response.status_code == 302
    assert response["Location"] == "/linh-vuc/"
    assert response.cookies["django_language"].value == "en"
    assert "Procedures by field" in second.get("/linh-vuc/").content.decode()
    # An address elsewhere is not followed.
    away = second.post("/i18n/setlang/", {"language": "vi", "next": "https://evil.example/"})
    assert away.status_code == 302
    assert "evil.example" not in away["Location"]


def test_a_signed_in_visitor_gets_a_page_of_their_own(catalog, django_user_model):
    user = django_user_model.objects.create_user(username="nguoidan", password="x-Very-l0ng")
    assert "Đăng nhập" in Client().get("/linh-vuc/").content.decode()
    signed_in = Client()
    signed_in.force_login(user)
    html = signed_in.get("/linh-vuc/").content.decode()
    assert "nguoidan" in html
    assert "nguoidan" not in Client().get("/linh-vuc/").content.decode()


def test_pages_are_kept_per_language(catalog):
    assert "theo lĩnh vực" in Client().get("/linh-vuc/").content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Procedures by field" in english.get("/linh-vuc/").content.decode()


# --- Extra blocks of the procedure page --------------------------------------------------------


def _test_blocks(settings: Any) -> list[str]:
    from pathlib import Path

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates
    calls: list[str] = []

    def context(request: Any, code: str) -> dict[str, Any] | None:
        calls.append(code)
        return {"n": len(calls), "code": code}

    def nothing(request: Any, code: str) -> dict[str, Any] | None:
        return None

    procedure_blocks.procedure_block_add(
        procedure_blocks.ProcedureBlock(
            name="counter", template="portal/tests_extra_block.html", context=context
        )
    )
    procedure_blocks.procedure_block_add(
        procedure_blocks.ProcedureBlock(
            name="none", template="portal/tests_extra_block.html", context=nothing
        )
    )
    return calls


def test_extra_blocks_are_kept_with_the_page_for_visitors_without_a_session(catalog, settings):
    calls = _test_blocks(settings)
    first = Client().get("/thu-tuc/2.000004/").content.decode()
    second, n = _queries(Client(), "/thu-tuc/2.000004/")
    html = second.content.decode()
    assert n == 0
    assert 'data-n="1" data-ctx-n="1"' in first and 'data-n="1" data-ctx-n="1"' in html
    assert calls == ["2.000004"]  # computed once for everyone
    assert html.count('class="test-extra-block"') == 1  # the one returning None is left out
    # After the main content (the legal basis), inside <main>.
    assert html.index("law-heading") < html.index("test-extra-block") < html.index("</main>")
    # A block's form gets the visitor's own token (not the kept page's mark).
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert tokens and all(len(t) == 64 for t in tokens)
    # A new generation (a publish) computes them again.
    catalog_cache.catalog_changed()
    assert 'data-n="2"' in Client().get("/thu-tuc/2.000004/").content.decode()


def test_extra_blocks_are_rendered_on_every_request_for_a_visitor_with_a_session(catalog, settings):
    calls = _test_blocks(settings)
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    first = visitor.get("/thu-tuc/2.000004/").content.decode()
    second = visitor.get("/thu-tuc/2.000004/").content.decode()
    assert 'data-n="1"' in first and 'data-n="2"' in second
    assert calls == ["2.000004", "2.000004"]


def test_a_faq_shows_on_the_kept_procedure_page_at_once(catalog):
    from motcua.portal import views_qa
    from motcua.qa.api import faq_save

    procedure_blocks.procedure_block_add(  # the real Q&A block (the fixture removed it)
        procedure_blocks.ProcedureBlock(
            name="qa", template="portal/qa/_procedure_block.html", context=views_qa._block
        )
    )
    before = Client().get("/thu-tuc/2.000004/").content.decode()
    assert "Có cần công chứng bản sao không?" not in before
    faq_save(
        actor=None,
        procedure_code="2.000004",
        question="Có cần công chứng bản sao không?",
        answer="Không, nộp bản chụp kèm bản chính để đối chiếu.",
    )
    after = Client().get("/thu-tuc/2.000004/").content.decode()
    assert "Có cần công chứng bản sao không?" in after


# --- The search on the kept rows is the database's search ------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "dang ky"},
        {"q": "ĐĂNG   KÝ khai"},
        {"q": "khuyen mai dang"},
        {"q": "xyz"},
        {"q": "2.000004"},
        {"agency_code": "H11"},
        {"agency_code": "H11.05"},
        {"agency_code": "H11.03325"},
        {"agency_code": "H11.0"},
        {"field_code": "ho-tich"},
        {"q": "dang ky", "field_code": "xuc-tien-thuong-mai", "agency_code": "H11.05"},
    ],
)
def test_catalog_find_matches_procedure_search(catalog, filters):
    from motcua.catalog.api import catalog_find, procedure_search

    expected = [v.procedure.code for v in procedure_search(**filters)]
    assert [row["code"] for row in catalog_find(**filters)] == expected


@pytest.mark.parametrize("url", PAGES)
def test_a_kept_page_is_the_page_rendered_afresh(catalog, url, monkeypatch):
    import motcua.portal.views as views

    kept = _no_token(Client().get(url))
    kept_again = _no_token(Client().get(url))
    monkeypatch.setattr(views, "catalog_generation", lambda: None)  # nothing kept: render
    fresh = _no_token(Client().get(url))
    assert kept == kept_again == fresh


def test_kept_api_answers_are_json_like_the_others(catalog):
    for url in API:
        Client().get(url)
        response = Client().get(url)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert isinstance(response.json(), dict)
