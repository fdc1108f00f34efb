"""Public Python API of the reports app. Other apps import only this module and data.py."""

from motcua.reports.data import GroupBy, ResolutionReport, ResolutionRow
from motcua.reports.selectors import agencies_with_subagencies, resolution_report
from motcua.reports.services import facts_rebuild

__all__ = [
    "GroupBy",
    "ResolutionReport",
    "ResolutionRow",
    "agencies_with_subagencies",
    "facts_rebuild",
    "resolution_report",
]
