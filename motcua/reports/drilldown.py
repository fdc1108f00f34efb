"""The dossiers behind a figure of the official report (the desk's drill-down; ADR 0027).

A module of its own beside `selectors.py`: a period that ended before today replays the
events of the dossiers in progress at its end through the fact table's own rule
(`services.dossier_flows`), which the selectors' layer may not import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from motcua.accounts.api import agency_list
from motcua.calendar.api import working_calendar_get
from motcua.catalog.api import procedure_get_current
from motcua.core import clock
from motcua.dossiers.api import dossiers_in_report_bucket, visible_dossiers
from motcua.reports.data import GroupBy
from motcua.reports.selectors import agencies_with_subagencies
from motcua.reports.services import dossier_flows

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: The figures whose value is a state at the period's end that the clock alone changes.
_STATE_AT_END = {
    "in_progress_overdue": "overdue",
    "in_progress_not_due": "not_due",
    "waiting_supplement": "paused",
}


#: The dossier fields a replay reads (services.dossier_flows).
_REPLAYED = (
    "id",
    "deciding_agency_id",
    "procedure_code",
    "channel",
    "received_at",
    "clock_started_at",
    "original_appointment_at",
    "appointment_at",
    "finished_at",
    "paused_seconds",
    "outcome",
    "result_approved",
    "status",
    "procedure_version_id",
)


#: The event fields a replay reads, through the dossiers' reverse relation.
_EVENT_NAMES = ("pk", "at", "action", "from_status", "to_status", "data")
_EVENT_FIELDS = tuple(f"events__{'id' if n == 'pk' else n}" for n in _EVENT_NAMES)


def _instant(day: dt.date) -> dt.datetime:
    """The start of a day in the province's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _states_at_end(dossier: Any, day: dt.date, cal: Any) -> set[str]:
    """Where the fact table has a dossier at the end of `day`, from all its events
    (`dossier.events`)."""
    return _states(dossier, sorted(dossier.events.all(), key=lambda e: (e.at, e.pk)), day, cal)


def _states(dossier: Any, events: list[Any], day: dt.date, cal: Any) -> set[str]:
    """Where the fact table has a dossier at the end of `day` (the running sums of its own
    rows, written by the same rule as the rebuild's, from its events in order):
    {"overdue"}, {"not_due"}, {"not_due", "paused"} (waiting counts not yet due) or
    nothing."""
    open_, overdue, paused = 0, 0, 0
    for (on, _agency, _code, _channel, duration), cols in dossier_flows(
        dossier, events, cal
    ).items():
        if duration == 0 and on <= day:
            open_ += cols.get("open_delta", 0)
            overdue += cols.get("overdue_delta", 0)
            paused += cols.get("paused_delta", 0)
    if open_ <= 0:
        return set()
    if overdue > 0:
        return {"overdue"}
    return {"not_due", "paused"} if paused > 0 else {"not_due"}


def resolution_dossiers(
    *,
    bucket: str,
    date_from: dt.date,
    date_to: dt.date,
    agency_ids: Iterable[int] | None = None,
    procedure_code: str | None = None,
    group_by: GroupBy | str | None = None,
    key: str | None = None,
    viewer: User | None = None,
) -> QuerySet[Any]:
    """The dossiers behind one figure of `resolution_report` with the same arguments (the
    total, or the row `key` of `group_by`): the dossiers a figure counts, by the fact table's
    rule (ADR 0027; `dossiers.api.dossiers_in_report_bucket`), oldest received first. For a
    period that ended before today, overdue, not yet due and waiting are replayed from the
    events of the dossiers in progress at its end (O(those dossiers)). The caller checks
    access to the figures and the dates; unknown buckets raise ValueError.

    The list names applicants (personal data), so it follows the dossier access rule, not
    the figures' wider one: with a `viewer`, only the dossiers they may open
    (`dossiers.api.visible_dossiers`; a figure may count dossiers of sub-agencies a leader
    or desk officer at a parent agency does not see). `viewer=None` is the system itself."""
    wanted = agencies_with_subagencies(agency_ids=agency_ids) if agency_ids is not None else None
    codes = {procedure_code} if procedure_code else None
    group = GroupBy(group_by) if group_by else None
    if group in (GroupBy.AGENCY, GroupBy.LEVEL) and key is not None:
        lookup = {"code": key} if group == GroupBy.AGENCY else {"kind": key}
        chosen = set(agency_list().filter(**lookup).values_list("pk", flat=True))
        wanted = chosen if wanted is None else wanted & chosen
    elif group == GroupBy.PROCEDURE and key is not None:
        codes = {key} if codes is None else codes & {key}
    start, end = _instant(date_from), _instant(date_to + dt.timedelta(days=1))
    state = _STATE_AT_END.get(bucket)
    ended = state is not None and end <= clock.now()
    qs = dossiers_in_report_bucket(
        bucket="in_progress_total" if ended else bucket,
        start=start,
        end=end,
        agency_ids=wanted,
        procedure_codes=codes,
    )
    replay = (
        dossiers_in_report_bucket(
            bucket="in_progress_total",
            start=start,
            end=end,
            agency_ids=wanted,
            procedure_codes=codes,
        )
        if ended
        else None
    )
    if group == GroupBy.FIELD and key is not None:
        found = set(qs.order_by().values_list("procedure_code", flat=True).distinct())
        in_field = [c for c in found if _field_code(c) == key]
        qs = qs.filter(procedure_code__in=in_field)
        replay = replay.filter(procedure_code__in=in_field) if replay is not None else None
    if replay is not None:
        cal = working_calendar_get()
        ids = [
            pk
            for pk, states in _replayed_states(replay, end=end, day=date_to, cal=cal)
            if state in states
        ]
        qs = qs.filter(pk__in=ids)
    if viewer is not None:
        qs = qs.filter(pk__in=visible_dossiers(user=viewer).values("pk"))
    return qs


def _replayed_states(
    candidates: QuerySet[Any], *, end: dt.datetime, day: dt.date, cal: Any
) -> Iterator[tuple[int, set[str]]]:
    """Each candidate's place at the end of `day` from its events before `end` (and its
    acceptance, which may come later but counts from the submission's day): nothing after
    the end changes where the fact table has it then (ADR 0028), and the ends after it,
    whose working times the replay would compute, are not read. One query joining the
    events, read as tuples (no model instances)."""
    rows = (
        candidates.filter(Q(events__at__lt=end) | Q(events__action="accept"))
        .order_by("id", "events__at", "events__id")
        .values_list(*_REPLAYED, *_EVENT_FIELDS)
    )
    width = len(_REPLAYED)
    for pk, group in groupby(rows, key=itemgetter(0)):
        found = list(group)
        dossier = SimpleNamespace(pk=pk, **dict(zip(_REPLAYED, found[0][:width], strict=True)))
        events = [
            SimpleNamespace(**dict(zip(_EVENT_NAMES, row[width:], strict=True))) for row in found
        ]
        yield pk, _states(dossier, events, day, cal)


def _field_code(code: str) -> str:
    """The field of a procedure's current version, as the report's field rows name it."""
    version = procedure_get_current(code=code)
    field = getattr(version, "field", None) if version else None
    return field.code if field is not None else ""
