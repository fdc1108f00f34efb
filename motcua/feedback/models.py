"""Satisfaction ratings, stored so that nobody can tell who rated what (ADR 0012).

`RatingReceipt` says that a dossier was rated (one per dossier) and on which day, never what
was said. `Rating` holds what was said with only what an aggregate needs: the agencies, the
procedure code, the month, the channel. No dossier, no user, no timestamp; a random UUID key,
so neither ids nor ordering lead back to the receipt."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RatingReceipt(models.Model):
    """That a dossier was rated. Its unique constraint enforces one rating per dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    rated_on = models.DateField(_("rated on"))

    class Meta:
        verbose_name = _("rating receipt")
        verbose_name_plural = _("rating receipts")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.rated_on}"


def _score(label: Any, *, required: bool = True) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(label, null=not required, blank=not required)


class Rating(models.Model):
    """Đánh giá sự hài lòng: the five SIPAS factors and a comment, anonymous."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deciding agency"),
    )
    receiving_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving desk"),
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    period = models.DateField(_("month"))  # always the first day of the month
    channel = models.CharField(_("channel"), max_length=10)
    score_access = _score(_("access to the service"))
    score_procedure = _score(_("administrative procedure"))
    score_staff = _score(_("officers"))
    score_result = _score(_("result"))
    score_complaints = _score(_("handling of complaints"), required=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        # Never ordered by anything that follows insertion.
        ordering = ["period", "agency", "id"]
        indexes = [
            models.Index(fields=["agency", "period"]),
            models.Index(fields=["receiving_agency", "period"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="rating_period_is_month"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.period:%m/%Y}"
