"""Template helpers of the desk: dates as dd/mm/yyyy HH:MM (Asia/Ho_Chi_Minh), dossier
references, deadline-state words, and form widgets with their ARIA attributes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import template
from django.forms import BoundField
from django.utils import formats
from django.utils.safestring import SafeString

from motcua.accounts.api import commune_name as accounts_commune_name
from motcua.calendar.api import calendar_year_provisional
from motcua.desk import presenters
from motcua.desk.forms.errors import anchor_id
from motcua.privacy.api import ApplicantView, applicant_view

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

register = template.Library()


@register.filter
def masked_applicant(dossier: Dossier) -> ApplicantView:
    """The dossier's applicant with every personal field masked: what every list shows
    (privacy.api.applicant_view, ADR 0036)."""
    return applicant_view(dossier, masked=True)


@register.filter
def grouped(value: int) -> str:
    """A whole number with the active language's thousands separator: 10.000 / 10,000."""
    return formats.number_format(value, force_grouping=True)


@register.filter
def vn_datetime(value: dt.datetime | None) -> str:
    """02/03/2026 09:00 (local time)."""
    return presenters.local_datetime(value)


@register.filter
def vn_long_datetime(value: dt.datetime | None) -> str:
    """9 giờ 00 phút, ngày 02/03/2026."""
    return presenters.long_datetime(value)


@register.filter
def dossier_ref(dossier: Dossier) -> str:
    return presenters.dossier_ref(dossier)


@register.filter
def commune_name(code: int | None) -> str:
    return accounts_commune_name(code)


@register.filter
def state_label(state: str) -> str:
    return str(presenters.STATE_LABELS.get(state or "", state))


@register.filter
def outcome_label(outcome: str) -> str:
    return str(presenters.OUTCOME_LABELS.get(outcome or "", "")) if outcome else ""


@register.filter
def status_label(status: str) -> str:
    return presenters.status_label(status)


@register.filter
def working_time(seconds: int | None) -> str:
    return presenters.working_time_words(seconds or 0)


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render the field's input with aria-describedby (hint, error) and aria-invalid."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs={k.replace("_", "-"): v for k, v in attrs.items()})


@register.filter
def anchor(field: BoundField) -> str:
    """The id an error-summary link should point to (the first radio of a group)."""
    return anchor_id(field)


@register.filter
def calendar_provisional(value: dt.datetime | dt.date | None) -> bool:
    """Whether the date falls in a year without the government's day-off decision loaded
    (its days off are the statutory ones only, so a deadline there may still move)."""
    if value is None:
        return False
    return calendar_year_provisional(year=value.year)
