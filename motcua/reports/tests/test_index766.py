"""The 766 service index (`reports.index766.service_index`, ADR 0030): points worked out by
hand from fact-table rows written directly and from the catalog; the scoring rule with and
without a target; entered indicators (the service: who may, validation, audit).

The world: the test catalog (2.000004 promotion, fully online, no fee, Sở Công Thương H11.05;
1.001193 birth registration, fully online, fee 0 đ, every commune) plus two procedures
imported here: 9.000001 (Sở Xây dựng H11.07, partly online, a 500,000 đ fee) and 9.000002
(H11.05, not online, a 100,000 đ fee, its documents not published: incomplete).

The figures of 2026 (written straight into DailyFlow), to 7 December 2026:
- 2.000004 at H11.05: 6 received online and 4 at the desk on 3 March (12 of them with their
  documents stored electronically … see DIGITISED); on 10 March 8 resolved (3 early, 4 on
  time, 1 late), 6 results electronic, 5 ratings of which 4 satisfied; one of the 2 left
  becomes overdue on 20 March;
- 9.000001 at H11.07: 5 received at the desk on 1 April, all with a fee; 4 fees paid, 2 of them
  online; all 5 resolved on time on 5 April, no electronic result."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from conftest import PROMOTION
from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.catalog.api import catalog_import
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.reports.api import (
    index_points,
    index_scope,
    indicator_entry_allowed,
    indicator_entry_delete,
    indicator_entry_save,
    service_index,
)
from motcua.reports.data import INDEX766_ENTERED_CODES, INDEX766_INDICATORS, IndicatorSource
from motcua.reports.models import DailyFlow, IndicatorEntry

TODAY = dt.date(2026, 12, 7)
PASSWORD = "pw-12345-x"


def _procedure(code: str, agency: str, online: str, fee: int, **changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(PROMOTION)
    raw.update(code=code, name=f"Thủ tục {code}", agencies=[agency], online_level=online)
    raw["fees_known"] = True
    raw["fees"] = [{"name": "Phí thẩm định", "kind": "fee", "amount_vnd": fee, "case": ""}]
    for step in raw["steps"]:
        if step["agency"] == "H11.05":
            step["agency"] = agency
    raw.update(changes)
    return raw


@pytest.fixture
def more_procedures(world) -> None:
    content = json.dumps(
        {
            "procedures": [
                _procedure("9.000001", "H11.07", "partial", 500_000),
                _procedure(
                    "9.000002", "H11.05", "none", 100_000, documents_known=False, documents=[]
                ),
            ]
        },
        ensure_ascii=False,
    ).encode()
    catalog_import(content=content, filename="c.json", actor=None)  # raises when refused


def flow(day: dt.date, agency: Any, code: str, channel: str, **counts: int) -> None:
    DailyFlow.objects.create(day=day, agency=agency, procedure_code=code, channel=channel, **counts)


@pytest.fixture
def figures(world, more_procedures) -> dict[str, Any]:
    trade, build = world["agencies"]["trade"], world["agencies"]["build"]
    d = dt.date
    flow(d(2026, 3, 3), trade, "2.000004", "online", received=6, open_delta=6, digitised=6)
    flow(d(2026, 3, 3), trade, "2.000004", "desk", received=4, open_delta=4, digitised=4)
    flow(
        d(2026, 3, 10),
        trade,
        "2.000004",
        "desk",
        open_delta=-8,
        resolved_early=3,
        resolved_on_time=4,
        resolved_late=1,
        timed=8,
        e_results=6,
        rated=5,
        rated_satisfied=4,
    )
    flow(d(2026, 3, 20), trade, "2.000004", "desk", overdue_delta=1)
    flow(
        d(2026, 4, 1),
        build,
        "9.000001",
        "desk",
        received=5,
        open_delta=5,
        fee_due=5,
        paid=4,
        paid_online=2,
        digitised=2,
    )
    flow(d(2026, 4, 5), build, "9.000001", "desk", open_delta=-5, resolved_on_time=5, timed=5)
    # Another year's rows are not counted (2025), nor the days after the index's end.
    flow(d(2025, 6, 2), trade, "2.000004", "desk", received=50, open_delta=50)
    flow(d(2025, 6, 9), trade, "2.000004", "desk", open_delta=-50, resolved_late=50)
    return world


def by_code(index: Any) -> dict[str, Any]:
    return {i.code: i for i in index.indicators}


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "max_points", "target", "points"),
    [
        (90.0, 6, 90, 6.0),  # at the target: every point
        (95.0, 6, 90, 6.0),  # above it: still the maximum
        (80.0, 6, 90, 5.33),  # 80 × 6 / 90
        (40.0, 2, 80, 1.0),  # 40 × 2 / 80
        (85.71, 20, None, 17.14),  # no target: 0.8571 × 20
        (100.0, 12, None, 12.0),
        (0.0, 6, None, 0.0),
        (None, 6, 90, 0.0),  # nothing to count, nothing entered
        (75.0, 0, 80, 0.0),  # tracked without points
    ],
)
def test_the_scoring_rule(rate, max_points, target, points):
    assert index_points(rate=rate, max_points=max_points, target=target) == points


def test_the_table_adds_up_to_100_points_in_six_groups():
    groups: dict[int, int] = {}
    for d in INDEX766_INDICATORS:
        groups[d.group] = groups.get(d.group, 0) + d.max_points
    assert groups == {1: 18, 2: 20, 3: 12, 4: 10, 5: 18, 6: 22}
    assert set(INDEX766_ENTERED_CODES) == {
        "1.1", "1.2", "1.4", "5.2", "5.3", "6.3", "6.4", "6.5", "6.6", "6.7"
    }  # fmt: skip


# --- the computed indicators ---------------------------------------------------------------


def test_the_province_index_worked_out_by_hand(figures, django_assert_max_num_queries):
    service_index(year=2026, today=TODAY)  # the catalog's and the calendar's caches filled
    # The report's few (sums, histogram, their monthly roll-ups, label checks), the catalog's
    # five, the agencies, the entries: none per dossier.
    with django_assert_max_num_queries(16):
        index = service_index(year=2026, today=TODAY)
    assert (index.date_from, index.date_to) == (dt.date(2026, 1, 1), TODAY)
    got = by_code(index)
    expect = {
        # code: (numerator, denominator, rate %, points)
        "1.3": (3, 4, 75.0, 1.5),  # 9.000002 publishes no documents
        "2.1": (12, 14, 85.71, 17.14),  # (3 early + 9 on time) / (13 resolved + 1 overdue)
        "3.0": (6, 10, 60.0, 7.2),  # 2.000004 is the only fully-online one with dossiers
        "3.1": (3, 4, 75.0, 0.0),  # tracked
        "3.2": (1, 3, 33.33, 0.0),
        "3.3": (6, 15, 40.0, 0.0),
        "4.1": (1, 2, 50.0, 1.25),  # 50 × 2 / 80
        "4.2": (1, 2, 50.0, 1.0),
        "4.3": (2, 5, 40.0, 2.4),
        "5.4": (3, 15, 80.0, 5.33),  # 100 − (1 late + 1 overdue + 1 dissatisfied) / 15
        "6.1": (6, 13, 46.15, 2.77),
        "6.2": (12, 15, 80.0, 4.0),  # at the 80 % target
    }
    assert {
        c: (got[c].numerator, got[c].denominator, got[c].rate, got[c].points) for c in expect
    } == expect
    assert all(got[c].source == IndicatorSource.COMPUTED for c in expect)
    missing = [c for c, i in got.items() if i.source == IndicatorSource.MISSING]
    assert missing == list(INDEX766_ENTERED_CODES)
    assert all(got[c].points == 0 and got[c].rate is None for c in missing)
    groups = {g.number: (g.points, g.max_points, g.missing_points) for g in index.groups}
    assert groups == {
        1: (1.5, 18, 16),
        2: (17.14, 20, 0),
        3: (7.2, 12, 0),
        4: (4.65, 10, 0),
        5: (5.33, 18, 12),
        6: (6.77, 22, 12),
    }
    assert index.total_points == 42.59
    assert (index.max_points, index.missing_points) == (100, 40)
    assert got["2.1"].drilldown == ("resolved_late", "in_progress_overdue")
    assert got["1.3"].drilldown == ("catalog",)


def test_an_agency_index_counts_its_own_dossiers_and_procedures(figures):
    trade = figures["agencies"]["trade"]
    got = by_code(service_index(year=2026, agency_id=trade.pk, today=TODAY))
    assert (got["1.3"].numerator, got["1.3"].denominator) == (1, 2)  # 2.000004, 9.000002
    assert (got["2.1"].numerator, got["2.1"].denominator) == (7, 9)  # 3 + 4 of 8 + 1 overdue
    assert (got["3.3"].numerator, got["3.3"].denominator) == (6, 10)
    assert (got["4.1"].numerator, got["4.1"].denominator) == (0, 1)  # 9.000002 is not online
    assert got["4.3"].rate is None and got["4.3"].points == 0  # no fee due: nothing to count
    # 100 − (1 late + 1 overdue + 1 dissatisfied) / 10 = 70 → 70 × 6 / 90
    assert (got["5.4"].rate, got["5.4"].points) == (70.0, 4.67)


def test_the_root_agency_is_the_province(figures):
    root = figures["agencies"]["root"]
    province = service_index(year=2026, today=TODAY)
    assert service_index(year=2026, agency_id=root.pk, today=TODAY).total_points == (
        province.total_points
    )


def test_a_past_year_runs_to_31_december_and_until_cuts_it(figures):
    last = by_code(service_index(year=2025, today=TODAY))
    assert (last["2.1"].numerator, last["2.1"].denominator) == (0, 50)
    assert last["2.1"].points == 0
    march = service_index(year=2026, until=dt.date(2026, 3, 31), today=TODAY)
    assert march.date_to == dt.date(2026, 3, 31)
    got = by_code(march)
    assert (got["3.3"].numerator, got["3.3"].denominator) == (6, 10)  # April's left out
    with pytest.raises(ValueError):
        service_index(year=2027, today=TODAY)
    with pytest.raises(ValueError):
        service_index(year=2026, until=dt.date(2025, 12, 31), today=TODAY)


def test_targets_and_points_follow_the_setting(figures, settings):
    settings.MOTCUA_INDEX766_OVERRIDES = {"2.1": {"target": 80}, "3.3": {"max_points": 5}}
    got = by_code(service_index(year=2026, today=TODAY))
    assert got["2.1"].points == 20.0  # 85.71 ≥ 80
    assert got["3.3"].points == 4.0  # 40 × 5 / 50 (its target)


# --- entered indicators --------------------------------------------------------------------


@pytest.fixture
def admins(figures, django_user_model) -> dict[str, Any]:
    agencies = figures["agencies"]
    out = {}
    for name, role, agency in (
        ("tinh", Role.PROVINCE_ADMIN, "root"),
        ("qt_so", Role.AGENCY_ADMIN, "trade"),
        ("giamsat", Role.SUPERVISOR, "root"),
    ):
        user = django_user_model.objects.create_user(
            username=name, password=PASSWORD, full_name=f"Người {name}"
        )
        role_grant(user=user, role=role, agency=agencies[agency])
        out[name] = user
    return out


def test_entered_indicators_count_with_who_and_when(figures, admins, orm):
    tinh = admins["tinh"]
    indicator_entry_save(actor=tinh, year=2026, agency=None, code="1.4", rate="90", note="DVCQG")
    indicator_entry_save(actor=tinh, year=2026, agency=None, code="6.4", rate=Decimal("40"))
    index = service_index(year=2026, today=TODAY)
    got = by_code(index)
    assert (got["1.4"].source, got["1.4"].rate, got["1.4"].points) == ("entered", 90.0, 5.4)
    assert (got["1.4"].entered_by, got["1.4"].note) == ("Người tinh", "DVCQG")
    assert got["1.4"].entered_at is not None
    assert (got["6.4"].rate, got["6.4"].points) == (40.0, 1.0)  # 40 × 2 / 80
    assert index.total_points == round(42.59 + 5.4 + 1.0, 2)
    assert index.missing_points == 40 - 6 - 2
    # Entered for the province, not for an agency.
    trade = figures["agencies"]["trade"]
    assert by_code(service_index(year=2026, agency_id=trade.pk, today=TODAY))["1.4"].source == (
        "missing"
    )
    entries = orm.AuditEntry.objects.filter(action="reports.indicator_entered")
    assert entries.count() == 2
    assert entries.filter(data__code="1.4", data__rate="90.00").count() == 1


def test_correcting_an_entry_keeps_one_row_and_audits_the_previous_rate(figures, admins, orm):
    tinh = admins["tinh"]
    indicator_entry_save(actor=tinh, year=2026, agency=None, code="1.4", rate="90")
    indicator_entry_save(actor=tinh, year=2026, agency=None, code="1.4", rate="95,5")
    entry = IndicatorEntry.objects.get()
    assert entry.rate == Decimal("95.50")
    last = orm.AuditEntry.objects.filter(action="reports.indicator_entered").order_by("pk").last()
    assert last.data["previous_rate"] == "90.00" and last.data["rate"] == "95.50"
    assert indicator_entry_delete(actor=tinh, year=2026, agency=None, code="1.4") is True
    assert not IndicatorEntry.objects.exists()
    assert indicator_entry_delete(actor=tinh, year=2026, agency=None, code="1.4") is False


def test_who_may_enter(figures, admins):
    a = figures["agencies"]
    assert indicator_entry_allowed(user=admins["tinh"], agency=None)
    assert indicator_entry_allowed(user=admins["tinh"], agency=a["commune"])
    assert not indicator_entry_allowed(user=admins["qt_so"], agency=None)
    assert indicator_entry_allowed(user=admins["qt_so"], agency=a["trade"])
    assert not indicator_entry_allowed(user=admins["qt_so"], agency=a["build"])
    assert not indicator_entry_allowed(user=admins["giamsat"], agency=None)
    assert not indicator_entry_allowed(user=figures["users"]["ld"], agency=a["trade"])
    with pytest.raises(PermissionDenied):
        indicator_entry_save(actor=admins["qt_so"], year=2026, agency=None, code="1.4", rate=1)
    with pytest.raises(PermissionDenied):
        indicator_entry_save(
            actor=figures["users"]["ld"], year=2026, agency=a["trade"], code="1.4", rate=1
        )
    assert not IndicatorEntry.objects.exists()
    indicator_entry_save(actor=admins["qt_so"], year=2026, agency=a["trade"], code="1.4", rate=7)
    assert IndicatorEntry.objects.get().agency == a["trade"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rate": "101"}, "rate"),
        ({"rate": "-1"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": "NaN"}, "rate"),
        ({"rate": "12.345"}, "rate"),
        ({"code": "2.1"}, "code"),  # computed, not entered
        ({"code": "9.9"}, "code"),
        ({"year": 2027}, "year"),
        ({"year": 1999}, "year"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_entries_name_the_field_and_change_nothing(figures, admins, orm, changes, field):
    kw: dict[str, Any] = {"year": 2026, "agency": None, "code": "1.4", "rate": "50", "note": ""}
    kw.update(changes)
    with pytest.raises(ValidationFailed) as caught:
        indicator_entry_save(actor=admins["tinh"], **kw)
    assert list(caught.value.field_errors) == [field]
    assert not IndicatorEntry.objects.exists()
    assert not orm.AuditEntry.objects.filter(action="reports.indicator_entered").exists()


def test_the_scope_of_who_sees_the_index(figures, admins):
    a = figures["agencies"]
    wide = index_scope(user=admins["giamsat"])
    assert wide.province_wide and wide.allows(None) and wide.allows(a["commune"].pk)
    leader = index_scope(user=figures["users"]["ld"])
    assert not leader.province_wide
    assert leader.allows(a["trade"].pk) and not leader.allows(a["build"].pk)
    assert not leader.allows(None)
    citizen = figures["users"]["ld"].__class__.objects.create_user(username="dan", password="x")
    assert index_scope(user=citizen).agencies == [] and not index_scope(user=citizen).allows(None)


# --- end to end: the fact table written by the real services' hooks --------------------------


def test_the_index_of_dossiers_handled_through_the_services(world, receive):
    from conftest import pdf_bytes
    from motcua.dossiers.data import UploadedFile
    from motcua.dossiers.tests.conftest import act, at

    u = world["users"]
    a = receive(at(2026, 3, 2, 9, 0))  # at the desk; approved early on Wednesday
    act(a, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "take", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    pdf = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))
    act(a, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=pdf)
    receive(at(2026, 3, 2, 9, 0), channel="online")  # still in progress, due 9 March
    trade = world["agencies"]["trade"]
    got = by_code(service_index(year=2026, agency_id=trade.pk, until=dt.date(2026, 3, 6)))
    assert (got["2.1"].numerator, got["2.1"].denominator, got["2.1"].points) == (1, 1, 20.0)
    assert (got["3.0"].numerator, got["3.0"].denominator) == (1, 2)  # 2.000004 is fully online
    assert (got["3.3"].rate, got["3.0"].points) == (50.0, 6.0)
    assert (got["5.4"].rate, got["5.4"].points) == (100.0, 6.0)  # nothing overdue or disliked
    assert got["6.1"].denominator == 1  # one result; signed by the system or not
    assert got["4.3"].rate is None  # no fee charged: nothing to count
    later = by_code(service_index(year=2026, agency_id=trade.pk, until=dt.date(2026, 3, 10)))
    # The online one is overdue from 9 March: 1 on time of 2, and 5.4 = 100 − 1/2.
    assert (later["2.1"].numerator, later["2.1"].denominator) == (1, 2)
    assert (later["5.4"].rate, later["5.4"].points) == (50.0, 3.33)
