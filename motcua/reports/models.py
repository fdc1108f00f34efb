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
    *(
        # The service figures (766 index, rates): counted on the day they happen, for the
        # dossier's deciding agency, procedure and channel; written by the payments, feedback
        # and result hooks (services.py), never running sums.
        "fee_due",
        "paid",
        "paid_online",
        "e_results",
        "digitised",
        "rated",
        "rated_satisfied",
    ),
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
    # Service figures (766 index groups 4–6, the rates): dossiers received that day whose
    # procedure charges a fee; fees paid that day (any way, and online through the gateway);
    # results issued that day as a signed electronic document; dossiers received that day with
    # their documents stored electronically; ratings given that day, and of them satisfied.
    fee_due = models.IntegerField(default=0, verbose_name=_("received with a fee"))
    paid = models.IntegerField(default=0, verbose_name=_("fees paid"))
    paid_online = models.IntegerField(default=0, verbose_name=_("fees paid online"))
    e_results = models.IntegerField(default=0, verbose_name=_("electronic results"))
    digitised = models.IntegerField(default=0, verbose_name=_("digitised dossiers"))
    rated = models.IntegerField(default=0, verbose_name=_("ratings"))
    rated_satisfied = models.IntegerField(default=0, verbose_name=_("satisfied ratings"))

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


class IndicatorEntry(models.Model):
    """A 766 indicator the system cannot compute from its own data (national-portal sync,
    population database use …), entered by a province admin for a year and an agency (or the
    whole province, agency empty). Labelled as entered, with who and when (issue 11, item 5)."""

    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency"),
    )
    code = models.CharField(max_length=10, verbose_name=_("indicator"))
    # The rate the points come from, 0–100 (%), as the source system reported it.
    rate = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("rate (%)"))
    note = models.TextField(blank=True, verbose_name=_("source and note"))
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(verbose_name=_("entered at"))

    class Meta:
        verbose_name = _("entered index indicator")
        verbose_name_plural = _("entered index indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency", "code"],
                condition=models.Q(agency__isnull=False),
                name="indicator_entry_agency",
            ),
            models.UniqueConstraint(
                fields=["year", "code"],
                condition=models.Q(agency__isnull=True),
                name="indicator_entry_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.agency_id or '-'} {self.code}"


class ExportJob(models.Model):
    """A report export run as a background job: its progress and, when done, its file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    params = models.JSONField(default=dict, verbose_name=_("parameters"))
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    progress = models.PositiveIntegerField(default=0, verbose_name=_("progress"))
    total = models.PositiveIntegerField(default=0, verbose_name=_("total"))
    file_name = models.CharField(max_length=200, blank=True, verbose_name=_("file name"))
    file_path = models.CharField(max_length=500, blank=True, verbose_name=_("stored file"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_job_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class FlowRollup(models.Model):
    """The sums of `DailyFlow` rows over a calendar month or year (ADR 0028), kept equal to
    them by database triggers on `DailyFlow` (migration 0003): every insert, update or
    delete of a daily row appends its change as pending rows of its month and year in the
    same statement, whoever writes it (the hook, the rebuild, a past day gaining an online
    submission accepted later, overdue rows written ahead); a key may have several rows,
    every read sums them, and `rollups.rollups_compact` (a periodic job) merges them. The
    report sums whole years and months from here and only the loose days from `DailyFlow`.
    Same key and columns as `DailyFlow`, `period_start` the first day of the month or year;
    the histogram rows (duration ≠ 0) are summed over the channels (channel ""), and once
    more over the procedures (procedure_code "" too: the agency's histogram, for the reads
    that do not filter or group by procedure)."""

    class Span(models.TextChoices):
        MONTH = "month", _("month")
        YEAR = "year", _("year")

    span = models.CharField(max_length=5, choices=Span.choices, verbose_name=_("span"))
    # Appended by a trigger, not yet merged with the key's other rows (rollups_compact).
    pending = models.BooleanField(default=False, verbose_name=_("pending"))
    period_start = models.DateField(verbose_name=_("first day"))
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # written by the trigger; the daily row holds the real link
        verbose_name=_("deciding agency"),
    )
    procedure_code = models.CharField(max_length=40, verbose_name=_("procedure code"))
    channel = models.CharField(max_length=10, verbose_name=_("channel"))
    duration = models.SmallIntegerField(default=0, verbose_name=_("processing-time bucket"))
    received = models.BigIntegerField(default=0, verbose_name=_("received for resolution"))
    open_delta = models.BigIntegerField(default=0, verbose_name=_("change in progress"))
    overdue_delta = models.BigIntegerField(default=0, verbose_name=_("change overdue"))
    paused_delta = models.BigIntegerField(
        default=0, verbose_name=_("change waiting for supplements")
    )
    resolved_early = models.BigIntegerField(default=0, verbose_name=_("resolved early"))
    resolved_on_time = models.BigIntegerField(default=0, verbose_name=_("resolved on time"))
    resolved_late = models.BigIntegerField(default=0, verbose_name=_("resolved late"))
    refused = models.BigIntegerField(default=0, verbose_name=_("refused after review"))
    withdrawn = models.BigIntegerField(default=0, verbose_name=_("withdrawn"))
    cancelled = models.BigIntegerField(default=0, verbose_name=_("cancelled"))
    supplement_requests = models.BigIntegerField(default=0, verbose_name=_("supplement requests"))
    timed = models.BigIntegerField(default=0, verbose_name=_("dossiers timed"))
    elapsed_seconds = models.BigIntegerField(default=0, verbose_name=_("working seconds elapsed"))
    paused_seconds = models.BigIntegerField(default=0, verbose_name=_("working seconds paused"))
    regulated_seconds = models.BigIntegerField(
        default=0, verbose_name=_("regulated working seconds")
    )
    fee_due = models.BigIntegerField(default=0, verbose_name=_("received with a fee"))
    paid = models.BigIntegerField(default=0, verbose_name=_("fees paid"))
    paid_online = models.BigIntegerField(default=0, verbose_name=_("fees paid online"))
    e_results = models.BigIntegerField(default=0, verbose_name=_("electronic results"))
    digitised = models.BigIntegerField(default=0, verbose_name=_("digitised dossiers"))
    rated = models.BigIntegerField(default=0, verbose_name=_("ratings"))
    rated_satisfied = models.BigIntegerField(default=0, verbose_name=_("satisfied ratings"))

    class Meta:
        verbose_name = _("monthly and yearly report figures")
        verbose_name_plural = _("monthly and yearly report figures")
        indexes = [
            models.Index(fields=["agency", "span", "period_start"], name="flow_rollup_agency"),
            # The rows the triggers appended since the last compaction.
            models.Index(
                fields=["span"], condition=models.Q(pending=True), name="flow_rollup_pending"
            ),
            # The counts rows apart from the histogram's, for the province-wide sums.
            models.Index(
                fields=["span", "period_start"],
                condition=models.Q(duration=0),
                name="flow_rollup_counts",
            ),
            # The agencies' histograms (procedure_code ""), for the medians of wide reads.
            models.Index(
                fields=["span", "period_start"],
                condition=models.Q(procedure_code=""),
                name="flow_rollup_agency_hist",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.period_start} {self.agency_id} {self.procedure_code}"
