"""Public Python API of the reports app. Other apps import only this module and data.py."""

import datetime as dt
from typing import Any

from motcua.dossiers.api import REPORT_BUCKETS
from motcua.reports.charts import (
    Chart,
    Series,
    bar_chart,
    fmt_days,
    fmt_number,
    fmt_percent,
    line_chart,
)
from motcua.reports.data import REPORT_ROLES, GroupBy, ResolutionReport, ResolutionRow
from motcua.reports.drilldown import resolution_dossiers
from motcua.reports.export_jobs import (
    CONTENT_TYPES as EXPORT_CONTENT_TYPES,
)
from motcua.reports.export_jobs import (
    ExportFile,
    access_export_job,
    export_is_large,
    export_job_create,
    export_job_file,
    export_jobs_for,
    export_jobs_running,
    resolution_export_render,
)
from motcua.reports.index766 import IndexScope, index_points, index_scope, service_index
from motcua.reports.indicators import (
    indicator_entry_allowed,
    indicator_entry_delete,
    indicator_entry_may_enter,
    indicator_entry_save,
)
from motcua.reports.selectors import (
    agencies_with_subagencies,
    resolution_by_month,
    resolution_report,
)
from motcua.reports.services import facts_rebuild
from motcua.reports.trends import (
    RATE_LABELS,
    RATES,
    Headline,
    MonthRates,
    headline,
    month_label,
    month_outcome_chart,
    outcome_chart,
    rate_trends,
    ratio,
    times_sentence,
    trend_chart,
)


# The exports (openpyxl) are imported by the first export, not by every web worker that
# imports this API (docs/adr/0043): these forward to motcua.reports.exports.
def period_label(*, date_from: dt.date, date_to: dt.date) -> str:
    from motcua.reports.exports import period_label as label

    return label(date_from=date_from, date_to=date_to)


def resolution_pdf(**kwargs: Any) -> bytes:
    from motcua.reports.exports import resolution_pdf as render

    return render(**kwargs)


def resolution_xlsx(**kwargs: Any) -> bytes:
    from motcua.reports.exports import resolution_xlsx as render

    return render(**kwargs)


__all__ = [
    "IndexScope",
    "index_points",
    "index_scope",
    "indicator_entry_allowed",
    "indicator_entry_delete",
    "indicator_entry_may_enter",
    "indicator_entry_save",
    "service_index",
    "RATES",
    "RATE_LABELS",
    "Chart",
    "Headline",
    "MonthRates",
    "Series",
    "bar_chart",
    "fmt_days",
    "fmt_number",
    "fmt_percent",
    "headline",
    "line_chart",
    "month_label",
    "month_outcome_chart",
    "outcome_chart",
    "rate_trends",
    "ratio",
    "times_sentence",
    "trend_chart",
    "REPORT_ROLES",
    "REPORT_BUCKETS",
    "GroupBy",
    "ResolutionReport",
    "ResolutionRow",
    "agencies_with_subagencies",
    "facts_rebuild",
    "period_label",
    "resolution_by_month",
    "resolution_dossiers",
    "resolution_report",
    "resolution_xlsx",
    "resolution_pdf",
    "EXPORT_CONTENT_TYPES",
    "ExportFile",
    "access_export_job",
    "export_is_large",
    "export_job_create",
    "export_job_file",
    "export_jobs_for",
    "export_jobs_running",
    "resolution_export_render",
]
