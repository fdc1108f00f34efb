"""One entry point for interfaces: run a named action with a payload (REST, desk forms).

Parses and validates the action-specific fields, then calls the service. Unknown action →
404-like error; missing or malformed fields → ValidationFailed with field errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.hostile import ascii_int
from motcua.dossiers.data import ChecklistItem, UploadedFile
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake, processing
from motcua.dossiers.workflow import Action

if TYPE_CHECKING:
    from motcua.accounts.models import User


def _text(p: Mapping[str, Any], key: str) -> str:
    value = p.get(key)
    return "" if value is None else str(value)


def _int(p: Mapping[str, Any], key: str, *, required: bool = False) -> int | None:
    value = p.get(key)
    if value in (None, ""):
        if required:
            raise ValidationFailed(
                _("This field is required."), field_errors={key: [_("This field is required.")]}
            )
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("Expected a whole number."), field_errors={key: [_("Expected a whole number.")]}
        ) from exc


def _decimal(p: Mapping[str, Any], key: str) -> Decimal:
    try:
        value = Decimal(str(p.get(key)))
    except (InvalidOperation, TypeError) as exc:
        raise ValidationFailed(
            _("Expected a number."), field_errors={key: [_("Expected a number of working hours.")]}
        ) from exc
    if not value.is_finite() or value <= 0:
        raise ValidationFailed(
            _("Must be greater than zero."), field_errors={key: [_("Must be greater than zero.")]}
        )
    return value


def _list(p: Mapping[str, Any], key: str) -> list[str]:
    value = p.get(key) or []
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list | tuple):
        raise ValidationFailed(_("Expected a list."), field_errors={key: [_("Expected a list.")]})
    return [str(v) for v in value]


def _datetime(p: Mapping[str, Any], key: str) -> dt.datetime:
    raw = p.get(key)
    value = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw or ""))
    if value is None:
        message = _("Enter a date and time, e.g. 2026-03-20T16:00:00+07:00.")
        raise ValidationFailed(message, field_errors={key: [message]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _file(p: Mapping[str, Any], key: str) -> UploadedFile | None:
    value = p.get(key)
    if value is None or isinstance(value, UploadedFile):
        return value
    raise ValidationFailed(_("Attach a file."), field_errors={key: [_("Attach a file.")]})


def _checklist(p: Mapping[str, Any]) -> list[ChecklistItem]:
    """`documents`: the checklist positions received (ints), or objects with position,
    received, originals, copies."""
    items = []
    for i, raw in enumerate(p.get("documents") or [], start=1):
        # ASCII digits only: "²".isdigit() is true and int("²") raises (core/hostile.py).
        if isinstance(raw, int | str) and ascii_int(str(raw)) is not None:
            items.append(ChecklistItem(position=int(raw), received=True, originals=1))
        elif isinstance(raw, Mapping) and ascii_int(str(raw.get("position", ""))) is not None:
            items.append(
                ChecklistItem(
                    position=int(raw["position"]),
                    received=bool(raw.get("received", True)),
                    originals=int(raw.get("originals") or 0),
                    copies=int(raw.get("copies") or 0),
                )
            )
        else:
            raise ValidationFailed(
                _("Expected a list of document numbers."),
                field_errors={f"documents[{i}]": [_("Expected a number.")]},
            )
    return items


HANDLERS: dict[Action, Callable[[int, User | None, Mapping[str, Any]], Dossier]] = {
    Action.ACCEPT: lambda d, u, p: intake.dossier_accept(
        dossier_id=d, actor=u, checklist=_checklist(p)
    ),
    Action.REQUEST_COMPLETION: lambda d, u, p: intake.dossier_request_completion(
        dossier_id=d, actor=u, missing=_list(p, "missing"), note=_text(p, "note")
    ),
    Action.REFUSE: lambda d, u, p: intake.dossier_refuse(
        dossier_id=d, actor=u, reason=_text(p, "reason") or _text(p, "note")
    ),
    Action.TAKE: lambda d, u, p: processing.dossier_take(dossier_id=d, actor=u),  # type: ignore[arg-type]
    Action.FORWARD: lambda d, u, p: processing.dossier_forward(
        dossier_id=d, actor=u, to_user_id=_int(p, "to_user"), note=_text(p, "note")
    ),
    Action.SEND_BACK: lambda d, u, p: processing.dossier_send_back(
        dossier_id=d,
        actor=u,
        to_position=_int(p, "to_position", required=True) or 0,
        reason=_text(p, "reason") or _text(p, "note"),
    ),
    Action.CONSULT: lambda d, u, p: processing.dossier_consult(
        dossier_id=d,
        actor=u,
        agency_codes=_list(p, "agencies"),
        question=_text(p, "question") or _text(p, "note"),
        budget_hours=_decimal(p, "budget_hours"),
    ),
    Action.ANSWER_CONSULTATION: lambda d, u, p: processing.dossier_answer_consultation(
        dossier_id=d,
        actor=u,
        answer=_text(p, "answer") or _text(p, "note"),
        consultation_id=_int(p, "consultation_id"),
    ),
    Action.TRANSFER: lambda d, u, p: processing.dossier_transfer(
        dossier_id=d,
        actor=u,
        agency_code=_text(p, "agency"),
        budget_hours=_decimal(p, "budget_hours"),
        note=_text(p, "note"),
    ),
    Action.REQUEST_SUPPLEMENT: lambda d, u, p: processing.dossier_request_supplement(
        dossier_id=d,
        actor=u,
        items=_list(p, "items"),
        reason=_text(p, "reason") or _text(p, "note"),
    ),
    Action.RECEIVE_SUPPLEMENT: lambda d, u, p: processing.dossier_receive_supplement(
        dossier_id=d, actor=u, files=[f for f in [_file(p, "file")] if f], note=_text(p, "note")
    ),
    Action.COMPLETE: lambda d, u, p: processing.dossier_complete(
        dossier_id=d, actor=u, result=_file(p, "result"), note=_text(p, "note")
    ),
    Action.APPROVE: lambda d, u, p: processing.dossier_approve(
        dossier_id=d, actor=u, result=_file(p, "result"), note=_text(p, "note")
    ),
    Action.REJECT: lambda d, u, p: processing.dossier_reject(
        dossier_id=d, actor=u, reason=_text(p, "reason") or _text(p, "note")
    ),
    Action.APOLOGIZE: lambda d, u, p: processing.dossier_apologize(
        dossier_id=d,
        actor=u,
        new_appointment=_datetime(p, "new_appointment"),
        reason=_text(p, "reason") or _text(p, "note"),
    ),
    Action.RETURN_RESULT: lambda d, u, p: processing.dossier_return_result(
        dossier_id=d,
        actor=u,
        method=_text(p, "method") or "desk",
        receiver_name=_text(p, "receiver_name"),
        receiver_id_number=_text(p, "receiver_id_number"),
    ),
    Action.WITHDRAW: lambda d, u, p: processing.dossier_withdraw(
        dossier_id=d, actor=u, reason=_text(p, "reason") or _text(p, "note")
    ),
    Action.CANCEL: lambda d, u, p: processing.dossier_cancel(
        dossier_id=d, actor=u, reason=_text(p, "reason") or _text(p, "note")
    ),
}


def dossier_act(
    *, dossier_id: int, actor: User | None, action: str, payload: Mapping[str, Any]
) -> Dossier:
    """Run `action` on the dossier. Raises NotFound for an unknown action name,
    ValidationFailed (400), PermissionDenied (403) or InvalidTransition (409)."""
    try:
        name = Action(action)
    except ValueError as exc:
        raise NotFound(_("Unknown action “%(a)s”.") % {"a": action}, code="unknown_action") from exc
    return HANDLERS[name](dossier_id, actor, payload)
