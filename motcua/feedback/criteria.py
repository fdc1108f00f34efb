"""The official criteria of a satisfaction rating (domain.md §8, SIPAS of the Ministry of Home
Affairs) and the answer scale.

The five SIPAS factors are confirmed; the 5-point scale (1 very dissatisfied … 5 very
satisfied) and "satisfied = 4 or 5" are UNCONFIRMED for the online form: both are settings
(MOTCUA_RATING_SCALE, MOTCUA_RATING_SATISFIED_MIN)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Factor:
    key: str  # the Rating column is score_<key>
    label: Any  # lazy translation
    required: bool = True


#: SIPAS: (1) Tiếp cận dịch vụ; (2) Thủ tục hành chính; (3) Công chức trực tiếp giải quyết
#: công việc; (4) Kết quả dịch vụ; (5) Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị. The fifth
#: may be left unanswered (most applicants made no complaint).
FACTORS: tuple[Factor, ...] = (
    Factor("access", _("Access to the service")),
    Factor("procedure", _("The administrative procedure")),
    Factor("staff", _("The officers who handled your dossier")),
    Factor("result", _("The result of the service")),
    Factor("complaints", _("Handling of comments, complaints and proposals"), required=False),
)
FACTOR_KEYS = tuple(f.key for f in FACTORS)

DEFAULT_SCALE: tuple[tuple[int, Any], ...] = (
    (1, _("Very dissatisfied")),
    (2, _("Dissatisfied")),
    (3, _("Neither satisfied nor dissatisfied")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
)


def rating_scale() -> tuple[tuple[int, Any], ...]:
    """The answers offered for each factor, lowest first (MOTCUA_RATING_SCALE)."""
    configured = getattr(settings, "MOTCUA_RATING_SCALE", None)
    if not configured:
        return DEFAULT_SCALE
    return tuple((int(v), label) for v, label in configured)


def satisfied_min() -> int:
    """The lowest answer that counts as satisfied (MOTCUA_RATING_SATISFIED_MIN, default 4)."""
    return int(getattr(settings, "MOTCUA_RATING_SATISFIED_MIN", 4))


def min_count_shown() -> int:
    """Below this many ratings, an agency's month is not shown (MOTCUA_RATING_MIN_COUNT):
    with two or three ratings an officer could guess who said what."""
    return int(getattr(settings, "MOTCUA_RATING_MIN_COUNT", 5))


def rating_satisfied(scores: Mapping[str, int | None]) -> bool:
    """Whether one rating counts as satisfied (the rate of satisfied applicants, the 766
    index's satisfaction): every factor answered is at least `satisfied_min()` (no factor
    answered below it; the optional factor 5 left unanswered does not count against it).
    UNCONFIRMED: the national portal asks one overall question; this reads "satisfied
    overall" as "satisfied on every factor answered". `scores`: factor key → answer."""
    threshold = satisfied_min()
    return all(value >= threshold for value in scores.values() if value is not None)
