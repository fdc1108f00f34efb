"""The fact table of the official report (Biểu 06/VPCP/KSTT; ADR 0027).

One row per day × deciding agency × procedure code × channel, each column a signed count of
what happened that day (or, for `overdue_delta`, of what the clock does that day). A figure
for a period is a sum over days; a figure at the end of a day (in progress, overdue, waiting
for a supplement) is a running sum from the first day. Written only by `services.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The counted columns, in the order of the upsert statement (services.py).
FLOW_COLUMNS = (
    "received",
    "open_delta",
    "overdue_delta",
    "paused_delta",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "withdrawn",
    "cancelled",
    "supplement_requests",
    "timed",
    "elapsed_seconds",
    "paused_seconds",
    "regulated_seconds",
)


class DailyFlow(models.Model):
    """What moved dossiers between the report's buckets on one day (ADR 0027).

    Not shown to anyone as such (no admin, no verbose names of its own beyond the columns
    named like the dossier's): the report is what people see."""

    day = models.DateField(verbose_name=_("day"))
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deciding agency"),
    )
    procedure_code = models.CharField(max_length=40, verbose_name=_("procedure code"))
    channel = models.CharField(max_length=10, verbose_name=_("channel"))
    # 0: the counts below. Otherwise a row of the processing-time histogram: `timed` dossiers
    # whose result came after k − 1 half working days (rounded to the nearest), k = duration,
    # without the paused time (duration > 0) or with it (duration < 0); only `timed` is used.
    duration = models.SmallIntegerField(default=0, verbose_name=_("processing-time bucket"))
    # Received for resolution (accepted) that day.
    received = models.IntegerField(default=0, verbose_name=_("received for resolution"))
    # Change of the dossiers in progress (received, processing, waiting for a supplement).
    open_delta = models.IntegerField(default=0, verbose_name=_("change in progress"))
    # Change of the dossiers in progress past their appointment, on the day it happens: a
    # dossier's +1 is written ahead, on the day its appointment falls (ADR 0027).
    overdue_delta = models.IntegerField(default=0, verbose_name=_("change overdue"))
    # Change of the dossiers waiting for the applicant's supplement (clock stopped).
    paused_delta = models.IntegerField(default=0, verbose_name=_("change waiting for supplements"))
    # Resolved that day (result ready, refused after review, withdrawn, cancelled) by outcome;
    # withdrawn and cancelled count as on time (domain.md §3).
    resolved_early = models.IntegerField(default=0, verbose_name=_("resolved early"))
    resolved_on_time = models.IntegerField(default=0, verbose_name=_("resolved on time"))
    resolved_late = models.IntegerField(default=0, verbose_name=_("resolved late"))
    # Of the resolved: refused after review, withdrawn, cancelled.
    refused = models.IntegerField(default=0, verbose_name=_("refused after review"))
    withdrawn = models.IntegerField(default=0, verbose_name=_("withdrawn"))
    cancelled = models.IntegerField(default=0, verbose_name=_("cancelled"))
    supplement_requests = models.IntegerField(default=0, verbose_name=_("supplement requests"))
    # Processing time of the dossiers with a result (approved or refused) resolved that day:
    # how many, and the sums of their working seconds from the clock's start to the result,
    # of the paused (applicant's) working seconds among them, and of the regulated time.
    timed = models.IntegerField(default=0, verbose_name=_("dossiers timed"))
    elapsed_seconds = models.BigIntegerField(default=0, verbose_name=_("working seconds elapsed"))
    paused_seconds = models.BigIntegerField(default=0, verbose_name=_("working seconds paused"))
    regulated_seconds = models.BigIntegerField(
        default=0, verbose_name=_("regulated working seconds")
    )

    class Meta:
        verbose_name = _("daily report figures")
        verbose_name_plural = _("daily report figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure_code", "channel", "duration"],
                name="flow_key",
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="flow_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_code} {self.channel} {self.duration}"
