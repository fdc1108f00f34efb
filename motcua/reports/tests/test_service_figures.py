"""The service figures of the fact table (ADR 0029), worked out by hand over a history driven
through the real services (intake with and without files, an online submission paid before
its acceptance, a failed payment, a replayed IPN, a signed result signed twice, two ratings
and a second attempt), incremental and rebuilt.

The fee procedure 9.990101 is the promotion procedure (decided by Sở Công Thương H11.05)
with a fee of 100,000 đ; the promotion procedure 2.000004 has none.

  A  9.990101 desk,   received Mon 2 Mar 09:00 with a scanned file       fee_due, digitised
     a payment fails Tue 3 Mar 09:00, another is paid at 10:00 (and its IPN comes twice)
     approved Wed 4 Mar 09:00, its result signed (and the signing job runs again)
     rated Wed 11 Mar: every factor 5, the fifth left unanswered            satisfied
  B  2.000004 desk,   received 2 Mar 09:00, no file, no fee
     refused after review Tue 3 Mar; rated 10 Mar with one factor at 3     not satisfied
  C  9.990101 postal, received 2 Mar 10:00, no file                              fee_due
  G  9.990101 online, submitted Thu 5 Mar 10:00 with a file, paid at 11:00, accepted
     Mon 9 Mar 08:00: received (and fee_due, digitised) on 5 Mar, paid on 5 Mar
  K  9.990101 desk,   refused at intake 2 Mar: never received, nothing counted

So 2–6 March: fee_due 3, digitised 2, paid 2 (both online), e_results 1; the ratings count
on the first day of their month (what the anonymous rating keeps): March has rated 2, of
which satisfied 1, and the period 2–6 March none."""

# ruff: noqa: F811 - pytest fixtures imported from the dossiers tests and taken as arguments
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PROMOTION, pdf_bytes
from motcua.core import clock
from motcua.core.errors import Conflict
from motcua.dossiers.api import (
    dossier_accept,
    dossier_result_sign,
    dossier_submit_online,
)
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    ALL_DOCS,
    ORG,
    act,
    at,
    demo_signing,
    media_on_disk,
)
from motcua.reports.api import facts_rebuild, resolution_report
from motcua.reports.data import SERVICE_COUNTS
from motcua.reports.models import DailyFlow

from .test_hand_built import flow_rows

FEE = "9.990101"
PROMO = "2.000004"
PDF = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))
SCAN = UploadedFile(name="scan.pdf", content=pdf_bytes("BAN QUET"))
FORM = UploadedFile(name="to-khai.pdf", content=pdf_bytes("TO KHAI"), checklist_position=1)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
P1 = (dt.date(2026, 3, 2), dt.date(2026, 3, 6))


@pytest.fixture
def fee_procedure(world):
    from motcua.catalog.api import catalog_import

    raw = copy.deepcopy(PROMOTION)
    raw.update(
        {
            "code": FEE,
            "name": "Đăng ký thực hiện khuyến mại có thu phí",
            "fees_known": True,
            "fees": [
                {
                    "name": "Phí thẩm định",
                    "kind": "fee",
                    "amount_vnd": 100000,
                    "case": "đồng/hồ sơ",
                }
            ],
        }
    )
    content = json.dumps({"format": "motcua.catalog/1", "procedures": [raw]}).encode()
    report = catalog_import(content=content, filename="fee.json", actor=None)
    assert not getattr(report, "errors", None), report
    return FEE


@pytest.fixture
def intake(world, fee_procedure):
    from motcua.dossiers.api import dossier_intake

    def _intake(when, code=FEE, channel="desk", files=(), decision="accept", **kw):
        with clock.at(when):
            return dossier_intake(
                actor=world["users"]["desk"],
                procedure_code=code,
                channel=channel,
                applicant=ORG,
                decision=decision,
                checklist=kw.pop("checklist", ALL_DOCS),
                files=list(files),
                **kw,
            )

    return _intake


def pay(dossier, when, button="pay"):
    """Start a payment of the dossier's fee and answer it at the sandbox gateway."""
    from motcua.payments.api import payment_sandbox_settle, payment_start

    with clock.at(when):
        started = payment_start(dossier=dossier, payer=None, return_url="http://testserver/r/")
        result = payment_sandbox_settle(payment=started.payment, button=button)
    return started.payment, result


def rate(dossier, when, **scores):
    from motcua.feedback.api import rating_submit

    with clock.at(when):
        return rating_submit(
            dossier_code=dossier.code,
            user=None,
            proven_codes=[dossier.code],
            scores=scores,
        )


@pytest.fixture
def history(world, intake, demo_signing):
    u = world["users"]
    a = intake(at(2026, 3, 2, 9, 0), files=[SCAN])
    b = intake(at(2026, 3, 2, 9, 0), code=PROMO)
    intake(at(2026, 3, 2, 10, 0), channel="postal")
    intake(at(2026, 3, 2, 9, 30), decision="refuse", checklist=[], note="Không thuộc thẩm quyền")

    failed, answer = pay(a, at(2026, 3, 3, 9, 0), button="fail")
    assert not answer.paid
    paid, answer = pay(a, at(2026, 3, 3, 10, 0))
    assert answer.paid
    from motcua.payments.api import payment_sandbox_settle

    with clock.at(at(2026, 3, 3, 10, 5)):
        paid.refresh_from_db()
        paid.status = "initiated"  # the gateway's view: it sends the same success again
        replay = payment_sandbox_settle(payment=paid, button="pay")
    assert replay.rsp_code == "02"

    act(a, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "take", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    a = act(a, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    with clock.at(at(2026, 3, 4, 9, 1)):
        assert dossier_result_sign(dossier_id=a.pk, signer_id=u["ld"].pk).signed
        assert dossier_result_sign(dossier_id=a.pk, signer_id=u["ld"].pk) is None

    act(b, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    b = act(b, u["cv"], "reject", at(2026, 3, 3, 9, 0), reason="Thể lệ trái quy định")

    with clock.at(at(2026, 3, 5, 10, 0)):
        g = dossier_submit_online(
            applicant_user=None, procedure_code=FEE, applicant=ORG, files=[FORM]
        )
    _g_payment, answer = pay(g, at(2026, 3, 5, 11, 0))
    assert answer.paid
    with clock.at(at(2026, 3, 9, 8, 0)):
        g = dossier_accept(dossier_id=g.pk, actor=u["desk"], checklist=ALL_DOCS)

    rate(b, at(2026, 3, 10, 9, 0), access=5, procedure=4, staff=3, result=4, complaints=5)
    rate(a, at(2026, 3, 11, 9, 0), access=5, procedure=5, staff=5, result=5)
    with pytest.raises(Conflict):
        rate(a, at(2026, 3, 11, 10, 0), access=1, procedure=1, staff=1, result=1)
    return world


def _service(row):
    return {name: getattr(row, name) for name in SERVICE_COUNTS}


def _rows(code, channel):
    """{day: {column: value}} of the service columns (and received) of one procedure and
    channel, the days with something."""
    out = {}
    for row in DailyFlow.objects.filter(procedure_code=code, channel=channel, duration=0):
        cols = {c: getattr(row, c) for c in ("received", *SERVICE_COUNTS) if getattr(row, c)}
        if cols:
            out[row.day] = cols
    return out


@pytest.mark.parametrize("rebuilt", [False, True], ids=["incremental", "rebuilt"])
def test_service_figures_by_hand(history, rebuilt):
    if rebuilt:
        kept = flow_rows()
        DailyFlow.objects.all().delete()
        facts_rebuild(chunk=2)
        assert flow_rows() == kept
    d = dt.date
    assert _rows(FEE, "desk") == {
        d(2026, 3, 2): {"received": 1, "fee_due": 1, "digitised": 1},
        d(2026, 3, 3): {"paid": 1, "paid_online": 1},
        d(2026, 3, 4): {"e_results": 1},
        d(2026, 3, 1): {"rated": 1, "rated_satisfied": 1},
    }
    assert _rows(FEE, "postal") == {d(2026, 3, 2): {"received": 1, "fee_due": 1}}
    assert _rows(FEE, "online") == {
        d(2026, 3, 5): {
            "received": 1,
            "fee_due": 1,
            "digitised": 1,
            "paid": 1,
            "paid_online": 1,
        }
    }
    assert _rows(PROMO, "desk") == {
        d(2026, 3, 2): {"received": 1},
        d(2026, 3, 1): {"rated": 1},
    }
    one = resolution_report(date_from=P1[0], date_to=P1[1])
    assert _service(one.total) == {
        "fee_due": 3,
        "paid": 2,
        "paid_online": 2,
        "e_results": 1,
        "digitised": 2,
        "rated": 0,
        "rated_satisfied": 0,
    }
    march = resolution_report(date_from=MARCH[0], date_to=MARCH[1], group_by="procedure")
    assert _service(march.total) == {**_service(one.total), "rated": 2, "rated_satisfied": 1}
    by_code = {r.key: _service(r) for r in march.rows}
    assert by_code[PROMO] == {**dict.fromkeys(SERVICE_COUNTS, 0), "rated": 1}
    assert by_code[FEE]["fee_due"] == 3 and by_code[FEE]["rated_satisfied"] == 1


def test_each_hook_is_one_statement(world, intake, demo_signing):
    """The payment, the signature and the rating each add one upsert to their transaction;
    the intake's upsert carries fee_due and digitised (no statement of its own)."""
    u = world["users"]

    def upserts(fn):
        with CaptureQueriesContext(connection) as ctx:
            out = fn()
        return out, [q["sql"] for q in ctx.captured_queries if "reports_dailyflow" in q["sql"]]

    a, sqls = upserts(lambda: intake(at(2026, 3, 2, 9, 0), files=[SCAN]))
    assert len(sqls) == 1 and "dossiers_dossierdocument" in sqls[0]
    _, sqls = upserts(lambda: pay(a, at(2026, 3, 3, 10, 0)))
    assert len(sqls) == 1 and sqls[0].startswith("INSERT")
    act(a, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "take", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    a = act(a, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    _, sqls = upserts(lambda: dossier_result_sign(dossier_id=a.pk, signer_id=u["ld"].pk))
    assert len(sqls) == 1
    _, sqls = upserts(
        lambda: rate(a, at(2026, 3, 5, 9, 0), access=4, procedure=4, staff=4, result=4)
    )
    assert len(sqls) == 1
    row = DailyFlow.objects.get(day=dt.date(2026, 3, 1), procedure_code=FEE, duration=0)
    assert (row.rated, row.rated_satisfied) == (1, 1)


def test_satisfied_means_every_answered_factor_at_least_the_threshold(settings):
    from motcua.feedback.api import rating_satisfied

    assert rating_satisfied(
        {"access": 4, "procedure": 5, "staff": 4, "result": 4, "complaints": None}
    )
    assert not rating_satisfied({"access": 4, "procedure": 5, "staff": 3, "result": 5})
    settings.MOTCUA_RATING_SATISFIED_MIN = 3
    assert rating_satisfied({"access": 4, "procedure": 5, "staff": 3, "result": 5})


def test_the_rebuild_corrects_a_damaged_table_and_keeps_no_zero_rows(history):
    kept = flow_rows()
    row = DailyFlow.objects.get(day=dt.date(2026, 3, 3), procedure_code=FEE, channel="desk")
    DailyFlow.objects.filter(pk=row.pk).update(paid=7, received=2)
    DailyFlow.objects.create(
        day=dt.date(2026, 4, 1),
        agency_id=row.agency_id,
        procedure_code=FEE,
        channel="desk",
        rated=3,
    )
    rows = facts_rebuild(chunk=100)
    assert flow_rows() == kept
    assert rows == len(kept) == DailyFlow.objects.count()
    assert not DailyFlow.objects.filter(day=dt.date(2026, 4, 1)).exists()
    # The rollups (ADR 0028, kept by triggers) followed the correction and the deletion.
    from django.db.models import Sum

    from motcua.reports.models import FlowRollup

    columns = ("received", *SERVICE_COUNTS)
    daily = DailyFlow.objects.aggregate(**{c: Sum(c) for c in columns})
    for span in ("month", "year"):
        rolled = FlowRollup.objects.filter(span=span).aggregate(**{c: Sum(c) for c in columns})
        assert rolled == daily, span
    assert daily["paid"] == 2 and daily["rated"] == 2
