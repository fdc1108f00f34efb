"""Writes of the fact table (ADR 0027): the transition hook, one statement per transition that
moves a dossier between the report's buckets, and the rebuild from the dossiers' history.

Both go through `flow_deltas`, the one rule of what a change of state adds to which day's
row, so that the rebuilt table equals the one kept current (tests/test_identities.py).

The service figures (ADR 0029) are written by the same upsert: `fee_due` and `digitised` with
`received` by the transition hook, `paid` / `paid_online` by the payments hook, `e_results` by
the signed-result hook, `rated` / `rated_satisfied` by the feedback hook; the rebuild reads
them again from the payments, the signed results and the ratings (each app's api.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import OperationalError, connections, router, transaction

from motcua.calendar.api import WorkingCalendar, working_calendar_get
from motcua.catalog.api import version_charges_fee, versions_charging_fee
from motcua.core import fastinsert
from motcua.dossiers.api import attachments_exist_sql, dossier_histories, signed_results
from motcua.feedback.api import rating_counts, rating_satisfied, rating_scores
from motcua.payments.api import paid_payments, payment_online
from motcua.reports.data import duration_bucket
from motcua.reports.models import FLOW_COLUMNS, DailyFlow

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
    from motcua.feedback.models import Rating
    from motcua.payments.models import Payment

#: The statuses of a dossier in progress with its clock running, and waiting for the
#: applicant's supplement (clock stopped); the ends of processing (national codes 9, 7, 8).
RUNNING = frozenset({"received", "processing"})
PAUSED = "supplement_requested"
ENDS = frozenset({"result_ready", "withdrawn", "cancelled"})

#: (day, agency id, procedure code, channel, duration bucket)
Key = tuple[dt.date, int, str, str, int]
#: (day, duration bucket): where a delta goes among one agency × procedure × channel's rows.
Slot = tuple[dt.date, int]


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a dossier is in the report: not counted (not received yet, or resolved),
    in progress with its clock running until its appointment's day `due`, or waiting."""

    kind: str  # "none" | "running" | "paused"
    due: dt.date | None = None


NOWHERE = Place("none")
WAITING = Place("paused")


@dataclasses.dataclass(frozen=True)
class Resolution:
    """How a dossier left the in-progress buckets."""

    outcome: str  # early | on_time | late
    kind: str  # result | refused | withdrawn | cancelled
    elapsed_seconds: int = 0
    paused_seconds: int = 0
    regulated_seconds: int = 0
    #: The histogram buckets (DailyFlow.duration) without and with the paused time; 0: none.
    bucket_without_pauses: int = 0
    bucket_with_pauses: int = 0


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(instant: dt.datetime) -> dt.date:
    """The day of an instant in the province's time zone (settings.TIME_ZONE)."""
    return instant.astimezone(_tz()).date()


def flow_deltas(
    *,
    day: dt.date,
    before: Place,
    after: Place,
    resolution: Resolution | None = None,
    supplement_request: bool = False,
    received_on: dt.date | None = None,
) -> dict[Slot, dict[str, int]]:
    """What a change of a dossier's place on `day` adds, by (day, duration bucket): usually
    one day's counts (bucket 0); the overdue count also on the day an appointment falls,
    when that is later; a timed result also +1 in two histogram buckets. The +1s of
    the new place, the -1s of the old one. A dossier in progress with its clock running
    is overdue from the day of its appointment (`due`) on: its overdue +1 is written on
    max(day, due), and taken back on max(day, due) when it leaves that place. A dossier
    entering from nowhere is received on `received_on` (its `received_at`: an online
    submission accepted later counts from the submission, as the lifecycle says)."""
    out: dict[Slot, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    entering = before.kind == "none" and after.kind != "none"
    for place, sign in ((before, -1), (after, +1)):
        if place.kind == "none":
            continue
        on = (received_on or day) if entering else day
        out[(on, 0)]["open_delta"] += sign
        if place.kind == "paused":
            out[(on, 0)]["paused_delta"] += sign
        elif place.due is not None:
            out[(max(on, place.due), 0)]["overdue_delta"] += sign
    if entering:
        out[(received_on or day, 0)]["received"] += 1
    if resolution is not None:
        row = out[(day, 0)]
        row[f"resolved_{resolution.outcome}"] += 1
        if resolution.kind != "result":
            row[resolution.kind] += 1
        if resolution.kind in ("result", "refused"):
            row["timed"] += 1
            row["elapsed_seconds"] += resolution.elapsed_seconds
            row["paused_seconds"] += resolution.paused_seconds
            row["regulated_seconds"] += resolution.regulated_seconds
            for bucket in (resolution.bucket_without_pauses, -resolution.bucket_with_pauses):
                if bucket:
                    out[(day, bucket)]["timed"] += 1
    if supplement_request:
        out[(day, 0)]["supplement_requests"] += 1
    return {
        d: {c: v for c, v in cols.items() if v}
        for d, cols in out.items()
        if any(v for v in cols.values())
    }


def _received_slot(deltas: Mapping[Slot, Mapping[str, int]]) -> Slot | None:
    """The slot where the dossier is received (it enters the report), if this change does."""
    return next((slot for slot, cols in deltas.items() if cols.get("received")), None)


def _intake_counts(
    deltas: dict[Slot, dict[str, int]], *, fee_due: bool, digitised: bool
) -> dict[Slot, dict[str, int]]:
    """The service counts of a dossier's reception (ADR 0029), with its `received` +1: on
    the day it is received, `fee_due` when its version charges a fee, `digitised` when its
    files were stored with it."""
    slot = _received_slot(deltas)
    if slot is not None:
        row = deltas[slot]
        for column, on in (("fee_due", fee_due), ("digitised", digitised)):
            if on:
                row[column] = row.get(column, 0) + 1
    return deltas


def _place(status: str, appointment_at: dt.datetime | None) -> Place:
    if status in RUNNING:
        return Place("running", local_day(appointment_at) if appointment_at else None)
    if status == PAUSED:
        return WAITING
    return NOWHERE


def _resolution(dossier: Dossier, status: str, cal: WorkingCalendar | None) -> Resolution:
    """How the dossier ended (its fields as the end left them). Withdrawn and cancelled count
    as resolved on time (domain.md §3); a result or a refusal after review carries the
    outcome the lifecycle computed (dossiers.deadlines.dossier_outcome), with its times."""
    if status in ("withdrawn", "cancelled"):
        return Resolution("on_time", status)
    kind = "refused" if dossier.result_approved is False else "result"
    outcome = dossier.outcome or "on_time"
    start = dossier.clock_started_at or dossier.received_at
    if cal is None or start is None or dossier.finished_at is None:
        return Resolution(outcome, kind)
    elapsed = _working(cal, start, dossier.finished_at)
    regulated = (
        _working(cal, start, dossier.original_appointment_at)
        if dossier.original_appointment_at
        else 0
    )
    paused = min(int(dossier.paused_seconds or 0), elapsed)
    day_seconds = cal.working_day_seconds
    return Resolution(
        outcome,
        kind,
        elapsed,
        paused,
        regulated,
        duration_bucket(elapsed - paused, working_day_seconds=day_seconds),
        duration_bucket(elapsed, working_day_seconds=day_seconds),
    )


def _working(cal: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> int:
    return cal.working_seconds_between(start, end) if end > start else 0


def transition_deltas(
    *,
    dossier: Dossier,
    action: str,
    from_status: str,
    to_status: str,
    at: dt.datetime,
    appointment_before: dt.datetime | None,
    appointment_after: dt.datetime | None,
    cal: WorkingCalendar | None,
) -> dict[Slot, dict[str, int]]:
    """The deltas of one event of a dossier, given its appointment when the event began and
    when it ended (a supplement received and an apology change it)."""
    before = _place(from_status, appointment_before)
    resolution = None
    if to_status in ENDS and before.kind != "none":
        after = NOWHERE
        resolution = _resolution(dossier, to_status, cal)
    else:
        after = _place(to_status, appointment_after)
    supplement_request = action == "request_supplement"
    if before == after and resolution is None and not supplement_request:
        return {}
    return flow_deltas(
        day=local_day(at),
        before=before,
        after=after,
        resolution=resolution,
        supplement_request=supplement_request,
        received_on=local_day(dossier.received_at) if dossier.received_at else None,
    )


# --- the hooks -----------------------------------------------------------------------------

_KEY = ("day", "agency_id", "procedure_code", "channel", "duration")
_UPSERT: dict[tuple[str, int, int | None], str] = {}
#: The largest statement the rebuild sends (rows × 27 values stay under SQLite's and
#: PostgreSQL's limits on bound values).
BATCH_ROWS = 500


def _upsert_sql(vendor: str, rows: int, probe_row: int | None = None) -> str:
    """INSERT … ON CONFLICT DO UPDATE adding `rows` rows. With `probe_row`, that row's
    `digitised` is not a bound value but dossiers' `attachments_exist_sql()` (its one bound
    value is the dossier id): the intake learns whether files were stored without a round
    trip of its own."""
    sql = _UPSERT.get((vendor, rows, probe_row))
    if sql is None:
        table = DailyFlow._meta.db_table
        columns = (*_KEY, *FLOW_COLUMNS)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        probe = (
            "("
            + ", ".join(attachments_exist_sql() if c == "digitised" else "%s" for c in columns)
            + ")"
        )
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - fixed names
            + ", ".join(probe if i == probe_row else one for i in range(rows))
            + f" ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET "
            + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in FLOW_COLUMNS)
            + " RETURNING id"
        )
        _UPSERT[(vendor, rows, probe_row)] = sql
    return sql


def rows_add(rows: Iterable[tuple[Key, Mapping[str, int]]]) -> int:
    """Add signed counts to the fact table's rows (created when missing), in key order, in
    statements of at most BATCH_ROWS rows: the rebuild's correction. Returns the rows sent."""
    ordered = sorted(((k, c) for k, c in rows if any(c.values())), key=lambda row: row[0])
    alias = router.db_for_write(DailyFlow)
    vendor = connections[alias].vendor
    for start in range(0, len(ordered), BATCH_ROWS):
        batch = ordered[start : start + BATCH_ROWS]
        params: list[Any] = []
        for key, cols in batch:
            params += [*key, *(cols.get(c, 0) for c in FLOW_COLUMNS)]
        fastinsert.execute(_upsert_sql(vendor, len(batch)), params, using=alias)
    return len(ordered)


def flows_add(
    *,
    agency_id: int,
    procedure_code: str,
    channel: str,
    deltas: Mapping[Slot, Mapping[str, int]],
    digitised_of: tuple[Slot, int] | None = None,
) -> None:
    """Add `deltas` (by day) to the rows of this agency, procedure and channel: one
    INSERT … ON CONFLICT DO UPDATE statement (PostgreSQL and SQLite). `digitised_of` =
    (slot, dossier id): that slot's `digitised` is +1 if the dossier has files stored as
    attachments, decided by the database inside the same statement."""
    if not deltas:
        return
    params: list[Any] = []
    probe_row = None
    for i, ((day, duration), cols) in enumerate(sorted(deltas.items())):
        params += [day, agency_id, procedure_code, channel, duration]
        for c in FLOW_COLUMNS:
            if c == "digitised" and digitised_of is not None and digitised_of[0] == (day, duration):
                probe_row = i
                params.append(digitised_of[1])
            else:
                params.append(cols.get(c, 0))
    alias = router.db_for_write(DailyFlow)
    sql = _upsert_sql(connections[alias].vendor, len(deltas), probe_row)
    # core.fastinsert: on PostgreSQL bound on the server and prepared after a few runs, as
    # the intake's own statements are (ADR 0015); RETURNING because it fetches rows.
    fastinsert.execute(sql, params, using=alias)


def facts_record_transition(dossier: Dossier, event: DossierEvent) -> None:
    """The transition hook (ADR 0025, 0027): inside the transition's transaction, add what
    the event changed to the fact table. Reads nothing: the dossier as saved and the event
    say it all (the appointment an apology replaces is in the event's data). At most one
    statement; none for a transition that moves nothing between buckets (most handovers).

    When the dossier is received (ADR 0029): `fee_due` from its version's fees (loaded with
    the version at the desk's intake; the version and its fees read when accepting an online
    submission), and
    `digitised` decided inside the same statement (`attachments_exist_sql`)."""
    appointment_before = dossier.appointment_at
    previous = (event.data or {}).get("previous_appointment_at")
    if event.action == "apologize" and previous:
        appointment_before = _instant(previous)
    ends_with_result = event.to_status == "result_ready" and event.from_status != "result_ready"
    deltas = transition_deltas(
        dossier=dossier,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        at=event.at,
        appointment_before=appointment_before,
        appointment_after=dossier.appointment_at,
        cal=working_calendar_get() if ends_with_result else None,
    )
    received = _received_slot(deltas)
    if received is not None:
        _intake_counts(
            deltas, fee_due=version_charges_fee(dossier.procedure_version), digitised=False
        )
    flows_add(
        agency_id=dossier.deciding_agency_id,
        procedure_code=dossier.procedure_code,
        channel=dossier.channel,
        deltas=deltas,
        digitised_of=(received, dossier.pk) if received is not None else None,
    )


def facts_record_payment(payment: Payment) -> None:
    """The payments hook (ADR 0029), inside the confirming transaction: `paid` +1 and, when
    through a gateway, `paid_online` +1, on the local day of `paid_at`, in the row of the
    dossier's deciding agency, procedure and channel. One statement."""
    dossier = payment.dossier
    assert payment.paid_at is not None
    flows_add(
        agency_id=dossier.deciding_agency_id,
        procedure_code=dossier.procedure_code,
        channel=dossier.channel,
        deltas={
            (local_day(payment.paid_at), 0): {
                "paid": 1,
                "paid_online": int(payment_online(payment)),
            }
        },
    )


def facts_record_signed_result(dossier: Dossier, document: DossierDocument) -> None:
    """The signed-result hook (ADR 0029), inside the store's transaction: `e_results` +1 on
    the local day of the dossier's result (`finished_at`, the day it counts as resolved;
    the signing job follows within seconds, or later when it is retried). One statement."""
    flows_add(
        agency_id=dossier.deciding_agency_id,
        procedure_code=dossier.procedure_code,
        channel=dossier.channel,
        deltas={(local_day(dossier.finished_at or document.created_at), 0): {"e_results": 1}},
    )


def facts_record_rating(rating: Rating) -> None:
    """The feedback hook (ADR 0029), inside the rating's transaction: `rated` +1 and, when
    satisfied (`feedback.api.rating_satisfied`), `rated_satisfied` +1, on the first day of
    the rating's month (the anonymous Rating keeps nothing finer: the report must not tell
    more than it), for its deciding agency, procedure and channel. One statement."""
    flows_add(
        agency_id=rating.agency_id,
        procedure_code=rating.procedure_code,
        channel=rating.channel,
        deltas={
            (rating.period, 0): {
                "rated": 1,
                "rated_satisfied": int(rating_satisfied(rating_scores(rating))),
            }
        },
    )


# --- the rebuild ---------------------------------------------------------------------------


def dossier_flows(
    dossier: Dossier,
    events: Iterable[DossierEvent],
    cal: WorkingCalendar,
    *,
    fee_due: bool = False,
    digitised: bool = False,
) -> dict[Key, dict[str, int]]:
    """A dossier's rows, from its events in order (what the hook added, event by event). The
    appointment is followed through the events: the first one from acceptance, then the one
    each received supplement and the apology set (in their data). `fee_due` and
    `digitised` (its version charges a fee; files were stored with it) go with its
    reception, as the hook adds them."""
    out: dict[Key, dict[str, int]] = {}
    appointment = dossier.original_appointment_at
    for event in events:
        data = event.data or {}
        after = appointment
        if event.action == "apologize" and data.get("new_appointment_at"):
            after = _instant(data["new_appointment_at"])
        elif event.action == "receive_supplement" and "appointment_at" in data:
            after = _instant(data["appointment_at"]) if data["appointment_at"] else None
        deltas = transition_deltas(
            dossier=dossier,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            at=event.at,
            appointment_before=appointment,
            appointment_after=after,
            cal=cal,
        )
        _intake_counts(deltas, fee_due=fee_due, digitised=digitised)
        appointment = after
        for (day, duration), cols in deltas.items():
            key = (
                day,
                dossier.deciding_agency_id,
                dossier.procedure_code,
                dossier.channel,
                duration,
            )
            _add(out, key, cols)
    return out


def _add(totals: dict[Key, dict[str, int]], key: Key, cols: Mapping[str, int]) -> None:
    row = totals.setdefault(key, {})
    for column, value in cols.items():
        row[column] = row.get(column, 0) + value


def _rebuilt(chunk: int) -> dict[Key, dict[str, int]]:
    """The whole table as the hooks would have written it, from what is stored: every
    received dossier's events (`chunk` dossiers at a time, two queries each), the versions
    that charge a fee (one query per chunk naming new versions), the paid payments, the
    signed results (one streamed query each) and the ratings (one GROUP BY)."""
    cal = working_calendar_get()
    totals: dict[Key, dict[str, int]] = {}
    charging: dict[int, bool] = {}
    after = 0
    while True:
        dossiers = dossier_histories(after_id=after, limit=chunk)
        if not dossiers:
            break
        new = {d.procedure_version_id for d in dossiers} - charging.keys()
        if new:
            with_fee = versions_charging_fee(version_ids=new)
            charging.update({v: v in with_fee for v in new})
        for dossier in dossiers:
            flows = dossier_flows(
                dossier,
                dossier.events.all(),
                cal,
                fee_due=charging[dossier.procedure_version_id],
                digitised=bool(getattr(dossier, "has_attachments", False)),
            )
            for key, cols in flows.items():
                _add(totals, key, cols)
        after = dossiers[-1].pk
    for paid_at, online, agency, code, channel in paid_payments():
        key = (local_day(paid_at), agency, code, channel, 0)
        _add(totals, key, {"paid": 1, "paid_online": int(online)})
    for _dossier_id, finished_at, stored_at, agency, code, channel in signed_results():
        day = local_day(finished_at or stored_at)
        _add(totals, (day, agency, code, channel, 0), {"e_results": 1})
    for month, agency, code, channel, rated, satisfied in rating_counts():
        _add(
            totals,
            (month, agency, code, channel, 0),
            {"rated": rated, "rated_satisfied": satisfied},
        )
    return totals


def _table() -> dict[Key, dict[str, int]]:
    """The fact table as it is (one streamed query)."""
    out: dict[Key, dict[str, int]] = {}
    for row in DailyFlow.objects.values_list(*_KEY, *FLOW_COLUMNS).iterator(chunk_size=5000):
        out[tuple(row[:5])] = dict(zip(FLOW_COLUMNS, row[5:], strict=True))
    return out


@contextlib.contextmanager
def _snapshot(alias: str) -> Iterator[None]:
    """One transaction whose reads all see the same committed state: REPEATABLE READ on
    PostgreSQL (its snapshot is taken at the first read; writers are not blocked), a plain
    transaction on SQLite (a read transaction sees one state of the file; in rollback-journal
    mode writers wait for it to end, in WAL mode they do not). Inside an outer transaction
    (tests), that transaction's view."""
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


#: How many times the rebuild's correction is tried when the database aborts it as a deadlock.
CORRECTION_ATTEMPTS = 3


def facts_rebuild(*, chunk: int = 2000) -> int:
    """Write the fact table again from what is stored, safely beside live traffic (ADR
    0029): read the stored history and the table in **one snapshot** (`_snapshot`), where
    the table holds exactly what the hooks wrote for the transitions, payments, signatures
    and ratings in that snapshot (each hook writes in its own write's transaction); then add
    the difference, rebuilt − table as read, to the live table in one short transaction of
    upserts (`rows_add`, in key order as the hooks write) and delete the rows left all
    zero. What committed after the snapshot is in the live table and left alone; the
    additions commute with the hooks' own. Returns the number of rows."""
    alias = router.db_for_write(DailyFlow)
    with _snapshot(alias):
        target = _rebuilt(chunk)
        current = _table()
    correction: list[tuple[Key, dict[str, int]]] = []
    for key in target.keys() | current.keys():
        want, have = target.get(key, {}), current.get(key, {})
        cols = {c: want.get(c, 0) - have.get(c, 0) for c in FLOW_COLUMNS}
        if any(cols.values()):
            correction.append((key, cols))
    for attempt in range(1, CORRECTION_ATTEMPTS + 1):
        try:
            with transaction.atomic(using=alias):
                _correction_apply(correction)
                DailyFlow.objects.using(alias).filter(**dict.fromkeys(FLOW_COLUMNS, 0)).delete()
            break
        except OperationalError as exc:
            # PostgreSQL broke a deadlock by aborting the correction (the rows it changes are
            # taken in the hooks' order, but the rollup triggers of ADR 0028 take their month
            # and year rows in another): nothing of it was written, and it is still the
            # difference from the snapshot, so it is applied again.
            if attempt == CORRECTION_ATTEMPTS or "deadlock" not in str(exc).lower():
                raise
    return DailyFlow.objects.using(alias).count()


def _correction_apply(correction: list[tuple[Key, dict[str, int]]]) -> None:
    """Add the rebuild's correction to the live table (a seam for the tests, which commit
    transitions between the snapshot and this)."""
    rows_add(correction)
