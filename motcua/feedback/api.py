"""Public Python API of the feedback app. Other apps import only this module."""

from motcua.feedback.criteria import FACTORS, Factor, min_count_shown, rating_scale, satisfied_min
from motcua.feedback.selectors import (
    FactorSummary,
    RatingState,
    SatisfactionSummary,
    rating_open_for_code,
    rating_state,
    satisfaction_summary,
)
from motcua.feedback.services import rating_submit

__all__ = [
    "FACTORS",
    "Factor",
    "FactorSummary",
    "RatingState",
    "SatisfactionSummary",
    "min_count_shown",
    "rating_open_for_code",
    "rating_scale",
    "rating_state",
    "rating_submit",
    "satisfaction_summary",
    "satisfied_min",
]
