"""Public Python API of the reports app. Other apps import only this module and data.py."""

from motcua.dossiers.api import REPORT_BUCKETS
from motcua.reports.data import REPORT_ROLES, GroupBy, ResolutionReport, ResolutionRow
from motcua.reports.drilldown import resolution_dossiers
from motcua.reports.exports import period_label, resolution_xlsx
from motcua.reports.selectors import agencies_with_subagencies, resolution_report
from motcua.reports.services import facts_rebuild

__all__ = [
    "REPORT_ROLES",
    "REPORT_BUCKETS",
    "GroupBy",
    "ResolutionReport",
    "ResolutionRow",
    "agencies_with_subagencies",
    "facts_rebuild",
    "period_label",
    "resolution_dossiers",
    "resolution_report",
    "resolution_xlsx",
]
