from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    """4.50 → "4,5" (vi) / "4.5" (en); 5.00 → "5". Thousands grouped."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
