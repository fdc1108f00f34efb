"""Public Python API of the feedback app. Other apps import only this module."""

from motcua.feedback.criteria import (
    FACTORS,
    Factor,
    min_count_shown,
    rating_satisfied,
    rating_scale,
    satisfied_min,
)
from motcua.feedback.selectors import (
    FactorSummary,
    RatingState,
    SatisfactionSummary,
    rating_annotations,
    rating_counts,
    rating_open_for_code,
    rating_open_read,
    rating_scores,
    rating_state,
    satisfaction_summary,
)
from motcua.feedback.services import rating_hook_add, rating_hook_remove, rating_submit

__all__ = [
    "FACTORS",
    "Factor",
    "FactorSummary",
    "RatingState",
    "SatisfactionSummary",
    "min_count_shown",
    "rating_counts",
    "rating_hook_add",
    "rating_hook_remove",
    "rating_annotations",
    "rating_open_for_code",
    "rating_open_read",
    "rating_satisfied",
    "rating_scores",
    "rating_scale",
    "rating_state",
    "rating_submit",
    "satisfaction_summary",
    "satisfied_min",
]
