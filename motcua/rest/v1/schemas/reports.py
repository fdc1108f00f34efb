"""Schemas of the report endpoints (`v1/reports.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

ReportGroupBy = Literal["agency", "field", "procedure", "level"]


class ReportPeriodOut(Schema):
    date_from: dt.date = Field(alias="from", description="First day (province time).")
    date_to: dt.date = Field(alias="to", description="Last day, inclusive.")


class ReportAgencyRef(Schema):
    code: str
    name: str


class ResolutionFiguresOut(Schema):
    """The figures of Biểu 06/VPCP/KSTT (columns 3–13), the extra columns, times and rates."""

    received_total: int = Field(description="(3) = (4) + (5) + (6) = (7) + (11)")
    received_online: int = Field(description="(4) received in the period online")
    received_direct: int = Field(description="(5) received in the period at the desk or by post")
    received_carried_over: int = Field(description="(6) in progress at the period's start")
    resolved_total: int = Field(description="(7) = (8) + (9) + (10)")
    resolved_early: int = Field(description="(8) before the deadline")
    resolved_on_time: int = Field(description="(9) on time (withdrawn and cancelled included)")
    resolved_late: int = Field(description="(10) late")
    in_progress_total: int = Field(description="(11) = (12) + (13), at the period's end")
    in_progress_not_due: int = Field(
        description="(12) not yet due (waiting for a supplement included)"
    )
    in_progress_overdue: int = Field(description="(13) overdue")
    withdrawn: int = Field(description="Of (9): withdrawn by the applicant")
    cancelled: int = Field(description="Of (9): processing stopped")
    refused: int = Field(description="Of (7): refused after review")
    waiting_supplement: int = Field(description="Of (12): waiting for a supplement")
    supplement_requests: int = Field(description="Supplement requests made in the period")
    timed: int = Field(description="Results (approved or refused) the times are computed over")
    avg_processing_working_days: float | None = Field(
        description="Average processing time, working days, paused time included"
    )
    avg_processing_working_days_without_pauses: float | None
    median_processing_working_days: float | None = Field(
        description="Lower median, to half a working day"
    )
    median_processing_working_days_without_pauses: float | None
    regulated_working_days: float | None = Field(
        description="Average regulated time of the same dossiers, working days"
    )
    on_time_rate: float | None = Field(description="((8) + (9)) / (7), 0–1")
    online_rate: float | None = Field(description="(4) / ((4) + (5)), 0–1")


class ResolutionRowOut(ResolutionFiguresOut):
    key: str = Field(
        description="Agency code (e-ID), field code, procedure code or agency kind (level)"
    )
    label: str = Field(description="Agency name, field name, procedure name or level name")


class ResolutionReportOut(Schema):
    period: ReportPeriodOut
    group_by: ReportGroupBy
    agency: ReportAgencyRef | None = Field(
        description="The agency asked for (with its sub-agencies)"
    )
    procedure: str | None
    rows: list[ResolutionRowOut]
    total: ResolutionFiguresOut
