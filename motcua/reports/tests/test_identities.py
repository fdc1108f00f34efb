"""Hypothesis: random histories of several dossiers, driven through the real services
(dossiers.api: intake, every processing action with its checks, the clock injected), keep the
report's identities (ADR 0027):

- received_total = online + direct + carried over = resolved_total + in_progress_total;
  resolved_total = early + on time + late; in_progress_total = not yet due + overdue;
- the table rebuilt from the events equals the one the transition hook kept current;
- a period split in two adds up: the second's carried over is the first's in progress, and
  the received and resolved counts add;
- in progress at a day's end equals a count made dossier by dossier from the events;
- the service figures (ADR 0029: payments, failed ones and replays, signed results signed
  again, ratings and second attempts, dossiers of a procedure with a fee, with and without
  files) equal counts made from the payments, the documents and the ratings."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import pdf_bytes
from motcua.calendar.api import working_calendar_get
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers.api import (
    dossier_accept,
    dossier_act,
    dossier_intake,
    dossier_result_sign,
    dossier_submit_online,
)
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    ALL_DOCS,
    ORG,
    at,
    demo_signing,
    media_on_disk,
)
from motcua.feedback.api import rating_satisfied
from motcua.reports.api import facts_rebuild, resolution_report
from motcua.reports.data import SERVICE_COUNTS
from motcua.reports.models import DailyFlow
from motcua.reports.services import local_day

from .test_hand_built import flow_rows
from .test_service_figures import FEE, SCAN, fee_procedure, pay, rate  # noqa: F401

PDF = UploadedFile(name="kq.pdf", content=pdf_bytes("KET QUA"))
# The ground truth is counted from the dossiers' own tables (the test reads them directly;
# the app itself reads them only through dossiers.api).
Dossier = apps.get_model("dossiers", "Dossier")
DossierEvent = apps.get_model("dossiers", "DossierEvent")
DossierDocument = apps.get_model("dossiers", "DossierDocument")
Payment = apps.get_model("payments", "Payment")
Rating = apps.get_model("feedback", "Rating")
START = dt.date(2026, 3, 2)
#: The actions a random history tries (each may be refused in the dossier's state: then
#: nothing changes), with what they need.
ACTIONS = [
    "forward",
    "forward",
    "forward",
    "take",
    "transfer",
    "request_supplement",
    "request_supplement",
    "receive_supplement",
    "receive_supplement",
    "apologize",
    "approve",
    "approve",
    "complete",
    "reject",
    "withdraw",
    "cancel",
    "return_result",
    # Not dossier actions: the applicant pays (or the bank refuses), the signing job runs,
    # the applicant rates (the scores drawn from the step's number).
    "pay",
    "pay_fail",
    "sign",
    "sign",
    "rate",
]


def _payload(action: str, dossier) -> dict[str, object]:
    appointment = dossier.appointment_at or clock.now()
    return {
        "transfer": {"agency": "H11.07", "budget_hours": "8", "note": "n"},
        "request_supplement": {"items": ["x"], "reason": "r"},
        "complete": {"result": PDF},
        "approve": {"result": PDF},
        "reject": {"reason": "r"},
        "apologize": {"new_appointment": appointment + dt.timedelta(days=4), "reason": "r"},
        "return_result": {"method": "post"},
        "withdraw": {"reason": "r"},
        "cancel": {"reason": "r"},
    }.get(action, {})


dossier_plans = st.tuples(
    st.integers(0, 12),  # received on START + n days (at 09:00 or 16:00)
    st.booleans(),
    # "submitted": online through the portal's service, accepted by the desk a day later
    # (received at the submission's time).
    st.sampled_from(["desk", "postal", "online", "submitted"]),
    st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(1, 100)), max_size=10),
    st.booleans(),  # the procedure with a fee (else the promotion procedure, free)
    st.booleans(),  # files given with it (a scan at the desk, a file with the submission)
    st.integers(0, 100),  # > 30: once its steps are done, signed (if it can be) and rated
)


def _submitted_and_accepted(world, now, code="2.000004", files=()):
    with clock.at(now):
        dossier = dossier_submit_online(
            applicant_user=None, procedure_code=code, applicant=ORG, files=list(files)
        )
    with clock.at(now + dt.timedelta(hours=20)):
        return dossier_accept(
            dossier_id=dossier.pk, actor=world["users"]["desk"], checklist=ALL_DOCS
        )


def _service_step(world, dossier, action: str, hours: int, now: dt.datetime) -> None:
    """A payment, a signature or a rating; refused ones change nothing."""
    if action in ("pay", "pay_fail"):
        pay(dossier, now, button="pay" if action == "pay" else "fail")
    elif action == "sign":
        # The signing job: scheduled by an approved result, retried while the result is
        # ready (dossiers.tasks); it may run again once the result is signed.
        if dossier.status in ("result_ready", "returned") and dossier.result_approved:
            with clock.at(now):
                dossier_result_sign(dossier_id=dossier.pk, signer_id=world["users"]["ld"].pk)
    else:
        low = 1 + hours % 5
        rate(dossier, now, access=5, procedure=4, staff=low, result=4 if hours % 3 else 5)


def _service_try(world, dossier, action: str, hours: int, now: dt.datetime) -> None:
    with contextlib.suppress(ApplicationError):
        _service_step(world, dossier, action, hours, now)
    dossier.refresh_from_db()


def _run(world, receive, plans) -> None:
    for day, late_in_day, channel, steps, with_fee, with_files, finale in plans:
        now = at(2026, 3, 2, 16 if late_in_day else 9, 0) + dt.timedelta(days=day)
        code = FEE if with_fee else "2.000004"
        if channel == "submitted":
            files = [SCAN] if with_files else []
            dossier = _submitted_and_accepted(world, now, code, files)
            now += dt.timedelta(hours=20)
        else:
            with clock.at(now):
                dossier = dossier_intake(
                    actor=world["users"]["desk"],
                    procedure_code=code,
                    channel=channel,
                    applicant=ORG,
                    decision="accept",
                    checklist=ALL_DOCS,
                    files=[SCAN] if with_files else [],
                )
        for action, hours in steps:
            now += dt.timedelta(hours=hours)
            if action in ("pay", "pay_fail", "sign", "rate"):
                _service_try(world, dossier, action, hours, now)
                continue
            with clock.at(now):
                try:
                    dossier = dossier_act(
                        dossier_id=dossier.pk,
                        actor=None,
                        action=action,
                        payload=_payload(action, dossier),
                    )
                except ApplicationError:
                    dossier.refresh_from_db()
        if finale > 30:  # try to end it with a result, sign it, pay and rate it
            for action in ("approve", "complete", "sign", "pay", "rate"):
                now += dt.timedelta(hours=1 + finale % 7)
                if action in ("approve", "complete"):
                    with clock.at(now):
                        try:
                            dossier = dossier_act(
                                dossier_id=dossier.pk,
                                actor=None,
                                action=action,
                                payload=_payload(action, dossier),
                            )
                        except ApplicationError:
                            dossier.refresh_from_db()
                else:
                    _service_try(world, dossier, action, finale, now)


def _identities(row) -> None:
    assert row.received_total == (
        row.received_online + row.received_direct + row.received_carried_over
    )
    assert row.received_total == row.resolved_total + row.in_progress_total
    assert row.resolved_total == row.resolved_early + row.resolved_on_time + row.resolved_late
    assert row.in_progress_total == row.in_progress_not_due + row.in_progress_overdue
    assert 0 <= row.in_progress_overdue <= row.in_progress_total
    assert 0 <= row.waiting_supplement <= row.in_progress_not_due
    assert row.withdrawn + row.cancelled <= row.resolved_on_time
    assert row.refused <= row.resolved_total


def _in_progress_at(day: dt.date) -> int:
    """Counted dossier by dossier: received by the end of `day`, not ended by then."""
    count = 0
    for dossier in Dossier.objects.filter(received_at__isnull=False):
        if local_day(dossier.received_at) > day:
            continue
        ends = [
            e.at
            for e in DossierEvent.objects.filter(dossier=dossier).order_by("at", "id")
            if e.to_status in ("result_ready", "withdrawn", "cancelled")
            and e.from_status in ("received", "processing", "supplement_requested")
        ]
        if not ends or local_day(ends[0]) > day:
            count += 1
    return count


def _overdue_at(day: dt.date) -> int:
    """Counted dossier by dossier: in progress with the clock running at the end of `day`,
    its appointment then (the first, or the one a received supplement or the apology set)
    on or before `day`."""
    count = 0
    for dossier in Dossier.objects.filter(received_at__isnull=False):
        status, appointment = "", dossier.original_appointment_at
        for e in DossierEvent.objects.filter(dossier=dossier).order_by("at", "id"):
            if local_day(e.at) > day:
                break
            status = e.to_status
            if e.action == "apologize":
                appointment = dt.datetime.fromisoformat(e.data["new_appointment_at"])
            elif e.action == "receive_supplement" and e.data.get("appointment_at"):
                appointment = dt.datetime.fromisoformat(e.data["appointment_at"])
        if status == "submitted" and local_day(dossier.received_at) <= day:
            status = "received"  # accepted later, received at the submission's time
        if status in ("received", "processing") and local_day(appointment) <= day:
            count += 1
    return count


def _service_counts() -> dict[str, int]:
    """The service figures of all time, counted from the stored rows themselves."""
    received = Dossier.objects.filter(received_at__isnull=False)
    paid = Payment.objects.filter(status="paid")
    ratings = [
        {
            f: getattr(r, f"score_{f}")
            for f in ("access", "procedure", "staff", "result", "complaints")
        }
        for r in Rating.objects.all()
    ]
    return {
        "fee_due": received.filter(procedure_code=FEE).count(),
        "paid": paid.count(),
        "paid_online": paid.exclude(gateway="").count(),
        "e_results": DossierDocument.objects.filter(kind="result", signed=True).count(),
        "digitised": received.filter(documents__kind="attachment").distinct().count(),
        "rated": len(ratings),
        "rated_satisfied": sum(1 for r in ratings if rating_satisfied(r)),
    }


def _medians(date_from: dt.date, date_to: dt.date) -> tuple[float | None, float | None]:
    """Lower medians (with, without the paused time), to the nearest half working day, of
    the results of the period, dossier by dossier."""
    cal = working_calendar_get()
    half = cal.working_day_seconds / 2
    with_pauses, without = [], []
    for dossier in Dossier.objects.filter(status__in=["result_ready", "returned"]):
        if not date_from <= local_day(dossier.finished_at) <= date_to:
            continue
        elapsed = cal.working_seconds_between(dossier.clock_started_at, dossier.finished_at)
        elapsed = max(elapsed, 0) if dossier.finished_at > dossier.clock_started_at else 0
        paused = min(dossier.paused_seconds, elapsed)
        with_pauses.append(int(elapsed / half + 0.5) / 2)
        without.append(int((elapsed - paused) / half + 0.5) / 2)

    def lower_median(values):
        return sorted(values)[(len(values) - 1) // 2] if values else None

    return lower_median(with_pauses), lower_median(without)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(dossier_plans, min_size=1, max_size=5),
    cut=st.integers(0, 20),
    length=st.integers(0, 20),
)
def test_random_histories_keep_the_identities(
    world,
    receive,
    fee_procedure,  # noqa: F811 - the fixture imported above
    demo_signing,  # noqa: F811
    plans,
    cut,
    length,
):
    with transaction.atomic():
        _run(world, receive, plans)
        first_from = START + dt.timedelta(days=cut // 2)
        middle = first_from + dt.timedelta(days=cut)
        last = middle + dt.timedelta(days=length + 1)
        whole = resolution_report(date_from=first_from, date_to=last).total
        one = resolution_report(date_from=first_from, date_to=middle).total
        two = resolution_report(date_from=middle + dt.timedelta(days=1), date_to=last).total
        for row in (whole, one, two):
            _identities(row)
        assert two.received_carried_over == one.in_progress_total
        assert whole.received_carried_over == one.received_carried_over
        assert whole.in_progress_total == two.in_progress_total
        assert whole.in_progress_overdue == two.in_progress_overdue
        for name in (
            "received_online",
            "received_direct",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "withdrawn",
            "cancelled",
            "refused",
            "timed",
            "elapsed_seconds",
            *SERVICE_COUNTS,
        ):
            assert getattr(whole, name) == getattr(one, name) + getattr(two, name), name
        assert one.in_progress_total == _in_progress_at(middle)
        assert whole.in_progress_total == _in_progress_at(last)
        assert one.in_progress_overdue == _overdue_at(middle)
        assert whole.in_progress_overdue == _overdue_at(last)
        assert (
            whole.median_processing_working_days,
            whole.median_processing_working_days_without_pauses,
        ) == _medians(first_from, last)
        by_procedure = resolution_report(date_from=first_from, date_to=last, group_by="procedure")
        assert sum(r.received_total for r in by_procedure.rows) == whole.received_total
        event(f"resolved: {min(whole.resolved_total, 3)}")
        event(f"overdue at the end: {min(whole.in_progress_overdue, 2)}")
        event(f"waiting at the middle: {min(one.waiting_supplement, 1)}")
        event(f"late: {min(whole.resolved_late, 1)}, carried: {min(one.received_carried_over, 1)}")
        ever = resolution_report(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
        counted = _service_counts()
        assert {name: getattr(ever.total, name) for name in SERVICE_COUNTS} == counted
        assert ever.total.fee_due <= ever.total.received_total
        assert ever.total.e_results <= ever.total.timed
        event(f"paid: {min(counted['paid'], 1)}, signed: {min(counted['e_results'], 1)}")
        event(f"rated: {min(counted['rated'], 1)}, digitised: {min(counted['digitised'], 1)}")
        kept = flow_rows()
        facts_rebuild(chunk=2)
        assert flow_rows() == kept
        DailyFlow.objects.all().delete()
        facts_rebuild(chunk=3)
        assert flow_rows() == kept
        transaction.set_rollback(True)
