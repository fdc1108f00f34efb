"""The form of the official report's page: a period (a preset or any dates), an agency among
the person's, and the grouping of the rows. It only parses and checks the input."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import DATE_FORMATS

if TYPE_CHECKING:
    from motcua.accounts.models import Agency

#: The longest period a report may cover.
MAX_YEARS = 5
#: The dates a report may name at all.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

PERIODS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("half_year", _("These 6 months (this half-year)")),
    ("this_year", _("This year")),
    ("last_year", _("Last year")),
]
GROUPS = [
    ("agency", _("Deciding agency")),
    ("field", _("Field")),
    ("procedure", _("Procedure")),
    ("level", _("Level")),
]
DEFAULT_PERIOD = "this_month"
#: The names of the dates in the query string (?from=…&to=…).
FROM, TO = "from", "to"


def period_dates(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of a preset: the current month, quarter, half-year or year up to today, or
    the whole previous month or year."""
    month = today.replace(day=1)
    if period == "last_month":
        end = month - dt.timedelta(days=1)
        return end.replace(day=1), end
    if period == "this_quarter":
        return month.replace(month=3 * ((today.month - 1) // 3) + 1), today
    if period == "half_year":
        return month.replace(month=1 if today.month <= 6 else 7), today
    if period == "this_year":
        return month.replace(month=1), today
    if period == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return month, today


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclasses.dataclass(frozen=True)
class ReportQuery:
    """What the form says to report on."""

    date_from: dt.date
    date_to: dt.date
    period: str  # the preset used, "" for typed dates
    agency: str  # an agency code among the person's, "" for all of them
    group_by: str


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, for example 31/12/2026.")},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "size": 11},
        ),
    )


class ReportForm(forms.Form):
    """The report's filters, read from the query string. The dates win over the preset when
    either is typed; with neither, the preset (this month by default) gives the period."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("The dates below")), *PERIODS],
        error_messages={"invalid_choice": _("Choose one of the listed options.")},
    )
    date_from = _date_field(_("From (dd/mm/yyyy)"))
    date_to = _date_field(_("To (dd/mm/yyyy)"))
    agency = forms.ChoiceField(
        label=_("Agency"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your agencies.")},
    )
    group_by = forms.ChoiceField(
        label=_("Rows by"),
        required=False,
        choices=GROUPS,
        error_messages={"invalid_choice": _("Choose one of the listed options.")},
    )

    def __init__(
        self, data: Any, *, agencies: Sequence[Agency], today: dt.date, **kwargs: Any
    ) -> None:
        # What the period's select shows: the preset in use, "the dates below" once dates are
        # typed (they win), this month when nothing is asked.
        data = data.copy() if data is not None else {}
        if data.get(FROM) or data.get(TO):
            data["period"] = ""
        elif not data.get("period"):
            data["period"] = DEFAULT_PERIOD
        super().__init__(data, **kwargs)
        self.today = today
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All my agencies")), *((a.code, a.name) for a in agencies)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get(FROM), data.get(TO)
        for name, day in ((FROM, start), (TO, end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a date between 01/01/2000 and 31/12/2099."))
        if self.errors:
            return data
        if start is None and end is None:
            data["period"] = data.get("period") or DEFAULT_PERIOD
            start, end = period_dates(data["period"], self.today)
        else:
            data["period"] = ""
            if start is None:
                self.add_error(FROM, _("Enter the start date too."))
                return data
            end = end or self.today
            if end < start:
                self.add_error(TO, _("The end date is before the start date."))
                return data
            if end >= _years_later(start, MAX_YEARS):
                self.add_error(TO, _("A report covers at most 5 years."))
                return data
        data[FROM], data[TO] = start, end
        return data

    def query(self) -> ReportQuery:
        """The report asked for (the form is valid)."""
        data = self.cleaned_data
        return ReportQuery(
            date_from=data[FROM],
            date_to=data[TO],
            period=data["period"],
            agency=data.get("agency") or "",
            group_by=data.get("group_by") or "agency",
        )


# The query string says from and to (?from=…&to=…), which Python cannot name a field.
ReportForm.base_fields = {
    {"date_from": FROM, "date_to": TO}.get(k, k): v for k, v in ReportForm.base_fields.items()
}
