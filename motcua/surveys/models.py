"""Satisfaction survey campaigns (SIPAS, domain.md §8; ADR 0041).

A campaign has questions (factor 1–5 × kind) and, per agency, invitations sent to a random
sample of applicants whose result was returned in the period. Answers go to `SurveyResponse`,
which keeps only the campaign, the agency, the period and the answers: no invitation, no
dossier, no person, no timestamp, a random UUID key (so neither ids nor ordering lead back
to the invitation that was used)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    PERCEPTION = "perception", _("Perception")
    SATISFACTION = "satisfaction", _("Satisfaction")
    EXPECTATION = "expectation", _("Expectation")


class Scale(models.TextChoices):
    LIKERT5 = "likert5", _("5-point scale")


FACTOR_CHOICES = [
    (1, _("1. Access to the service")),
    (2, _("2. The administrative procedure")),
    (3, _("3. The officers who handled the work")),
    (4, _("4. The result of the service")),
    (5, _("5. Receiving and handling comments, complaints and proposals")),
]


class SurveyCampaign(models.Model):
    """Đợt khảo sát: a period, the agencies surveyed, a sample size per agency and the seed
    the sample is drawn with (same seed, same sample)."""

    title = models.CharField(_("campaign title"), max_length=300)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    agencies = models.ManyToManyField(
        "accounts.Agency", related_name="+", verbose_name=_("agencies surveyed")
    )
    sample_size = models.PositiveIntegerField(_("sample size per agency"))
    seed = models.PositiveBigIntegerField(_("random seed"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sampled_at = models.DateTimeField(_("sample drawn at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_campaign_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    campaign = models.ForeignKey(
        SurveyCampaign,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("survey campaign"),
    )
    factor = models.PositiveSmallIntegerField(_("factor"), choices=FACTOR_CHOICES)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default="likert5")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["campaign", "factor", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(factor__gte=1, factor__lte=5), name="survey_question_factor_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """One applicant of the sample. The link's token is kept only as its SHA-256; once used
    the invitation is marked answered (on which day, no time) and refuses a second answer."""

    campaign = models.ForeignKey(
        SurveyCampaign,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("survey campaign"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    token_hash = models.CharField(
        _("link token (SHA-256)"), max_length=64, unique=True, null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["campaign", "agency", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dossier"], name="survey_invitation_once_per_dossier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.agency_id}/{self.pk}"


class SurveyResponse(models.Model):
    """One anonymous set of answers: campaign, agency, period. Nothing else."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    campaign = models.ForeignKey(
        SurveyCampaign,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("survey campaign"),
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["campaign", "agency", "id"]  # never by insertion

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.agency_id}"


class SurveyAnswer(models.Model):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    response = models.ForeignKey(
        SurveyResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("survey response"),
    )
    question = models.ForeignKey(
        SurveyQuestion,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("survey question"),
    )
    value = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"
