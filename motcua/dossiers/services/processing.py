"""Processing through the steps: take, forward, send back, consult, transfer, supplements,
complete, approve, reject, apologise, return, withdraw, cancel.

Each service is one transaction and one `dossier_transition` (services/transition.py): lock
the dossier and its steps, check the action against the status (409) and the actor's right
(403), change, save, write one DossierEvent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_get_by_code, user_get, user_roles
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.core.errors import ValidationFailed
from motcua.core.storage import deletes_on_rollback
from motcua.core.text import nfc
from motcua.documents.api import pdf_signable_check
from motcua.dossiers import deadlines
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.permissions import require_may, step_context
from motcua.dossiers.services.intake import _files_errors, _store_files
from motcua.dossiers.services.paperwork import (
    SIGNATURE_FIELDS,
    ResultNotSigned,
    dossier_result_sign,
    result_approver_id,
    result_signing_expected,
    result_unsigned,
)
from motcua.dossiers.services.steps import (
    main_step,
    step_activate,
    step_add,
    step_copy_fields,
    step_finish,
    step_next_main,
    step_resume_if_answered,
    step_wait,
    steps_cancel_unfinished,
    steps_skip_to_return,
)
from motcua.dossiers.services.transition import Transition, dossier_transition
from motcua.dossiers.services.uploads import upload_limits_check
from motcua.dossiers.validators import id_number_problem, sniff_content_type
from motcua.dossiers.workflow import (
    Action,
    DossierStatus,
    InvalidTransition,
    StepKind,
)

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

S = DossierStatus
A = Action


def _required(value: str, field: str, message: str) -> str:
    text = nfc(value or "").strip()
    if not text:
        raise ValidationFailed(message, field_errors={field: [message]})
    return text


def _check_assignee(user_id: int | None, step: DossierStep) -> User | None:
    if user_id is None:
        return None
    user = user_get(pk=user_id, active_only=True)
    if user is None or (step.role, step.agency_id) not in user_roles(user=user):
        message = _("This person does not hold the step's role in %(agency)s.") % {
            "agency": step.agency.name
        }
        raise ValidationFailed(message, field_errors={"to_user": [message]})
    return user


def _dossier_timeliness(dossier: Dossier, now: dt.datetime) -> str:
    if dossier.appointment_at is None:
        return ""
    return deadlines.timeliness(at=now, due=dossier.appointment_at, cal=deadlines.calendar())


@transaction.atomic
def dossier_take(*, dossier_id: int, actor: User) -> Dossier:
    """Take the current step from the role's queue."""
    with dossier_transition(dossier_id=dossier_id, action=A.TAKE, actor=actor) as t:
        step = main_step(t.dossier)
        step.assignee = actor
        step.save(update_fields=["assignee"])
        t.record(step=step, to_user=actor)
    return t.dossier


@transaction.atomic
def dossier_forward(
    *, dossier_id: int, actor: User | None, to_user_id: int | None = None, note: str = ""
) -> Dossier:
    """Hand the dossier to the next step, to a chosen person or to the role's queue."""
    with dossier_transition(dossier_id=dossier_id, action=A.FORWARD, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        current = main_step(dossier)
        nxt = step_next_main(dossier, current)
        if nxt is None or nxt.kind == StepKind.RETURN:
            raise ValidationFailed(
                _("The next step is the return of the result: approve or complete instead."),
                code="no_next_step",
            )
        assignee = _check_assignee(to_user_id, nxt)
        outcome = step_finish(current, now, note)
        t.move_to(S.PROCESSING)
        step_activate(nxt, dossier, now, assignee)
        t.record(
            step=current,
            from_agency=current.agency,
            to_agency=nxt.agency,
            to_user=assignee,
            deadline_status=outcome,
            note=nfc(note).strip(),
            data={"to_step": nxt.title},
        )
    return dossier


@transaction.atomic
def dossier_send_back(
    *, dossier_id: int, actor: User | None, to_position: int, reason: str
) -> Dossier:
    """Return the dossier to an earlier step, with the reason; the steps in between will be
    done again."""
    reason = _required(reason, "reason", _("Give the reason for sending it back."))
    with dossier_transition(dossier_id=dossier_id, action=A.SEND_BACK, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        current = main_step(dossier)
        earlier = {
            s.position: s
            for s in DossierStep.objects.filter(
                dossier=dossier, parent__isnull=True, position__lt=current.position
            ).order_by("id")
        }
        if to_position not in earlier:
            message = _("Choose an earlier step.")
            raise ValidationFailed(message, field_errors={"to_position": [message]})
        outcome = step_finish(current, now, reason)
        copies = [
            step_add(dossier, **step_copy_fields(earlier.get(position, current)))
            for position in sorted(p for p in earlier if p >= to_position) + [current.position]
        ]
        target = earlier[to_position]
        step_activate(copies[0], dossier, now, target.assignee)
        t.record(
            step=current,
            from_agency=current.agency,
            to_agency=target.agency,
            to_user=target.assignee,
            deadline_status=outcome,
            note=reason,
            data={"to_step": target.title},
        )
    return dossier


@transaction.atomic
def dossier_consult(
    *,
    dossier_id: int,
    actor: User | None,
    agency_codes: Sequence[str],
    question: str,
    budget_hours: Decimal,
) -> Dossier:
    """Ask other agencies in parallel; the step waits for every answer. Each consultation has
    its own deadline (its budget in working hours, within the dossier's appointment)."""
    question = _required(question, "question", _("Write the question for the agencies."))
    agencies: list[Agency] = []
    for code in agency_codes:
        agency = agency_get_by_code(code=code)
        if agency is None:
            message = _("Unknown agency “%(code)s”.") % {"code": code}
            raise ValidationFailed(message, field_errors={"agencies": [message]})
        agencies.append(agency)
    if not agencies:
        raise ValidationFailed(
            _("Choose the agencies to consult."),
            field_errors={"agencies": [_("Choose the agencies to consult.")]},
        )
    if budget_hours <= 0:
        raise ValidationFailed(
            _("Give the time allowed for the answer."),
            field_errors={"budget_hours": [_("Must be greater than zero.")]},
        )
    with dossier_transition(dossier_id=dossier_id, action=A.CONSULT, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        current = main_step(dossier)
        step_wait(current)
        for agency in agencies:
            consultation = step_add(
                dossier,
                position=current.position,
                kind=StepKind.CONSULT,
                title=_("Consultation: %(agency)s") % {"agency": agency.name},
                role=Role.SPECIALIST,
                agency=agency,
                parent=current,
                budget_hours=budget_hours,
                note=question,
            )
            step_activate(consultation, dossier, now, None)
        t.record(
            step=current,
            from_agency=current.agency,
            note=question,
            data={"agencies": [a.code for a in agencies], "budget_hours": str(budget_hours)},
        )
    return dossier


@transaction.atomic
def dossier_answer_consultation(
    *, dossier_id: int, actor: User | None, answer: str, consultation_id: int | None = None
) -> Dossier:
    """An consulted agency answers; when every answer is in, the step resumes."""
    answer = _required(answer, "answer", _("Write the answer."))
    with dossier_transition(dossier_id=dossier_id, action=A.ANSWER_CONSULTATION, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        roles = user_roles(user=actor) if actor is not None else None
        open_ones = [
            c
            for c in step_context(dossier).consultations
            if roles is None
            or (c.role, c.agency_id) in roles
            or (Role.LEADER, c.agency_id) in roles
        ]
        if consultation_id is not None:
            open_ones = [c for c in open_ones if c.pk == consultation_id]
        if not open_ones:
            message = _("No open consultation of yours on this dossier.")
            raise ValidationFailed(message, field_errors={"consultation_id": [message]})
        consultation = open_ones[0]
        outcome = step_finish(consultation, now, answer)
        parent = consultation.parent
        assert parent is not None
        step_resume_if_answered(parent)
        t.record(
            step=consultation,
            from_agency=consultation.agency,
            to_agency=parent.agency,
            deadline_status=outcome,
            note=answer,
        )
    return dossier


@transaction.atomic
def dossier_transfer(
    *, dossier_id: int, actor: User | None, agency_code: str, budget_hours: Decimal, note: str = ""
) -> Dossier:
    """Liên thông: hand the dossier to another agency for its part. The dossier keeps its code
    and is counted once; the receiving agency's step has its own deadline; when it forwards,
    the process continues with the next step."""
    agency = agency_get_by_code(code=agency_code)
    if agency is None:
        message = _("Unknown agency “%(code)s”.") % {"code": agency_code}
        raise ValidationFailed(message, field_errors={"agency": [message]})
    if budget_hours <= 0:
        raise ValidationFailed(
            _("Give the time allowed."),
            field_errors={"budget_hours": [_("Must be greater than zero.")]},
        )
    with dossier_transition(dossier_id=dossier_id, action=A.TRANSFER, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        current = main_step(dossier)
        outcome = step_finish(current, now, note)
        step = step_add(
            dossier,
            position=current.position,
            kind=StepKind.TRANSFER,
            title=_("Processing at %(agency)s") % {"agency": agency.name},
            role=Role.SPECIALIST,
            agency=agency,
            budget_hours=budget_hours,
            note=nfc(note).strip(),
        )
        step_activate(step, dossier, now, None)
        t.record(
            step=current,
            from_agency=current.agency,
            to_agency=agency,
            deadline_status=outcome,
            note=nfc(note).strip(),
            data={"budget_hours": str(budget_hours)},
        )
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *, dossier_id: int, actor: User | None, items: Sequence[str], reason: str
) -> Dossier:
    """Ask the applicant for supplements; the clock stops. Allowed once: a second request is
    possible but makes the dossier count late."""
    items = [nfc(i).strip() for i in items if i.strip()]
    if not items:
        raise ValidationFailed(
            _("List what the applicant must add."),
            field_errors={"items": [_("List what the applicant must add.")]},
        )
    reason = _required(reason, "reason", _("Give the reason."))
    with dossier_transition(dossier_id=dossier_id, action=A.REQUEST_SUPPLEMENT, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        t.move_to(S.SUPPLEMENT_REQUESTED)
        dossier.paused_at = now
        dossier.supplement_count += 1
        dossier.missing = items
        t.record(
            step=main_step(dossier),
            deadline_status=_dossier_timeliness(dossier, now),
            note=reason,
            data={"items": items, "count": dossier.supplement_count},
        )
    return dossier


def _shift(due: dt.datetime | None, paused_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """The due time after a pause when the remaining time resumes."""
    if due is None:
        return None
    cal = deadlines.calendar()
    remaining = cal.working_seconds_between(paused_at, due) if due > paused_at else 0
    if remaining <= 0:
        return now if now > due else due
    return cal.deadline(now, Decimal(remaining) / Decimal(3600), "working_hours")


@deletes_on_rollback
@transaction.atomic
def dossier_receive_supplement(
    *, dossier_id: int, actor: User | None, files: Sequence[UploadedFile] = (), note: str = ""
) -> Dossier:
    """The supplement arrived: the clock runs again, restarting from zero or resuming with the
    remaining time, as the procedure version says. The paused working time is recorded."""
    errors = _files_errors(files)
    if errors:
        raise ValidationFailed(_("A file was refused."), field_errors=errors)
    with dossier_transition(dossier_id=dossier_id, action=A.RECEIVE_SUPPLEMENT, actor=actor) as t:
        # Files per dossier, counted under the dossier's lock (docs/adr/0037).
        upload_limits_check(files=files, dossier_id=dossier_id)
        dossier = t.dossier
        now = clock.now()
        cal = deadlines.calendar()
        paused_at = dossier.paused_at or now
        dossier.paused_seconds += (
            cal.working_seconds_between(paused_at, now) if now > paused_at else 0
        )
        version = dossier.procedure_version
        step = main_step(dossier)
        if version.restart_on_supplement:
            dossier.appointment_at = deadlines.dossier_due(
                start=now, amount=version.processing_amount, unit=version.processing_unit, cal=cal
            )
            step.due_at = deadlines.step_due(
                start=now, budget_hours=step.budget_hours, cap=dossier.appointment_at, cal=cal
            )
        else:
            dossier.appointment_at = _shift(dossier.appointment_at, paused_at, now)
            step.due_at = _shift(step.due_at, paused_at, now)
        deadlines.step_marks_set(step, cal=cal)
        step.save(update_fields=["due_at", *deadlines.STEP_MARKS])
        deadlines.dossier_marks_set(dossier, cal=cal)
        t.move_to(S.PROCESSING)
        dossier.paused_at = None
        _store_files(dossier, files, "supplement", actor)
        t.record(
            step=step,
            note=nfc(note).strip(),
            data={
                "restart": version.restart_on_supplement,
                "appointment_at": dossier.appointment_at.isoformat()
                if dossier.appointment_at
                else None,
            },
        )
    return dossier


def _finish_processing(
    t: Transition,
    approved: bool,
    note: str,
    result: UploadedFile | None,
) -> Dossier:
    dossier, actor = t.dossier, t.actor
    now = clock.now()
    current = main_step(dossier)
    outcome = step_finish(current, now, note)
    t.move_to(S.RESULT_READY)
    dossier.finished_at = now
    dossier.result_approved = approved
    if not approved:
        dossier.decision_note = note
    dossier.outcome = deadlines.dossier_outcome(
        at=now,
        appointment_at=dossier.appointment_at,
        supplement_count=dossier.supplement_count,
        extended=dossier.extended,
        cal=deadlines.calendar(),
    )
    if result is not None:
        _store_files(dossier, [result], "result", actor)
    nxt = steps_skip_to_return(dossier, current)
    if nxt is not None:
        step_activate(nxt, dossier, now, None)
    t.record(
        step=current,
        from_agency=current.agency,
        to_agency=nxt.agency if nxt else None,
        deadline_status=outcome,
        note=note,
        data={"outcome": dossier.outcome},
    )
    if approved:
        t.after_commit("dossiers.sign_result", signer_id=actor.pk if actor is not None else None)
    return dossier


def _has_result(dossier: Dossier) -> bool:
    return dossier.documents.filter(kind="result").exists()


def _check_result(dossier_id: int, actor: User | None, result: UploadedFile | None) -> None:
    """The result file, before anything changes (and before any lock or transaction: parsing
    a large PDF takes time): an accepted upload (type, size, malware), and a PDF that can be
    read and signed — not damaged, not encrypted, not forbidding changes (issue 17). When the
    approver or the deciding agency has a signing key the result must be signed, so it must
    be a PDF. Raises ValidationFailed with the error on the field "result"."""
    if result is None:
        return
    errors = _files_errors([result])
    if errors:
        raise ValidationFailed(_("The result file was refused."), field_errors=errors)
    if sniff_content_type(result.content[:16]) == "application/pdf":
        try:
            pdf_signable_check(pdf=result.content, field_names=SIGNATURE_FIELDS)
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("The result file was refused: %(reason)s") % {"reason": exc.message},
                code=exc.code,
                field_errors={"result": [exc.message]},
            ) from exc
        return
    dossier = Dossier.objects.select_related("deciding_agency").filter(pk=dossier_id).first()
    signer_id = actor.pk if actor is not None else None
    if dossier is not None and result_signing_expected(dossier=dossier, signer_id=signer_id):
        message = _("The result must be a PDF file to be signed digitally: upload it as a PDF.")
        raise ValidationFailed(message, code="not_pdf", field_errors={"result": [message]})


@deletes_on_rollback
def dossier_complete(
    *, dossier_id: int, actor: User | None, result: UploadedFile | None, note: str = ""
) -> Dossier:
    """The result document is attached and processing ends (result ready at the desk)."""
    _check_result(dossier_id, actor, result)
    return _complete(dossier_id=dossier_id, actor=actor, result=result, note=note)


@transaction.atomic
def _complete(
    *, dossier_id: int, actor: User | None, result: UploadedFile | None, note: str
) -> Dossier:
    with dossier_transition(dossier_id=dossier_id, action=A.COMPLETE, actor=actor) as t:
        if result is None and not _has_result(t.dossier):
            raise ValidationFailed(
                _("Attach the result document."),
                field_errors={"result": [_("Attach the result document.")]},
            )
        _finish_processing(t, True, nfc(note).strip(), result)
    return t.dossier


@deletes_on_rollback
def dossier_approve(
    *, dossier_id: int, actor: User | None, result: UploadedFile | None = None, note: str = ""
) -> Dossier:
    """The leader approves (and signs) at the approve step. With a result document, processing
    ends; otherwise the dossier goes on to the next step."""
    _check_result(dossier_id, actor, result)
    return _approve(dossier_id=dossier_id, actor=actor, result=result, note=note)


@transaction.atomic
def _approve(
    *, dossier_id: int, actor: User | None, result: UploadedFile | None, note: str
) -> Dossier:
    with dossier_transition(dossier_id=dossier_id, action=A.APPROVE, actor=actor) as t:
        dossier = t.dossier
        current = main_step(dossier)
        nxt = step_next_main(dossier, current)
        if nxt is None or nxt.kind == StepKind.RETURN:
            if result is None and not _has_result(dossier):
                raise ValidationFailed(
                    _("Attach the signed result document."),
                    field_errors={"result": [_("Attach the result document.")]},
                )
            _finish_processing(t, True, nfc(note).strip(), result)
        else:
            now = clock.now()
            outcome = step_finish(current, now, note)
            if result is not None:
                _store_files(dossier, [result], "result", actor)
            step_activate(nxt, dossier, now, None)
            t.record(
                step=current,
                from_agency=current.agency,
                to_agency=nxt.agency,
                deadline_status=outcome,
                note=nfc(note).strip(),
            )
    return dossier


@transaction.atomic
def dossier_reject(*, dossier_id: int, actor: User | None, reason: str) -> Dossier:
    """Refuse after review, with the reason: the refusal is the result to return."""
    reason = _required(reason, "reason", _("Give the reason for refusing."))
    with dossier_transition(dossier_id=dossier_id, action=A.REJECT, actor=actor) as t:
        _finish_processing(t, False, reason, None)
    return t.dossier


@transaction.atomic
def dossier_apologize(
    *, dossier_id: int, actor: User | None, new_appointment: dt.datetime, reason: str
) -> Dossier:
    """Form 04: the agency at fault apologises and sets a new date, at least one working day
    before the due date (setting MOTCUA_APOLOGY_LEAD_WORKING_DAYS); at most once; the dossier
    still counts as late."""
    reason = _required(reason, "reason", _("Give the reason for the delay."))
    with dossier_transition(dossier_id=dossier_id, action=A.APOLOGIZE, actor=actor) as t:
        dossier = t.dossier
        now = clock.now()
        cal = deadlines.calendar()
        assert dossier.appointment_at is not None
        lead_days = int(getattr(settings, "MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1))
        if (
            lead_days
            and cal.working_seconds_between(now, dossier.appointment_at)
            < lead_days * cal.working_day_seconds
            and now <= dossier.appointment_at
        ):
            message = _(
                "The apology must be sent at least %(n)s working day(s) before the appointment."
            ) % {"n": lead_days}
            raise ValidationFailed(message, field_errors={"new_appointment": [message]})
        if now > dossier.appointment_at:
            message = _("The appointment has already passed.")
            raise ValidationFailed(message, field_errors={"new_appointment": [message]})
        if new_appointment <= dossier.appointment_at:
            message = _("The new appointment must be after the current one.")
            raise ValidationFailed(message, field_errors={"new_appointment": [message]})
        current = step_context(dossier).main
        previous_appointment_at = dossier.appointment_at
        dossier.extended = True
        dossier.appointment_at = new_appointment
        deadlines.dossier_marks_set(dossier, cal=cal)  # extended: no more apology reminder
        t.record(
            step=current,
            from_agency=current.agency if current else dossier.deciding_agency,
            note=reason,
            data={
                "original_appointment_at": dossier.original_appointment_at.isoformat()
                if dossier.original_appointment_at
                else None,
                "new_appointment_at": new_appointment.isoformat(),
                # The appointment this one replaces (reports: where its overdue day moves from).
                "previous_appointment_at": previous_appointment_at.isoformat(),
            },
        )
        t.after_commit("dossiers.render_form", kind="apology")
    return dossier


def dossier_return_result(
    *,
    dossier_id: int,
    actor: User | None,
    method: str,
    receiver_name: str = "",
    receiver_id_number: str = "",
) -> Dossier:
    """Hand the result over at the desk (the receiver's identity recorded), by post or online.

    A result that must be signed and is not yet (its signature failed, or it was approved
    while jobs were off) is signed now, outside the transaction; when that fails too the
    return is refused (409 result_unsigned) and nothing changes."""
    _sign_before_return(dossier_id, actor)
    return _return_result(
        dossier_id=dossier_id,
        actor=actor,
        method=method,
        receiver_name=receiver_name,
        receiver_id_number=receiver_id_number,
    )


def _unsigned_refusal(reason: str) -> InvalidTransition:
    return InvalidTransition(
        _(
            "The result is not digitally signed yet, so it cannot be returned to the applicant. "
            "%(reason)s The system keeps trying to sign it; if this lasts, tell the leader of "
            "the deciding agency or the system administrator."
        )
        % {"reason": reason},
        code="result_unsigned",
    )


def _sign_before_return(dossier_id: int, actor: User | None) -> None:
    dossier = Dossier.objects.select_related("deciding_agency").filter(pk=dossier_id).first()
    if dossier is None or dossier.status != S.RESULT_READY:
        return  # the transition answers for these
    if result_unsigned(dossier=dossier) is None:
        return
    require_may(user=actor, dossier=dossier, action=A.RETURN_RESULT)
    try:
        dossier_result_sign(dossier_id=dossier_id, signer_id=result_approver_id(dossier=dossier))
    except ResultNotSigned as exc:
        raise _unsigned_refusal(exc.reason) from exc


@transaction.atomic
def _return_result(
    *,
    dossier_id: int,
    actor: User | None,
    method: str,
    receiver_name: str,
    receiver_id_number: str,
) -> Dossier:
    if method not in ("desk", "post", "online"):
        raise ValidationFailed(
            _("The method is desk, post or online."),
            field_errors={"method": [_("Choose how the result is returned.")]},
        )
    if method == "desk":
        receiver_name = _required(
            receiver_name,
            "receiver_name",
            _("Enter the name of the person who receives the result."),
        )
        receiver_id_number = _required(
            receiver_id_number,
            "receiver_id_number",
            _("Enter the ID number of the person who receives it."),
        ).replace(" ", "")
        # The same check as the applicant's ID number at intake (core.identifiers).
        problem = id_number_problem(receiver_id_number)
        if problem:
            raise ValidationFailed(problem, field_errors={"receiver_id_number": [problem]})
    returned_to = f"{nfc(receiver_name).strip()} {receiver_id_number.strip()}".strip()
    # Name and ID number share one column: too long was a 500 on PostgreSQL (ADR 0038).
    limit = Dossier._meta.get_field("returned_to").max_length or 0
    if len(returned_to) > limit:
        message = _("Ensure this value has at most %(max)d characters (it has %(length)d).") % {
            "max": max(limit - len(receiver_id_number.strip()) - 1, 0),
            "length": len(nfc(receiver_name).strip()),
        }
        raise ValidationFailed(message, field_errors={"receiver_name": [message]})
    with dossier_transition(dossier_id=dossier_id, action=A.RETURN_RESULT, actor=actor) as t:
        dossier = t.dossier
        if result_unsigned(dossier=dossier) is not None:
            raise _unsigned_refusal(_("It is waiting for its signature."))
        now = clock.now()
        step = step_context(dossier).main
        outcome = step_finish(step, now) if step is not None else ""
        t.move_to(S.RETURNED)
        dossier.returned_at = now
        dossier.return_method = method
        dossier.returned_to = returned_to
        t.record(
            step=step,
            # The handover of the result to the applicant is labelled with the dossier's
            # outcome (DESIGN §6, deadlines.dossier_outcome), not the return step's own hours.
            deadline_status=dossier.outcome or outcome,
            data={"method": method, "receiver": dossier.returned_to},
        )
    return dossier


def _stop(t: Transition, target: DossierStatus, reason: str) -> None:
    dossier = t.dossier
    now = clock.now()
    t.move_to(target)
    cal = deadlines.calendar()
    if dossier.paused_at is not None:
        dossier.paused_seconds += (
            cal.working_seconds_between(dossier.paused_at, now) if now > dossier.paused_at else 0
        )
        dossier.paused_at = None
    dossier.finished_at = now
    dossier.decision_note = reason
    steps_cancel_unfinished(dossier)
    t.record(note=reason)


@transaction.atomic
def dossier_withdraw(*, dossier_id: int, actor: User | None, reason: str) -> Dossier:
    """The applicant asks to stop before a result exists: notice of stopping (form 05)."""
    reason = _required(reason, "reason", _("Write the applicant's request."))
    with dossier_transition(dossier_id=dossier_id, action=A.WITHDRAW, actor=actor) as t:
        _stop(t, S.WITHDRAWN, reason)
        t.after_commit("dossiers.render_form", kind="stop_notice")
    return t.dossier


@transaction.atomic
def dossier_cancel(*, dossier_id: int, actor: User | None, reason: str) -> Dossier:
    """A leader of the deciding agency stops an accepted dossier, with the reason."""
    reason = _required(reason, "reason", _("Give the reason for stopping."))
    with dossier_transition(dossier_id=dossier_id, action=A.CANCEL, actor=actor) as t:
        _stop(t, S.CANCELLED, reason)
    return t.dossier
