"""Writes of the feedback app: a satisfaction rating, once per dossier, anonymous (ADR 0012)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.api import dossier_lock
from motcua.feedback.criteria import FACTORS, rating_scale
from motcua.feedback.models import Rating, RatingReceipt
from motcua.feedback.selectors import RATABLE_STATUSES, may_rate

if TYPE_CHECKING:
    from motcua.accounts.models import User

COMMENT_MAX = 2000

#: Called with each new Rating inside the rating's transaction (the reports' `rated` counts,
#: which keep only what the Rating keeps: its month, agencies, procedure and channel). Write
#: in the same transaction; an exception undoes the rating.
RatingHook = Callable[[Rating], None]
_RATING_HOOKS: list[RatingHook] = []


def rating_hook_add(hook: RatingHook) -> RatingHook:
    """Call `hook(rating)` after every new rating (adding it twice adds it once)."""
    if hook not in _RATING_HOOKS:
        _RATING_HOOKS.append(hook)
    return hook


def rating_hook_remove(hook: RatingHook) -> None:
    if hook in _RATING_HOOKS:
        _RATING_HOOKS.remove(hook)


def _clean_scores(scores: Mapping[str, int | str | None]) -> dict[str, int | None]:
    allowed = {value for value, _label in rating_scale()}
    errors: dict[str, list[str]] = {}
    clean: dict[str, int | None] = {}
    for factor in FACTORS:
        raw = scores.get(factor.key)
        if raw in (None, ""):
            if factor.required:
                errors[factor.key] = [_("Choose an answer.")]
            clean[factor.key] = None
            continue
        try:
            value = int(str(raw))
        except ValueError:
            value = -1
        if value not in allowed:
            errors[factor.key] = [_("Choose one of the answers.")]
            continue
        clean[factor.key] = value
    if errors:
        raise ValidationFailed(
            _("The rating was not sent: answer every question."), field_errors=errors
        )
    return clean


@transaction.atomic
def rating_submit(
    *,
    dossier_code: str,
    user: User | None,
    proven_codes: Iterable[str],
    scores: Mapping[str, int | str | None],
    comment: str = "",
) -> RatingReceipt:
    """Record the applicant's satisfaction with a dossier's handling.

    Once per dossier (Conflict on a second attempt), only once its answer exists, only by the
    applicant (signed in) or a visitor who proved the code + PIN in this session. What was said
    goes to an anonymous Rating row; the receipt only says that the dossier was rated."""
    dossier = dossier_lock(code=dossier_code)
    if dossier is None:
        raise NotFound(_("No dossier has this code."))
    if not may_rate(dossier=dossier, user=user, proven_codes=proven_codes):
        raise PermissionDenied(
            _("Only the applicant can rate this dossier: look it up with the PIN first.")
        )
    if RatingReceipt.objects.filter(dossier_id=dossier.pk).exists():
        raise Conflict(_("This dossier has already been rated. Thank you."), code="already_rated")
    if dossier.status not in RATABLE_STATUSES:
        raise Conflict(
            _("You can rate the handling of this dossier once its result is ready."),
            code="not_ratable_yet",
        )
    clean = _clean_scores(scores)
    comment = nfc(comment).strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            _("The comment is too long."),
            field_errors={"comment": [_("Write at most 2,000 characters.")]},
        )
    today = timezone.localdate(clock.now())
    try:
        with transaction.atomic():
            receipt = RatingReceipt.objects.create(dossier_id=dossier.pk, rated_on=today)
    except IntegrityError as exc:  # rated at the same moment in another request
        raise Conflict(
            _("This dossier has already been rated. Thank you."), code="already_rated"
        ) from exc
    rating = Rating.objects.create(
        agency_id=dossier.deciding_agency_id,
        receiving_agency_id=dossier.receiving_agency_id,
        procedure_code=dossier.procedure_code,
        period=today.replace(day=1),
        channel=dossier.channel,
        score_access=clean["access"],
        score_procedure=clean["procedure"],
        score_staff=clean["staff"],
        score_result=clean["result"],
        score_complaints=clean["complaints"],
        comment=comment,
    )
    for hook in tuple(_RATING_HOOKS):
        hook(rating)
    return receipt
