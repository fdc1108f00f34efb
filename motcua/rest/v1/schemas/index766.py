"""Schemas of the 766 service index endpoint (`GET /api/v1/reports/index766`, v1/reports.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from motcua.rest.v1.schemas.reports import ReportAgencyRef, ReportPeriodOut


class IndexIndicatorOut(Schema):
    code: str = Field(description="The indicator's code, e.g. `2.1` (ADR 0030)")
    name: str = Field(description="Its name, in the request's language")
    group: int = Field(description="Its group, 1–6")
    max_points: float = Field(description="Points it is worth (0: tracked without points)")
    target: float | None = Field(
        description="Target rate in %: full points at or above it; None: points = rate × max"
    )
    rate: float | None = Field(
        description="Rate in % (0–100); None when nothing was there to count or not entered"
    )
    points: float
    numerator: float | None = Field(description="The figure over (computed ones)")
    denominator: float | None = Field(description="The figure under (computed ones)")
    formula: str = Field(description="How the rate is worked out, in words")
    source: Literal["computed", "entered", "missing"] = Field(
        description="computed from the system's data, entered by an admin, or missing"
    )
    unconfirmed: str = Field(
        description="What of this indicator's rule has no primary source yet (empty if none)"
    )
    entered_by: str | None = Field(description="Who entered it (entered ones)")
    entered_at: dt.datetime | None = Field(description="When it was entered (entered ones)")
    note: str = Field(description="The source and note typed with an entered one")
    drilldown: list[str] = Field(
        description="Report buckets (`GET /reports/resolution` figures) or `catalog` that list "
        "what is behind the rate"
    )


class IndexGroupOut(Schema):
    number: int
    name: str
    max_points: float
    points: float
    missing_points: float = Field(description="Points of its indicators without data")


class Index766Out(Schema):
    year: int
    period: ReportPeriodOut
    agency: ReportAgencyRef | None = Field(
        description="The agency asked for (with its sub-agencies); None: the whole province"
    )
    indicators: list[IndexIndicatorOut]
    groups: list[IndexGroupOut]
    total_points: float = Field(description="Out of `max_points` (100)")
    max_points: float
    missing_points: float = Field(
        description="Points the total cannot have for lack of data (not entered, nothing to count)"
    )
