"""Writes of the surveys app: campaigns, the sample, invitations, answers (ADR 0041). Every
change is atomic and audited; invitations leave by `notifications.api.message_send` after
the commit."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_by_id, user_agency_ids, user_has_any_role
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.core.links import public_url
from motcua.core.text import nfc
from motcua.dossiers.api import dossier_contacts, dossiers_returned_between
from motcua.notifications.api import message_send
from motcua.surveys.criteria import DEFAULT_QUESTIONS, FACTOR_LABELS, KINDS, SCALE_VALUES
from motcua.surveys.models import (
    CampaignStatus,
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from motcua.surveys.selectors import campaign_questions, token_hash

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: Who runs campaigns (create, draw, send, close): the province admin. Who reads results:
#: the province admin and the supervisors.
SURVEY_MANAGER_ROLES = frozenset({Role.PROVINCE_ADMIN})
SURVEY_VIEWER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SUPERVISOR})
TITLE_MAX = 300
QUESTION_MAX = 500
SAMPLE_MAX = 1000


def may_manage_surveys(user: Any) -> bool:
    return bool(user_has_any_role(user=user, roles=SURVEY_MANAGER_ROLES))


def may_view_surveys(user: Any) -> bool:
    return bool(user_has_any_role(user=user, roles=SURVEY_VIEWER_ROLES))


def _require_manager(actor: Any) -> None:
    if actor is not None and not may_manage_surveys(actor):
        raise PermissionDenied(_("Only the province administrator runs survey campaigns."))


def default_questions() -> list[tuple[int, str, str]]:
    """(factor, kind, text): the five factors × the three kinds, in Vietnamese."""
    return [
        (factor, kind, texts[i])
        for factor, texts in DEFAULT_QUESTIONS.items()
        for i, kind in enumerate(KINDS)
    ]


def _clean_questions(
    questions: Sequence[tuple[int, str, str]], errors: dict[str, list[str]]
) -> list[tuple[int, str, str]]:
    clean: list[tuple[int, str, str]] = []
    for i, (factor, kind, text) in enumerate(questions):
        text = nfc(text or "").strip()
        key = f"questions[{i}]"
        if not text:
            continue
        if factor not in FACTOR_LABELS or kind not in KINDS:
            errors.setdefault(key, []).append(_("Choose a factor and a kind of question."))
        elif len(text) > QUESTION_MAX:
            errors.setdefault(key, []).append(_("Write at most 500 characters."))
        else:
            clean.append((factor, kind, text))
    if not clean and "questions" not in errors:
        errors["questions"] = [_("Write at least one question.")]
    return clean


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    title: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    agency_ids: Iterable[int],
    sample_size: int | None,
    seed: int | None = None,
    questions: Sequence[tuple[int, str, str]] | None = None,
) -> SurveyCampaign:
    """A draft campaign with its questions (the default set of 15 when `questions` is None).
    The agencies must be ones the actor's province admin role covers. `seed`: drawn at random
    when None, shown on the page so that anyone can draw the same sample again."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    title = nfc(title or "").strip()
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Write at most 300 characters.")]
    if period_start is None:
        errors["period_start"] = [_("Enter a date.")]
    if period_end is None:
        errors["period_end"] = [_("Enter a date.")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("The end of the period comes before its start.")]
    if sample_size is None or not 1 <= sample_size <= SAMPLE_MAX:
        errors["sample_size"] = [_("Enter a number from 1 to 1,000.")]
    ids = sorted(set(agency_ids))
    if not ids:
        errors["agencies"] = [_("Choose at least one agency.")]
    elif actor is not None:
        allowed = user_agency_ids(user=actor, roles=SURVEY_MANAGER_ROLES)
        if not set(ids) <= allowed:
            errors["agencies"] = [_("You may only survey the agencies you administer.")]
    clean = _clean_questions(default_questions() if questions is None else questions, errors)
    if errors:
        raise ValidationFailed(
            _("The campaign was not saved: correct the fields."), field_errors=errors
        )
    assert period_start is not None and period_end is not None and sample_size is not None
    campaign = SurveyCampaign.objects.create(
        title=title,
        period_start=period_start,
        period_end=period_end,
        sample_size=sample_size,
        seed=seed if seed is not None else secrets.randbelow(10**9),
        created_by=actor,
    )
    campaign.agencies.set(ids)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(campaign=campaign, factor=f, kind=k, text=t, position=i)
        for i, (f, k, t) in enumerate(clean)
    )
    audit_record(
        actor=actor,
        action="survey.campaign_create",
        obj=campaign,
        data={"agencies": ids, "sample_size": sample_size, "questions": len(clean)},
    )
    return campaign


def _locked(campaign: SurveyCampaign) -> SurveyCampaign:
    locked = SurveyCampaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if locked is None:
        raise NotFound(_("No such survey campaign."))
    return locked


def sample_draw(*, population: Sequence[int], size: int, seed: int, agency_code: str) -> list[int]:
    """The sample of one agency: `size` ids (all when fewer) drawn from the sorted population
    by a generator seeded with the campaign's seed and the agency's code. Same inputs, same
    sample, on any machine (Python's Mersenne Twister with a str seed is stable)."""
    ordered = sorted(population)
    rng = random.Random(f"{seed}:{agency_code}")  # noqa: S311 - reproducible, not secret
    return sorted(rng.sample(ordered, min(size, len(ordered))))


@transaction.atomic
def campaign_sample(*, actor: User | None, campaign: SurveyCampaign) -> dict[int, int]:
    """Draw (again) the sample of a draft campaign: per agency, at random from its dossiers
    returned in the period. Replaces an earlier draw; agency id → invitations."""
    _require_manager(actor)
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(_("The sample is drawn before the campaign opens."), code="not_draft")
    agencies = {a.pk: a for a in campaign.agencies.all()}
    population = dossiers_returned_between(
        agency_ids=list(agencies), start=campaign.period_start, end=campaign.period_end
    )
    SurveyInvitation.objects.filter(campaign=campaign).delete()
    drawn: dict[int, int] = {}
    rows = []
    for agency_id in sorted(agencies):
        ids = sample_draw(
            population=population.get(agency_id, []),
            size=campaign.sample_size,
            seed=campaign.seed,
            agency_code=agencies[agency_id].code,
        )
        drawn[agency_id] = len(ids)
        rows += [
            SurveyInvitation(campaign=campaign, agency_id=agency_id, dossier_id=d) for d in ids
        ]
    SurveyInvitation.objects.bulk_create(rows)
    campaign.sampled_at = clock.now()
    campaign.save(update_fields=["sampled_at"])
    audit_record(
        actor=actor,
        action="survey.sample_draw",
        obj=campaign,
        data={"seed": campaign.seed, "drawn": {str(k): v for k, v in drawn.items()}},
    )
    return drawn


@transaction.atomic
def campaign_send(*, actor: User | None, campaign: SurveyCampaign) -> int:
    """Open the campaign and send each invitation of the sample not sent yet (a new one-use
    link; only its hash is kept). Invitations whose applicant left no phone, email or
    account stay unsent (they do not count in the response rate). Returns how many left."""
    _require_manager(actor)
    campaign = _locked(campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict(_("This campaign is closed."), code="closed")
    if campaign.sampled_at is None:
        raise Conflict(_("Draw the sample first."), code="no_sample")
    pending = list(
        SurveyInvitation.objects.select_for_update().filter(campaign=campaign, sent_at__isnull=True)
    )
    contacts = dossier_contacts(ids=[i.dossier_id for i in pending])
    agencies = agencies_by_id(ids={i.agency_id for i in pending})
    now = clock.now()
    sent = 0
    for invitation in pending:
        contact = contacts.get(invitation.dossier_id) or {}
        if not (contact.get("phone") or contact.get("email") or contact.get("user_id")):
            continue
        token = secrets.token_urlsafe(24)
        invitation.token_hash = token_hash(token)
        invitation.sent_at = now
        invitation.save(update_fields=["token_hash", "sent_at"])
        link = public_url(reverse("portal:survey_answer", args=[token]))
        agency = agencies.get(invitation.agency_id)
        with translation.override("vi"):
            subject = _("Survey of satisfaction with public administrative services")
            body = _(
                "%(agency)s asks for your opinion of the administrative service you received. "
                "The survey is anonymous and takes 3 minutes. The link can be used once."
            ) % {"agency": agency.name if agency else ""}
        # In this transaction; e-mail and SMS leave after the commit (notifications job).
        message_send(
            key=f"survey:{invitation.pk}:{invitation.token_hash[:16]}",
            kind="survey_invitation",
            subject=subject,
            body=body,
            email=contact.get("email") or "",
            phone=contact.get("phone") or "",
            user_id=contact.get("user_id"),
            language="vi",
            link=link,
        )
        sent += 1
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.OPEN
        campaign.opened_at = now
        campaign.save(update_fields=["status", "opened_at"])
    audit_record(actor=actor, action="survey.invitations_send", obj=campaign, data={"sent": sent})
    return sent


@transaction.atomic
def campaign_close(*, actor: User | None, campaign: SurveyCampaign) -> SurveyCampaign:
    """Close an open campaign: its links answer no more."""
    _require_manager(actor)
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(_("Only an open campaign can be closed."), code="not_open")
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = clock.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="survey.campaign_close", obj=campaign)
    return campaign


def _clean_answers(questions: list[SurveyQuestion], answers: Mapping[str, Any]) -> dict[int, int]:
    errors: dict[str, list[str]] = {}
    clean: dict[int, int] = {}
    for q in questions:
        key = f"q{q.pk}"
        raw = answers.get(key)
        if raw in (None, ""):
            if q.factor != 5:  # factor 5 is optional: most applicants made no complaint
                errors[key] = [_("Choose an answer.")]
            continue
        try:
            value = int(str(raw))
        except ValueError:
            value = -1
        if value not in SCALE_VALUES:
            errors[key] = [_("Choose one of the answers.")]
            continue
        clean[q.pk] = value
    if errors:
        raise ValidationFailed(
            _("Your answers were not sent: answer every question."), field_errors=errors
        )
    return clean


@transaction.atomic
def survey_answer(*, token: str, answers: Mapping[str, Any]) -> SurveyResponse:
    """Record the answers given through an invitation's link, once. The response keeps the
    campaign, the agency and the period; the invitation only that it was used, and on which
    day. NotFound for an unknown link; Conflict when used or the campaign is not open."""
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("campaign")
        .filter(token_hash=token_hash(token or ""))
        .first()
        if token and len(token) <= 100
        else None
    )
    if invitation is None:
        raise NotFound(_("This survey link is not valid."))
    if invitation.answered_on is not None:
        raise Conflict(_("This survey link has already been used. Thank you."), code="used")
    campaign = invitation.campaign
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(_("This survey is closed."), code="closed")
    questions = campaign_questions(campaign=campaign)
    clean = _clean_answers(questions, answers)
    invitation.answered_on = timezone.localdate(clock.now())
    invitation.save(update_fields=["answered_on"])
    response = SurveyResponse.objects.create(
        campaign=campaign,
        agency_id=invitation.agency_id,
        period_start=campaign.period_start,
        period_end=campaign.period_end,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=qid, value=value)
        for qid, value in clean.items()
    )
    # The invitation is audited as used; nothing names the response.
    audit_record(actor=None, action="survey.invitation_used", obj=invitation)
    return response


@transaction.atomic
def invitations_reissue(*, actor: User | None, campaign: SurveyCampaign) -> list[tuple[int, str]]:
    """New one-use tokens for the sent, unanswered invitations of an open campaign, returned
    (invitation id, token) and NOT sent: for the demo loader, which answers as applicants
    would. The earlier links stop working. Audited."""
    _require_manager(actor)
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(_("This survey is closed."), code="not_open")
    out: list[tuple[int, str]] = []
    for invitation in SurveyInvitation.objects.select_for_update().filter(
        campaign=campaign, sent_at__isnull=False, answered_on__isnull=True
    ):
        token = secrets.token_urlsafe(24)
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
        out.append((invitation.pk, token))
    audit_record(
        actor=actor, action="survey.invitations_reissue", obj=campaign, data={"n": len(out)}
    )
    return out
