"""Rows of the simplification app: the dated income setting, the cost inputs of a procedure,
and simplification plans with their items (ADR 0039)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.models import BaseModel
from motcua.simplification.data import Change, PlanState, VolumeSource

CHANGE_CHOICES = [
    (Change.ABOLISH.value, _("Abolish the procedure")),
    (Change.DROP_DOCUMENTS.value, _("Drop or merge documents")),
    (Change.SHORTEN_TIME.value, _("Shorten the processing time")),
    (Change.MOVE_ONLINE.value, _("Move the procedure fully online")),
    (Change.CUT_FEE.value, _("Cut the fee")),
]
STATE_CHOICES = [
    (PlanState.DRAFT.value, pgettext_lazy("simplification plan", "Draft")),
    (PlanState.SUBMITTED.value, pgettext_lazy("simplification plan", "Submitted")),
    (PlanState.APPROVED.value, pgettext_lazy("simplification plan", "Approved")),
    (PlanState.APPLIED.value, pgettext_lazy("simplification plan", "Applied")),
]
VOLUME_CHOICES = [
    (VolumeSource.STATISTICS.value, _("From the statistics (last 12 months)")),
    (VolumeSource.ENTERED.value, _("Entered by hand")),
]
_NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class IncomeRate(BaseModel):
    """The average income per working hour in force from a date (domain.md §6: 40,000 đ per
    hour from 2024, GSO figure as used by the provinces; 8 hours a day). A dated setting: a
    plan is costed with the rate in force on its costing date."""

    valid_from = models.DateField(_("valid from"), unique=True)
    hourly_income_vnd = models.PositiveIntegerField(
        _("income per working hour (VND)"), validators=[MinValueValidator(1)]
    )
    hours_per_day = models.DecimalField(
        _("working hours a day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    source = models.TextField(_("source"), blank=True)
    confirmed = models.BooleanField(
        _("confirmed in a primary source"),
        default=False,
        help_text=_("Off while the figure is seen only in secondary sources (UNCONFIRMED)."),
    )

    class Meta:
        verbose_name = _("income per working hour")
        verbose_name_plural = _("incomes per working hour")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_income_vnd__gt=0), name="income_rate_positive"
            ),
            models.CheckConstraint(condition=Q(hours_per_day__gt=0), name="hours_per_day_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.hourly_income_vnd} đ/h từ {self.valid_from:%d/%m/%Y}"


class CostInputs(BaseModel):
    """What the catalog does not say about the cost of a procedure to its applicants: visits,
    travel, out-of-pocket costs, hours per document, and the dossiers a year when the system
    has no statistics. Kept by procedure code (every version of the procedure uses them).
    `estimated`: the figures are documented defaults, not measured (the demo catalog)."""

    procedure_code = models.CharField(_("procedure code"), max_length=40, unique=True)
    visits = models.PositiveSmallIntegerField(_("visits to the desk"), default=1)
    hours_per_visit = models.DecimalField(
        _("hours per visit"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=_NOT_NEGATIVE,
    )
    travel_hours_per_visit = models.DecimalField(
        _("travel hours per visit"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=_NOT_NEGATIVE,
    )
    out_of_pocket_vnd = models.PositiveBigIntegerField(
        _("out-of-pocket costs per dossier (VND)"),
        default=0,
        help_text=_("Copies, notarisation, postage, hired services."),
    )
    default_document_hours = models.DecimalField(
        _("hours per document (when not given for the document)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(2),
        validators=_NOT_NEGATIVE,
    )
    document_hours = models.JSONField(
        _("hours per document"),
        default=dict,
        blank=True,
        help_text=_("Document position → hours to obtain and prepare it."),
    )
    dossiers_per_year = models.PositiveIntegerField(
        _("dossiers a year (entered by hand)"), null=True, blank=True
    )
    estimated = models.BooleanField(_("estimated"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("compliance-cost inputs")
        verbose_name_plural = _("compliance-cost inputs")
        ordering = ["procedure_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_visit__gte=0)
                & Q(travel_hours_per_visit__gte=0)
                & Q(default_document_hours__gte=0),
                name="cost_inputs_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.procedure_code


class Plan(BaseModel):
    """Phương án đơn giản hóa: draft → submitted → approved (province admin) → applied."""

    name = models.CharField(_("name"), max_length=255)
    state = models.CharField(
        _("state"), max_length=12, choices=STATE_CHOICES, default=PlanState.DRAFT.value
    )
    costed_on = models.DateField(_("costed on"))
    hourly_income_vnd = models.PositiveIntegerField(_("income per working hour (VND)"))
    hours_per_day = models.DecimalField(_("working hours a day"), max_digits=4, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("submitted by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("applied by"),
    )
    decision = models.CharField(_("approving decision"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("simplification plan")
        verbose_name_plural = _("simplification plans")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in PlanState]), name="plan_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanItem(models.Model):
    """One change to one procedure, with the figures it was costed at (whole đồng a year)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    position = models.PositiveIntegerField(_("order"))
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    procedure_name = models.CharField(_("procedure name"), max_length=600)
    version_id = models.BigIntegerField(_("costed version"))
    change = models.CharField(_("change"), max_length=20, choices=CHANGE_CHOICES)
    processing_working_days = models.DecimalField(
        _("new processing time (working days)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    documents = models.JSONField(_("documents dropped (positions)"), default=list, blank=True)
    fee_vnd = models.PositiveBigIntegerField(_("new fee (VND)"), null=True, blank=True)
    dossiers_per_year_entered = models.PositiveIntegerField(
        _("dossiers a year (entered for this item)"), null=True, blank=True
    )
    dossiers_per_year = models.PositiveIntegerField(_("dossiers a year"))
    volume_source = models.CharField(
        _("dossiers a year from"), max_length=12, choices=VOLUME_CHOICES
    )
    processing_days_before = models.DecimalField(
        _("processing time before (working days)"), max_digits=8, decimal_places=2
    )
    processing_days_after = models.DecimalField(
        _("processing time after (working days)"), max_digits=8, decimal_places=2
    )
    per_dossier_before = models.PositiveBigIntegerField(_("cost per dossier before (VND)"))
    per_dossier_after = models.PositiveBigIntegerField(_("cost per dossier after (VND)"))
    cost_before_per_year = models.PositiveBigIntegerField(_("cost a year before (VND)"))
    cost_after_per_year = models.PositiveBigIntegerField(_("cost a year after (VND)"))
    breakdown = models.JSONField(_("components before and after"), default=dict, blank=True)
    estimated = models.BooleanField(_("uses estimated inputs"), default=False)
    applied_version_id = models.BigIntegerField(_("drafted version"), null=True, blank=True)
    applied_note = models.TextField(_("note on applying"), blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_item_position_unique"),
            models.CheckConstraint(
                condition=Q(change__in=[c.value for c in Change]), name="plan_item_change_valid"
            ),
            models.CheckConstraint(
                condition=Q(dossiers_per_year__gte=1), name="plan_item_volume_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} {self.change}"
