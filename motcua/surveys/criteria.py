"""The SIPAS factors, the answer scales, the default questions and the index settings of
satisfaction surveys (domain.md §8; ADR 0041).

Confirmed: the five factors and the three kinds of question per factor (perception,
satisfaction, expectation); the index is the share of respondents satisfied or very satisfied
per criterion, averaged per factor, then over the five factors.

UNCONFIRMED, hence settings: the 5-point scale and "satisfied = 4 or 5"
(MOTCUA_SURVEY_SATISFIED_MIN, default 4); equal weights of the five factors
(MOTCUA_SURVEY_FACTOR_WEIGHTS, five numbers, default 1 each); that only satisfaction
questions make the index (MOTCUA_SURVEY_INDEX_KINDS, default ("satisfaction",))."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FACTORS: tuple[tuple[int, Any], ...] = (
    (1, _("Access to the service")),
    (2, _("The administrative procedure")),
    (3, _("The officers who handled the work")),
    (4, _("The result of the service")),
    (5, _("Receiving and handling comments, complaints and proposals")),
)
FACTOR_LABELS = dict(FACTORS)

SCALES: dict[str, tuple[tuple[int, Any], ...]] = {
    "perception": (
        (1, _("Strongly disagree")),
        (2, _("Disagree")),
        (3, _("Neither agree nor disagree")),
        (4, _("Agree")),
        (5, _("Strongly agree")),
    ),
    "satisfaction": (
        (1, _("Very dissatisfied")),
        (2, _("Dissatisfied")),
        (3, _("Neither satisfied nor dissatisfied")),
        (4, _("Satisfied")),
        (5, _("Very satisfied")),
    ),
    "expectation": (
        (1, _("No improvement needed")),
        (2, _("A little improvement")),
        (3, _("Some improvement")),
        (4, _("Much improvement")),
        (5, _("Improvement needed most")),
    ),
}
SCALE_VALUES = frozenset(range(1, 6))

#: The default question set: factor → (perception, satisfaction, expectation), in Vietnamese
#: (stored as the campaign's own text; the editor may change it before the campaign opens).
DEFAULT_QUESTIONS: dict[int, tuple[str, str, str]] = {
    1: (
        "Nơi tiếp nhận hồ sơ dễ tìm, có đủ chỗ ngồi, trang thiết bị và thông tin hướng dẫn.",
        "Ông/Bà hài lòng như thế nào về việc tiếp cận dịch vụ?",
        "Ông/Bà mong muốn việc tiếp cận dịch vụ được cải thiện ở mức nào?",
    ),
    2: (
        "Thủ tục hành chính được niêm yết công khai, đầy đủ; thành phần hồ sơ, phí, lệ phí "
        "và thời hạn giải quyết đúng quy định.",
        "Ông/Bà hài lòng như thế nào về thủ tục hành chính?",
        "Ông/Bà mong muốn thủ tục hành chính được đơn giản hóa ở mức nào?",
    ),
    3: (
        "Công chức có thái độ lịch sự, hướng dẫn tận tình, đầy đủ, dễ hiểu và tuân thủ "
        "đúng quy định.",
        "Ông/Bà hài lòng như thế nào về công chức trực tiếp giải quyết công việc?",
        "Ông/Bà mong muốn thái độ, năng lực của công chức được cải thiện ở mức nào?",
    ),
    4: (
        "Kết quả giải quyết đúng quy định, thông tin đầy đủ, chính xác và được trả đúng hẹn.",
        "Ông/Bà hài lòng như thế nào về kết quả dịch vụ?",
        "Ông/Bà mong muốn thời gian trả kết quả được rút ngắn ở mức nào?",
    ),
    5: (
        "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị và xử lý, "
        "trả lời kịp thời.",
        "Ông/Bà hài lòng như thế nào về việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị?",
        "Ông/Bà mong muốn việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị được cải thiện "
        "ở mức nào?",
    ),
}
KINDS = ("perception", "satisfaction", "expectation")


def satisfied_min() -> int:
    """The lowest answer counted as satisfied (MOTCUA_SURVEY_SATISFIED_MIN, default 4)."""
    return int(getattr(settings, "MOTCUA_SURVEY_SATISFIED_MIN", 4))


def factor_weights() -> dict[int, float]:
    """Weight of each factor in the index (MOTCUA_SURVEY_FACTOR_WEIGHTS: five numbers,
    default equal). UNCONFIRMED."""
    raw = getattr(settings, "MOTCUA_SURVEY_FACTOR_WEIGHTS", None) or (1, 1, 1, 1, 1)
    weights = [float(w) for w in raw]
    if len(weights) != 5 or any(w < 0 for w in weights) or not any(weights):
        raise ValueError("MOTCUA_SURVEY_FACTOR_WEIGHTS: five non-negative numbers, not all 0")
    return {factor: weights[factor - 1] for factor, _label in FACTORS}


def index_kinds() -> tuple[str, ...]:
    """The kinds of question whose answers make the index (MOTCUA_SURVEY_INDEX_KINDS)."""
    return tuple(getattr(settings, "MOTCUA_SURVEY_INDEX_KINDS", None) or ("satisfaction",))


def weights_are_default() -> bool:
    weights = set(factor_weights().values())
    return len(weights) == 1
