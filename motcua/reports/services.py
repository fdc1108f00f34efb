"""Writes of the fact table (ADR 0027): the transition hook, one statement per transition that
moves a dossier between the report's buckets, and the rebuild from the dossiers' history.

Both go through `flow_deltas`, the one rule of what a change of state adds to which day's
row, so that the rebuilt table equals the one kept current (tests/test_identities.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, router, transaction

from motcua.calendar.api import WorkingCalendar, working_calendar_get
from motcua.core import fastinsert
from motcua.dossiers.api import dossier_histories
from motcua.reports.data import duration_bucket
from motcua.reports.models import FLOW_COLUMNS, DailyFlow

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent

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


# --- the hook ------------------------------------------------------------------------------

_UPSERT: dict[tuple[str, int], str] = {}


def _upsert_sql(vendor: str, rows: int) -> str:
    sql = _UPSERT.get((vendor, rows))
    if sql is None:
        table = DailyFlow._meta.db_table
        key = ("day", "agency_id", "procedure_code", "channel", "duration")
        columns = (*key, *FLOW_COLUMNS)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - fixed names
            + ", ".join([one] * rows)
            + f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in FLOW_COLUMNS)
            + " RETURNING id"
        )
        _UPSERT[(vendor, rows)] = sql
    return sql


def flows_add(
    *,
    agency_id: int,
    procedure_code: str,
    channel: str,
    deltas: Mapping[Slot, Mapping[str, int]],
) -> None:
    """Add `deltas` (by day) to the rows of this agency, procedure and channel: one
    INSERT … ON CONFLICT DO UPDATE statement (PostgreSQL and SQLite)."""
    if not deltas:
        return
    params: list[Any] = []
    for (day, duration), cols in sorted(deltas.items()):
        params += [day, agency_id, procedure_code, channel, duration]
        params += [cols.get(c, 0) for c in FLOW_COLUMNS]
    alias = router.db_for_write(DailyFlow)
    sql = _upsert_sql(connections[alias].vendor, len(deltas))
    # core.fastinsert: on PostgreSQL bound on the server and prepared after a few runs, as
    # the intake's own statements are (ADR 0015); RETURNING because it fetches rows.
    fastinsert.execute(sql, params, using=alias)


def facts_record_transition(dossier: Dossier, event: DossierEvent) -> None:
    """The transition hook (ADR 0025, 0027): inside the transition's transaction, add what
    the event changed to the fact table. Reads nothing: the dossier as saved and the event
    say it all (the appointment an apology replaces is in the event's data). At most one
    statement; none for a transition that moves nothing between buckets (most handovers)."""
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
    flows_add(
        agency_id=dossier.deciding_agency_id,
        procedure_code=dossier.procedure_code,
        channel=dossier.channel,
        deltas=deltas,
    )


# --- the rebuild ---------------------------------------------------------------------------


def dossier_flows(
    dossier: Dossier, events: Iterable[DossierEvent], cal: WorkingCalendar
) -> dict[Key, dict[str, int]]:
    """A dossier's rows, from its events in order (what the hook added, event by event). The
    appointment is followed through the events: the first one from acceptance, then the one
    each received supplement and the apology set (in their data)."""
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
        appointment = after
        for (day, duration), cols in deltas.items():
            key = (
                day,
                dossier.deciding_agency_id,
                dossier.procedure_code,
                dossier.channel,
                duration,
            )
            row = out.setdefault(key, {})
            for column, value in cols.items():
                row[column] = row.get(column, 0) + value
    return out


@transaction.atomic
def facts_rebuild(*, chunk: int = 2000) -> int:
    """Empty the fact table and write it again from every received dossier's events, read
    `chunk` dossiers at a time (two queries each) and written in batches. Returns the number
    of rows. Run it when no dossier is changing (or the rows written meanwhile are lost)."""
    cal = working_calendar_get()
    totals: dict[Key, dict[str, int]] = {}
    after = 0
    while True:
        dossiers = dossier_histories(after_id=after, limit=chunk)
        if not dossiers:
            break
        for dossier in dossiers:
            for key, cols in dossier_flows(dossier, dossier.events.all(), cal).items():
                row = totals.setdefault(key, {})
                for column, value in cols.items():
                    row[column] = row.get(column, 0) + value
        after = dossiers[-1].pk
    DailyFlow.objects.all().delete()
    DailyFlow.objects.bulk_create(
        (
            DailyFlow(
                day=day,
                agency_id=agency,
                procedure_code=code,
                channel=channel,
                duration=duration,
                **cols,
            )
            for (day, agency, code, channel, duration), cols in totals.items()
            if any(cols.values())
        ),
        batch_size=1000,
    )
    return DailyFlow.objects.count()
