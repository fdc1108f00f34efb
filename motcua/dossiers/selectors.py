"""Reads of dossiers: worklists, deadline lists, search, timeline, control sheet, ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from motcua.accounts.api import user_roles
from motcua.core import clock, fastinsert
from motcua.core.identifiers import dossier_code_normalize
from motcua.core.replica import read_alias
from motcua.core.text import fold, nfc
from motcua.dossiers import deadlines
from motcua.dossiers.data import REPORT_BUCKETS
from motcua.dossiers.deadlines import near_due_threshold_seconds
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Notice,
    OnlineDraft,
)
from motcua.dossiers.permissions import step_context, visible_dossiers
from motcua.dossiers.workflow import (
    IN_PROGRESS,
    OPEN_STEP,
    DossierStatus,
    StepKind,
    StepStatus,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.data import ApplicantData


def worklist_for_user(*, user: User) -> QuerySet[DossierStep]:
    """Open steps the user works on: assigned to them, or waiting unassigned in the queue of a
    role they hold in that agency. Overdue first, then by due time."""
    pairs = [(r, a) for r, a in user_roles(user=user) if a is not None]
    queue = Q(pk__in=[])
    for role, agency_id in pairs:
        queue |= Q(assignee__isnull=True, role=role, agency_id=agency_id)
        if role == "leader":  # leaders answer consultations of their agency too
            queue |= Q(assignee__isnull=True, kind=StepKind.CONSULT, agency_id=agency_id)
    return (
        DossierStep.objects.filter(status=StepStatus.ACTIVE)
        .filter(Q(assignee=user) | queue)
        .exclude(dossier__status=DossierStatus.SUPPLEMENT_REQUESTED)
        .select_related("dossier", "agency", "assignee")
        .order_by("due_at", "id")
    )


def _worklist_queues(user: User, db: str) -> list[QuerySet[DossierStep]]:
    base = (
        DossierStep.objects.using(db)
        .filter(status=StepStatus.ACTIVE)
        .exclude(dossier__status=DossierStatus.SUPPLEMENT_REQUESTED)
    )
    queues = [base.filter(assignee=user)]
    for role, agency_id in sorted((r, a) for r, a in user_roles(user=user) if a is not None):
        queues.append(base.filter(assignee__isnull=True, role=role, agency_id=agency_id))
        if role == "leader":
            queues.append(
                base.filter(
                    assignee__isnull=True, kind=StepKind.CONSULT, agency_id=agency_id
                ).exclude(role="leader")
            )
    return queues


def _worklist_ids(user: User, offset: int, limit: int, db: str) -> list[int]:
    """The ids of one page of the worklist, in due order: each queue (mine, each role queue,
    each consultation queue) read in due order with a LIMIT on its own partial index, merged."""
    import heapq

    need = offset + limit
    heads = []
    for queue in _worklist_queues(user, db):
        heads.append(list(queue.order_by("due_at", "id").values_list("due_at", "id")[:need]))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    merged = heapq.merge(*heads, key=lambda row: (row[0] or far, row[1]))
    seen: set[int] = set()
    ids: list[int] = []
    for _due, step_id in merged:
        if step_id not in seen:
            seen.add(step_id)
            ids.append(step_id)
    return ids[offset:need]


def worklist_page(*, user: User, offset: int = 0, limit: int = 50) -> list[DossierStep]:
    """One page of `worklist_for_user`, fast on millions of steps: each queue (mine, each
    role queue, each consultation queue) is read in due order with a LIMIT on its own partial
    index, the pages are merged, and only the rows of the final page are loaded (as full
    steps, with their dossier, agency and assignee: see `worklist_rows` for a page to show)."""
    db = read_alias()
    page = _worklist_ids(user, offset, limit, db)
    rows = (
        DossierStep.objects.using(db).select_related("dossier", "agency", "assignee").in_bulk(page)
    )
    return [rows[i] for i in page if i in rows]


@dataclass(frozen=True, slots=True)
class WorklistAgency:
    pk: int | None
    name: str


@dataclass(frozen=True, slots=True)
class WorklistDossier:
    """The columns of a dossier a worklist row shows (its reference, procedure, status and
    the applicant, which the desk masks: privacy.applicant_view reads these fields)."""

    pk: int
    code: str | None
    procedure_name: str
    status: str
    applicant_kind: str
    applicant_name: str
    id_number: str
    date_of_birth: dt.date | None
    tax_code: str
    representative: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True, slots=True)
class WorklistStep:
    """The columns of an open step a worklist row shows, with its agency and dossier: what
    `step_deadline_view` and the desk's worklist read of a DossierStep."""

    pk: int
    title: str
    status: str
    due_at: dt.datetime | None
    budget_hours: Any
    assignee_id: int | None
    agency: WorklistAgency
    dossier: WorklistDossier

    @property
    def id(self) -> int:
        return self.pk

    @property
    def agency_id(self) -> int | None:
        return self.agency.pk


_WORKLIST_DOSSIER = tuple(f.name for f in WorklistDossier.__dataclass_fields__.values())[1:]
_WORKLIST_COLUMNS = (
    "id",
    "title",
    "status",
    "due_at",
    "budget_hours",
    "assignee_id",
    "agency_id",
    "agency__name",
    "dossier_id",
    *(f"dossier__{name}" for name in _WORKLIST_DOSSIER),
)


def worklist_rows(*, user: User, offset: int = 0, limit: int = 50) -> list[WorklistStep]:
    """The same page as `worklist_page`, as rows holding only the columns the worklist shows
    (one `.values()` query for the page instead of full Dossier, Agency and User objects:
    ADR 0043)."""
    # The worklist may lag the primary by the replica's few seconds; the user who just acted
    # is pinned to the primary (docs/adr/0044).
    db = read_alias()
    page = _worklist_ids(user, offset, limit, db)
    if not page:
        return []
    found: dict[int, WorklistStep] = {}
    rows = DossierStep.objects.using(db).filter(pk__in=page).values_list(*_WORKLIST_COLUMNS)
    for row in rows:
        step_id, title, status, due_at, budget, assignee_id, agency_id, agency_name = row[:8]
        found[step_id] = WorklistStep(
            pk=step_id,
            title=title,
            status=status,
            due_at=due_at,
            budget_hours=budget,
            assignee_id=assignee_id,
            agency=WorklistAgency(agency_id, agency_name or ""),
            dossier=WorklistDossier(row[8], *row[9:]),
        )
    return [found[i] for i in page if i in found]


def desk_queue(*, user: User) -> QuerySet[Dossier]:
    """Online submissions waiting for the desks where the user is a desk officer."""
    desks = [a for r, a in user_roles(user=user) if r == "desk_officer" and a is not None]
    return (
        Dossier.objects.using(read_alias())
        .filter(receiving_agency_id__in=desks, status__in=["submitted", "completion_requested"])
        .order_by("review_due_at", "id")
    )


def dossier_search(
    *, user: User, q: str = "", status: str | None = None, overdue: bool | None = None
) -> QuerySet[Dossier]:
    """Visible dossiers by code, applicant name, ID number or tax code (a list: from the
    replica when there is one, docs/adr/0044)."""
    qs = (
        visible_dossiers(user=user)
        .using(read_alias())
        .select_related("deciding_agency", "receiving_agency")
    )
    q = q.strip()
    if q:
        cond = Q(code__icontains=q) | Q(id_number=q) | Q(tax_code=q)
        for word in fold(q).split():
            cond |= Q(applicant_name__icontains=word)
        cond |= Q(applicant_name__icontains=q)
        qs = qs.filter(cond)
    if status:
        qs = qs.filter(status=status)
    if overdue is not None:
        now = clock.now()
        late = Q(status__in=["received", "processing"], appointment_at__lt=now)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by(F("received_at").desc(nulls_last=True), "-id")


def dossiers_overdue(*, agency_ids: set[int] | None = None) -> QuerySet[Dossier]:
    """In progress (clock running) past their appointment; optionally of some agencies."""
    qs = Dossier.objects.filter(
        status__in=["received", "processing"], appointment_at__lt=clock.now()
    )
    if agency_ids is not None:
        qs = qs.filter(deciding_agency_id__in=agency_ids)
    return qs.order_by("appointment_at", "id")


def dossiers_near_due(*, agency_ids: set[int] | None = None) -> QuerySet[Dossier]:
    """In progress (clock running), not overdue, with little working time left (see
    near_due_threshold_seconds): from their stored near_due_at on (ADR 0017), nearest
    appointment first."""
    now = clock.now()
    qs = Dossier.objects.filter(
        status__in=["received", "processing"], appointment_at__gte=now, near_due_at__lte=now
    )
    if agency_ids is not None:
        qs = qs.filter(deciding_agency_id__in=agency_ids)
    return qs.order_by("appointment_at", "id")


@dataclass(frozen=True)
class DeadlineView:
    due: dt.datetime | None
    remaining_seconds: int | None
    state: str  # "" | ok | near_due | overdue | paused | done


def deadline_view(*, dossier: Dossier) -> DeadlineView:
    """Remaining working time and state of a dossier now."""
    if dossier.appointment_at is None:
        return DeadlineView(None, None, "")
    if dossier.status == "supplement_requested":
        return DeadlineView(dossier.appointment_at, None, "paused")
    if dossier.status not in IN_PROGRESS:
        return DeadlineView(dossier.appointment_at, None, "done")
    cal = deadlines.calendar()
    now = clock.now()
    left = deadlines.remaining_seconds(now=now, due=dossier.appointment_at, cal=cal)
    if now > dossier.appointment_at:  # past it, even after hours with no working time since
        return DeadlineView(dossier.appointment_at, left, "overdue")
    total = cal.working_seconds_between(dossier.clock_started_at or now, dossier.appointment_at)
    state = "near_due" if left <= near_due_threshold_seconds(total_seconds=total) else "ok"
    return DeadlineView(dossier.appointment_at, left, state)


def step_deadline_view(*, step: DossierStep | WorklistStep) -> DeadlineView:
    if step.due_at is None:
        return DeadlineView(None, None, "")
    if step.status not in OPEN_STEP:
        return DeadlineView(step.due_at, None, "done")
    if step.dossier.status == "supplement_requested":
        return DeadlineView(step.due_at, None, "paused")
    cal = deadlines.calendar()
    now = clock.now()
    left = deadlines.remaining_seconds(now=now, due=step.due_at, cal=cal)
    if now > step.due_at:  # past it, even after hours with no working time since
        return DeadlineView(step.due_at, left, "overdue")
    total = int(float(step.budget_hours) * 3600)
    state = "near_due" if left <= near_due_threshold_seconds(total_seconds=total) else "ok"
    return DeadlineView(step.due_at, left, state)


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return (
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor", "step", "from_agency", "to_agency", "to_user")
        .order_by("at", "id")
    )


HANDOVER_ACTIONS = (
    "accept",
    "forward",
    "send_back",
    "transfer",
    "answer_consultation",
    "approve",
    "complete",
    "reject",
    "return_result",
)


def control_sheet(*, dossier: Dossier) -> list[DossierEvent]:
    """Form 06 (process control sheet): each handover with its time and early / on time /
    late, from the events."""
    return list(dossier_events(dossier=dossier).filter(action__in=HANDOVER_ACTIONS))


def tracking_ledger(*, agency_ids: set[int], start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Form 07 (tracking ledger): dossiers received by these desks between two local dates."""
    cal = deadlines.calendar()
    since = dt.datetime.combine(start, dt.time.min, cal.tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, cal.tz)
    return (
        Dossier.objects.filter(
            receiving_agency_id__in=agency_ids, received_at__gte=since, received_at__lt=until
        )
        .select_related("deciding_agency")
        .order_by("received_at", "id")
    )


@dataclass(frozen=True)
class PublicTrack:
    """What anyone holding the receipt may see: nothing personal beyond the procedure."""

    code: str
    procedure_name: str
    status: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    returned_at: dt.datetime | None
    outcome: str
    timeline: list[tuple[dt.datetime, str]]
    result_document_id: int | None
    #: Whether its procedure version charges a fee that can be paid online (known by
    #: `public_track_lookup` only; `public_track` leaves it False).
    charges_fee: bool = False


PUBLIC_ACTIONS = {
    "accept",
    "forward",
    "consult",
    "transfer",
    "request_supplement",
    "receive_supplement",
    "approve",
    "complete",
    "reject",
    "apologize",
    "return_result",
    "withdraw",
    "cancel",
    "submit",
    "request_completion",
    "refuse",
}


def public_track(*, code: str, pin: str | None) -> PublicTrack | None:
    """The public view of a dossier by its code and the PIN printed on the receipt (None when
    either does not match; the caller must rate-limit)."""
    import hmac

    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or pin is None or not hmac.compare_digest(dossier.lookup_pin, pin):
        return None
    events = DossierEvent.objects.filter(dossier=dossier, action__in=PUBLIC_ACTIONS).order_by(
        "at", "id"
    )
    result = dossier.documents.filter(kind="result").order_by("-created_at", "-id").first()
    return PublicTrack(
        code=code,
        procedure_name=dossier.procedure_name,
        status=dossier.status,
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        returned_at=dossier.returned_at,
        outcome=dossier.outcome,
        timeline=[(e.at, e.action) for e in events],
        result_document_id=result.pk
        if result and dossier.status == "returned" and dossier.return_method == "online"
        else None,
    )


def public_track_with_factor(*, code: str, factor: str) -> PublicTrack | None:
    """The public view of a dossier by its code and a second factor: the PIN printed on the
    receipt, or the last MOTCUA_TRACK_PHONE_DIGITS (4) digits of the phone number the
    applicant gave (the applicant knows it; a stranger holding only the code does not).
    The code is read as printed, whatever case and dashes were typed. None when nothing
    matches; the caller must rate-limit."""
    factor = (factor or "").strip()
    code = dossier_code_normalize(code or "")
    if not code or not factor:
        return None
    found = public_track(code=code, pin=factor)
    if found is not None:
        return found
    digits = int(getattr(settings, "MOTCUA_TRACK_PHONE_DIGITS", 4))
    typed = re.sub(r"\D", "", factor)
    if digits <= 0 or len(typed) != digits or len(factor.replace(" ", "")) != digits:
        return None
    dossier = Dossier.objects.filter(code=code).only("phone", "lookup_pin").first()
    if dossier is None:
        return None
    phone = re.sub(r"\D", "", dossier.phone or "")
    if len(phone) < digits + 4 or not hmac.compare_digest(phone[-digits:], typed):
        return None
    return public_track(code=code, pin=dossier.lookup_pin)


@dataclass(frozen=True)
class PublicLookup:
    """What `public_track_lookup` found: the public view (None when the factor did not
    match), which factor matched ("pin", "phone" or ""), and the caller's annotations.

    `state` is everything the public view is made of, read in the dossier's statement: its
    shown columns, its latest result, whether it charges a fee, the caller's annotations and
    its audit chain's head (`chain_head`, which every new event changes: ADR 0035). Equal
    states mean the same public view, events included, so a caller may keep what it made of
    one keyed by it (the tracking page keeps its rendered answer, ADR 0049). `dossier_id`
    is for `public_track_timeline` when the timeline was not read."""

    track: PublicTrack | None
    factor: str = ""
    extra: dict[str, Any] | None = None
    state: tuple[Any, ...] = ()
    dossier_id: int | None = None


_PUBLIC_COLUMNS = (
    "code",
    "lookup_pin",
    "phone",
    "procedure_name",
    "status",
    "received_at",
    "appointment_at",
    "returned_at",
    "outcome",
    "return_method",
    # The head of its events' hash chain: every event written changes it (ADR 0035), so it
    # stands for the timeline in `PublicLookup.state`.
    "chain_head",
)
#: What `PublicLookup.state` leaves out: the second factors (checked, never shown as read).
_NOT_STATE = frozenset({"pk", "lookup_pin", "phone"})


#: Parameter values standing for the one a precompiled statement is run with (a text, an id).
_MARKERS: dict[type, Any] = {str: "\x00motcua-parameter\x00", int: -4611686018427387001}


def _precompiled(
    key: tuple[str, ...], model: type[Any], build: Any, value: Any
) -> list[tuple[Any, ...]]:
    """Run the query `build(value)` as it compiles for `value`, compiling it only the first
    time on this connection (per thread): `build` is called once with a marker, the SQL and
    the positions of the marker among its parameters are kept on the connection object, and
    each run binds `value` there and converts the rows as the ORM would. For the public
    lookups only, where compiling the ORM query cost more than running it (ADR 0043); the
    query must depend on nothing but `value` (the key names what else shapes it)."""
    from django.db import connections, router

    alias = router.db_for_read(model)
    connection = connections[alias]
    kept: dict[tuple[str, ...], Any] = connection.__dict__.setdefault("_motcua_precompiled", {})
    entry = kept.get(key)
    if entry is None:
        marker = _MARKERS[type(value)]
        compiler = build(marker).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        at = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
        if not at:  # the value is not a parameter of the query: it cannot be precompiled
            raise ValueError(f"{key}: the value is not among the query's parameters")
        converters = compiler.get_converters(
            [col[0] for col in compiler.select[: compiler.col_count]]
        )
        entry = kept[key] = (sql, tuple(params), at, compiler, converters)
    sql, params, at, compiler, converters = entry
    bound = list(params)
    for i in at:
        bound[i] = value
    if connection.vendor == "postgresql" and "%" not in sql.replace("%s", ""):
        # Values bound on the server and the statement prepared after `prepare_threshold`
        # runs on the connection (ADR 0015's cursor): planning the dossier's row with its
        # four subqueries took ~0.7 ms, six times its execution (ADR 0049).
        rows: list[Any] = fastinsert.execute(sql, bound, using=alias)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
    if converters:
        return [tuple(r) for r in compiler.apply_converters(rows, converters)]
    return [tuple(r) for r in rows]


def public_track_lookup(
    *,
    code: str,
    factor: str,
    phone: bool = True,
    annotations: Mapping[str, Any] | None = None,
    timeline: bool = True,
) -> PublicLookup:
    """The public view of the dossier with this (normalised) code, opened by the PIN printed
    on the receipt or, when `phone`, the last MOTCUA_TRACK_PHONE_DIGITS digits of the
    applicant's phone; the same answer as `public_track` / `public_track_with_factor` in at most
    two statements: the dossier's row (with its latest result's id, whether its procedure
    version charges a fee, and the caller's `annotations`: expressions on the dossier, e.g.
    "paid" from payments, read into `extra`), then its public events when a factor matched.
    With `timeline=False` the events are not read (the track's timeline is empty): a caller
    that kept what it made of the same `state` needs nothing more; otherwise it calls
    `public_track_timeline`. The caller must rate-limit."""
    factor = (factor or "").strip()
    if not code or not factor:
        return PublicLookup(None)
    extra = dict(annotations or {})
    columns = ("pk", *_PUBLIC_COLUMNS, "public_result_id", "public_charges_fee", *extra)

    def dossier_query(code: str) -> QuerySet[Any]:
        latest_result = DossierDocument.objects.filter(
            dossier=OuterRef("pk"), kind="result"
        ).order_by("-created_at", "-id")
        charges_fee = Dossier.objects.filter(
            pk=OuterRef("pk"),
            procedure_version__fees_known=True,
            procedure_version__fees__amount_vnd__gt=0,
        )
        return (
            Dossier.objects.filter(code=code)
            .annotate(
                public_result_id=Subquery(latest_result.values("pk")[:1]),
                public_charges_fee=Exists(charges_fee),
                **extra,
            )
            .order_by("pk")
            .values_list(*columns)[:1]
        )

    found = _precompiled(("public_track", *sorted(extra)), Dossier, dossier_query, code)
    row = dict(zip(columns, found[0], strict=True)) if found else None
    if row is None:
        return PublicLookup(None)
    matched = ""
    if hmac.compare_digest(row["lookup_pin"], factor):
        matched = "pin"
    elif phone:
        digits = int(getattr(settings, "MOTCUA_TRACK_PHONE_DIGITS", 4))
        typed = re.sub(r"\D", "", factor)
        number = re.sub(r"\D", "", row["phone"] or "")
        if (
            digits > 0
            and len(typed) == digits
            and len(factor.replace(" ", "")) == digits
            and len(number) >= digits + 4
            and hmac.compare_digest(number[-digits:], typed)
        ):
            matched = "phone"
    if not matched:
        return PublicLookup(None)
    events = _public_events(row["pk"]) if timeline else []
    online_result = row["status"] == "returned" and row["return_method"] == "online"
    track = PublicTrack(
        code=row["code"],
        procedure_name=row["procedure_name"],
        status=row["status"],
        received_at=row["received_at"],
        appointment_at=row["appointment_at"],
        returned_at=row["returned_at"],
        outcome=row["outcome"],
        timeline=events,
        result_document_id=row["public_result_id"] if online_result else None,
        charges_fee=bool(row["public_charges_fee"]),
    )
    state = tuple(value for name, value in row.items() if name not in _NOT_STATE)
    return PublicLookup(
        track, matched, {name: row[name] for name in extra}, state=state, dossier_id=row["pk"]
    )


def _public_events(dossier_id: int) -> list[tuple[dt.datetime, str]]:
    rows = _precompiled(
        ("public_events",),
        DossierEvent,
        lambda dossier_id: (
            DossierEvent.objects.filter(dossier_id=dossier_id, action__in=sorted(PUBLIC_ACTIONS))
            .order_by("at", "id")
            .values_list("at", "action")
        ),
        dossier_id,
    )
    return [(at, action) for at, action in rows]


def public_track_timeline(*, lookup: PublicLookup) -> PublicTrack:
    """The track of a lookup made with `timeline=False`, its public events read now (one
    statement)."""
    if lookup.track is None or lookup.dossier_id is None:
        raise ValueError("the lookup found no dossier")
    return dataclasses.replace(lookup.track, timeline=_public_events(lookup.dossier_id))


def kiosk_status(*, code: str) -> Dossier | None:
    """Only the status and appointment of a dossier, for the desk's kiosk."""
    return Dossier.objects.filter(code=code).only("code", "status", "appointment_at").first()


# --- for the apps built on dossiers (payments, feedback): reads without a permission check ----


def dossier_by_intake_key(*, actor: User, key: str) -> Dossier | None:
    """The dossier this actor's intake with this Idempotency-Key created, if any (read from
    the primary: a retry must find the dossier its first attempt committed, docs/adr/0044)."""
    if not key:
        return None
    return Dossier.objects.filter(created_by=actor, intake_key=key).first()


def intake_key_reused(
    *, dossier: Dossier, procedure_code: str, applicant: ApplicantData, decision: str
) -> bool:
    """Whether a request with the Idempotency-Key of `dossier` asks for another intake: another
    procedure, applicant (kind, name, ID number, tax code) or decision than the one the key
    first received. A retry of the same request matches (names compared as the intake
    stores them: NFC, spaces trimmed)."""
    name = applicant.full_name if applicant.kind == "person" else applicant.name
    # The decision is the action of the dossier's first event (its status has moved on since).
    first_decision = (
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("at", "id")
        .values_list("action", flat=True)
        .first()
    )
    asked = (
        procedure_code.strip(),
        applicant.kind,
        nfc(name).strip(),
        applicant.id_number.strip(),
        applicant.tax_code.strip(),
        decision,
    )
    stored = (
        dossier.procedure_code,
        dossier.applicant_kind,
        dossier.applicant_name,
        dossier.id_number,
        dossier.tax_code,
        first_decision,
    )
    return asked != stored


def dossier_find(*, code: str | None = None, reference: uuid.UUID | None = None) -> Dossier | None:
    """The dossier with this code (as printed) or this reference, with its procedure version
    and its two agencies; None when there is none. Checks no permission: the caller decides
    who may see it."""
    if (code is None) == (reference is None):
        raise TypeError("dossier_find() takes either code or reference")
    rows = Dossier.objects.select_related(
        "procedure_version", "receiving_agency", "deciding_agency"
    )
    return (
        rows.filter(code=code) if reference is None else rows.filter(reference=reference)
    ).first()


def dossier_code_exists(
    *, code: str, statuses: Iterable[str] = (), excluding: QuerySet[Any] | None = None
) -> bool:
    """Whether a dossier has this code (and, if given, one of these statuses), leaving out the
    dossiers whose ids `excluding` selects (a query of the caller's own rows, run as a
    subquery: one statement)."""
    rows = Dossier.objects.filter(code=code)
    if statuses:
        rows = rows.filter(status__in=list(statuses))
    if excluding is not None:
        rows = rows.exclude(pk__in=excluding)
    return rows.exists()


def result_signed_for_code(*, code: str) -> DossierDocument | None:
    """The latest signed result registered for a dossier code."""
    return (
        DossierDocument.objects.filter(dossier__code=code, kind="result", signed=True)
        .order_by("-id")
        .first()
    )


def dossier_for_audit(*, code: str) -> Dossier | None:
    """The dossier with this code with only its id loaded (to name it in an audit entry), or
    None: one statement."""
    return Dossier.objects.filter(code=code).only("pk").first()


def dossier_code_get(*, dossier_id: int) -> str | None:
    """The code of the dossier with this id (None when it has none, or there is no such
    dossier): one statement."""
    return Dossier.objects.filter(pk=dossier_id).values_list("code", flat=True).first()


def dossier_detail_prefetch(*, dossier: Dossier) -> None:
    """Load onto `dossier` its steps (with their agency and assignee) and its documents, for a
    page or an answer that shows them all: two statements."""
    prefetch_related_objects(
        [dossier],
        Prefetch("steps", queryset=DossierStep.objects.select_related("agency", "assignee")),
        "documents",
    )


def demo_status_counts(*, ids: Iterable[int | None]) -> tuple[Counter[str], Counter[str]]:
    """For the demo loader's summary, over the dossiers with these ids: how many are in each
    status, and how many of the finished ones (result ready, returned) have each outcome."""
    rows = Dossier.objects.filter(pk__in=list(ids))
    by_status = Counter(rows.values_list("status", flat=True))
    outcomes = Counter(
        rows.filter(status__in=["result_ready", "returned"]).values_list("outcome", flat=True)
    )
    return by_status, outcomes


def demo_dossiers_open() -> QuerySet[Dossier]:
    """The dossiers not refused, returned, withdrawn or cancelled, with their procedure
    version and applicant, by id (the demo loader pays some of their fees)."""
    return (
        Dossier.objects.exclude(status__in=["refused", "returned", "withdrawn", "cancelled"])
        .select_related("procedure_version", "applicant_user")
        .order_by("pk")
    )


def demo_dossiers_finished() -> list[tuple[str, dt.datetime]]:
    """(code, finished at) of the dossiers with an answer (result ready, returned, refused
    after review), by id (the demo loader rates some of them as their applicants would)."""
    return [
        (code, finished)
        for code, finished in Dossier.objects.filter(
            status__in=["result_ready", "returned", "refused"],
            code__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("pk")
        .values_list("code", "finished_at")
        if code is not None and finished is not None
    ]


def demo_dossier_for_result(*, dossier_id: int) -> Dossier:
    """The dossier with its deciding agency (and its parent) and procedure version, to write
    the demo's result document."""
    return Dossier.objects.select_related("deciding_agency__parent", "procedure_version").get(
        pk=dossier_id
    )


def dossier_finished_at(*, dossier_id: int) -> dt.datetime | None:
    """When the dossier's processing finished (its result approved or refused), or None."""
    finished: dt.datetime | None = Dossier.objects.filter(pk=dossier_id).values_list(
        "finished_at", flat=True
    )[0]
    return finished


def demo_results_to_sign(*, limit: int) -> list[tuple[int, int | None]]:
    """(dossier id, approving user id) of processed, approved dossiers whose result is not
    signed yet, newest first (for the demo loader)."""
    rows = []
    qs = (
        Dossier.objects.filter(status__in=["result_ready", "returned"], result_approved=True)
        .exclude(documents__kind="result", documents__signed=True)
        .filter(documents__kind="result")
        .distinct()
        .order_by("-finished_at")[:limit]
    )
    for dossier in qs:
        event = (
            DossierEvent.objects.filter(dossier=dossier, action__in=["approve", "complete"])
            .order_by("-at")
            .first()
        )
        rows.append((dossier.pk, event.actor_id if event else None))
    return rows


# --- the officers' step choices and notices ----------------------------------------------------


def next_main_step(*, dossier: Dossier) -> DossierStep | None:
    """The step that comes after the current main one (the one `forward` will start); reads
    `dossier.steps.all()`, so a prefetch is used."""
    current = step_context(dossier).main
    if current is None:
        return None
    pending = [
        s
        for s in dossier.steps.all()
        if s.parent_id is None and s.status == "pending" and s.position > current.position
    ]
    pending.sort(key=lambda s: (s.position, s.pk))
    return pending[0] if pending else None


def earlier_main_steps(*, dossier: Dossier) -> list[DossierStep]:
    """One main step per position before the current one (the targets of `send_back`)."""
    current = step_context(dossier).main
    if current is None:
        return []
    by_position: dict[int, DossierStep] = {}
    for s in sorted(dossier.steps.all(), key=lambda s: s.pk):
        if s.parent_id is None and s.position < current.position:
            by_position.setdefault(s.position, s)
    return [by_position[p] for p in sorted(by_position)]


def notices_for_user(*, user: User) -> QuerySet[Notice]:
    """An officer's in-app notices, newest first."""
    return Notice.objects.filter(user=user).select_related("dossier").order_by("-created_at", "-id")


def notices_unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


# --- the citizen's own dossiers and drafts ------------------------------------------------------


def applicant_dossiers(*, user: User) -> QuerySet[Dossier]:
    """The dossiers a signed-in citizen submitted online, newest first."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(applicant_user_id=user.pk)
        .only(
            "id",
            "reference",
            "code",
            "procedure_code",
            "procedure_name",
            "status",
            "submitted_at",
            "appointment_at",
            "created_at",
        )
        .order_by("-created_at", "-id")
    )


def applicant_drafts(*, user: User) -> QuerySet[OnlineDraft]:
    """The citizen's drafts not submitted yet, last edited first."""
    if not user.is_authenticated:
        return OnlineDraft.objects.none()
    return OnlineDraft.objects.filter(owner_id=user.pk, submitted_at__isnull=True).order_by(
        "-updated_at", "-id"
    )


def access_draft_for_owner(*, user: User, draft_id: int) -> OnlineDraft:
    """The citizen's own draft with its files and version; NotFound for anyone else's."""
    from motcua.core.errors import NotFound

    draft = (
        OnlineDraft.objects.select_related("procedure_version", "dossier")
        .prefetch_related("files")
        .filter(pk=draft_id, owner_id=user.pk)
        .first()
        if user.is_authenticated
        else None
    )
    if draft is None:
        raise NotFound("No such draft.", code="not_found")
    return draft


def applicant_result(*, dossier: Dossier) -> DossierDocument | None:
    """The signed e-result the applicant may download: once the result is ready or returned,
    for a dossier whose result goes (or went) to them online."""
    online = dossier.return_method == "online" or (
        dossier.result_delivery == "online" and dossier.status == "result_ready"
    )
    if dossier.status not in ("result_ready", "returned") or not online:
        return None
    return (
        DossierDocument.objects.filter(dossier=dossier, kind="result", signed=True)
        .order_by("-id")
        .first()
    )


def applicant_documents(*, dossier: Dossier) -> QuerySet[DossierDocument]:
    """The files the applicant gave (attachments and supplements), oldest first."""
    return DossierDocument.objects.filter(
        dossier=dossier, kind__in=["attachment", "supplement"]
    ).order_by("created_at", "id")


def _attachments(dossier_id: Any) -> QuerySet[DossierDocument]:
    return DossierDocument.objects.filter(dossier_id=dossier_id, kind="attachment")


def attachments_exist_sql() -> str:
    """A SQL expression worth 1 when the dossier whose id is its one parameter (%s) has a file
    stored as an attachment (given at the desk's intake or with the online submission), else
    0: for another app's single statement that must not pay a round trip of its own (the
    report's upsert at intake, reports/services.py). The same rule as `dossier_histories`'
    `has_attachments`."""
    table = DossierDocument._meta.db_table
    return (
        f"(CASE WHEN EXISTS (SELECT 1 FROM {table} "  # noqa: S608 - fixed names
        "WHERE dossier_id = %s AND kind = 'attachment') THEN 1 ELSE 0 END)"
    )


def signed_results() -> Iterator[tuple[int, dt.datetime | None, dt.datetime, int, str, str]]:
    """Every result stored signed, in id order, streamed: (dossier id, the dossier's result
    time `finished_at`, when the signed file was stored, the dossier's deciding agency id,
    procedure code, channel). One query (for the reports' rebuild of `e_results`)."""
    return (
        DossierDocument.objects.filter(kind="result", signed=True)
        .order_by("id")
        .values_list(
            "dossier_id",
            "dossier__finished_at",
            "created_at",
            "dossier__deciding_agency_id",
            "dossier__procedure_code",
            "dossier__channel",
        )
        .iterator(chunk_size=2000)
    )


def dossier_histories(*, after_id: int, limit: int) -> list[Dossier]:
    """For rebuilding figures from the history (reports): up to `limit` dossiers that were
    received (`received_at` set), with id greater than `after_id`, in id order, each with its
    events prefetched in order (`dossier.events.all()`) and `has_attachments` (files stored
    at intake or with the online submission): two queries."""
    return list(
        Dossier.objects.filter(pk__gt=after_id, received_at__isnull=False)
        .only(
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
        # Whether files were stored with it (at the desk's intake or the online submission:
        # the only times attachments are stored), for the report's `digitised` count.
        .annotate(has_attachments=Exists(_attachments(OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.only(
                    "id", "dossier_id", "at", "action", "from_status", "to_status", "data"
                ).order_by("at", "id"),
            )
        )
        .order_by("pk")[:limit]
    )


#: The ends of processing (national codes 9, 10 after 9, 7, 8) and those with a result.
_ENDED = [
    DossierStatus.RESULT_READY,
    DossierStatus.RETURNED,
    DossierStatus.WITHDRAWN,
    DossierStatus.CANCELLED,
]
_RESULT = [DossierStatus.RESULT_READY, DossierStatus.RETURNED]
_RUNNING = [DossierStatus.RECEIVED, DossierStatus.PROCESSING]


def _open_at(instant: dt.datetime) -> Q:
    """In progress just before `instant`: received before it and not ended before it."""
    return Q(received_at__lt=instant) & ~Q(status__in=_ENDED, finished_at__lt=instant)


def dossiers_in_report_bucket(
    *,
    bucket: str,
    start: dt.datetime,
    end: dt.datetime,
    agency_ids: set[int] | None = None,
    procedure_codes: set[str] | None = None,
) -> QuerySet[Dossier]:
    """The dossiers behind one figure of the official report for the instants [start, end)
    (the period's days in province time), by deciding agency and procedure code, oldest
    received first: the dossiers' side of the fact table's rule (reports, ADR 0027).

    Received: `received_at` in the period (online or not), carried over: in progress at its
    start; resolved: ended in it (`finished_at`: result ready, withdrawn, cancelled) with the
    outcome the lifecycle computed, withdrawn and cancelled on time; in progress at its end.
    Overdue, not yet due and waiting for a supplement are read from the dossier's status and
    appointment now: right for a period that ends today or later (the reports app replays
    the events for a period that ended before)."""
    if bucket not in REPORT_BUCKETS:
        raise ValueError(bucket)
    resolved = Q(status__in=_ENDED, finished_at__gte=start, finished_at__lt=end)
    received_in = Q(received_at__gte=start, received_at__lt=end)
    with_result = Q(status__in=_RESULT)
    overdue = Q(status__in=_RUNNING, appointment_at__lt=end)
    rules: dict[str, Q] = {
        "received_total": Q(received_at__lt=end) & ~Q(status__in=_ENDED, finished_at__lt=start),
        "received_online": received_in & Q(channel="online"),
        "received_direct": received_in & ~Q(channel="online"),
        "received_carried_over": _open_at(start),
        "resolved_total": resolved,
        "resolved_early": resolved & with_result & Q(outcome="early"),
        "resolved_on_time": resolved & ~(with_result & Q(outcome__in=["early", "late"])),
        "resolved_late": resolved & with_result & Q(outcome="late"),
        "in_progress_total": _open_at(end),
        "in_progress_overdue": _open_at(end) & overdue,
        "in_progress_not_due": _open_at(end) & ~overdue,
        "withdrawn": resolved & Q(status=DossierStatus.WITHDRAWN),
        "cancelled": resolved & Q(status=DossierStatus.CANCELLED),
        "refused": resolved & with_result & Q(result_approved=False),
        "waiting_supplement": _open_at(end) & Q(status=DossierStatus.SUPPLEMENT_REQUESTED),
    }
    qs = Dossier.objects.filter(received_at__isnull=False).filter(rules[bucket])
    if agency_ids is not None:
        qs = qs.filter(deciding_agency_id__in=agency_ids)
    if procedure_codes is not None:
        qs = qs.filter(procedure_code__in=procedure_codes)
    return qs.order_by("received_at", "id")


# --- satisfaction surveys (motcua/surveys) ------------------------------------------------------


def dossiers_returned_between(
    *, agency_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, list[int]]:
    """Deciding agency id → ids (ascending) of its dossiers whose result was returned to the
    applicant between `start` and `end` (local dates, both included): the population a
    satisfaction survey draws its sample from (surveys app). One query."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    ids = list(agency_ids)
    out: dict[int, list[int]] = {a: [] for a in ids}
    rows = (
        Dossier.objects.filter(
            deciding_agency_id__in=ids,
            status="returned",
            returned_at__gte=low,
            returned_at__lt=high,
        )
        .order_by("pk")
        .values_list("deciding_agency_id", "pk")
    )
    for agency_id, pk in rows:
        out[agency_id].append(pk)
    return out


def dossier_contacts(*, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Dossier id → how to reach its applicant: {"phone", "email", "user_id"} (one query;
    the surveys app sends its invitations with these and keeps none of them)."""
    return {
        pk: {"phone": phone, "email": email, "user_id": user_id}
        for pk, phone, email, user_id in Dossier.objects.filter(pk__in=list(ids)).values_list(
            "pk", "phone", "email", "applicant_user_id"
        )
    }
