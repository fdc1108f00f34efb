"""The forms of the 766 index pages: which index to show (a year and an agency among the
person's) and the entry of an indicator the system cannot compute. They only parse input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.reports.data import INDEX766_FIRST_YEAR

if TYPE_CHECKING:
    from motcua.accounts.models import Agency

#: How many years the year chooser offers (this one and those before it).
YEARS_SHOWN = 6


class IndexForm(forms.Form):
    """The index asked for, read from the query string (?year=…&agency=…)."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed years.")},
    )
    agency = forms.ChoiceField(
        label=_("Agency"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your agencies.")},
    )

    def __init__(
        self,
        data: Any,
        *,
        agencies: Sequence[Agency],
        province_wide: bool,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(today.year)
        if not province_wide and not data.get("agency") and agencies:
            data["agency"] = agencies[0].code
        super().__init__(data, **kwargs)
        first = max(INDEX766_FIRST_YEAR, today.year - YEARS_SHOWN + 1)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [(str(y), str(y)) for y in range(today.year, first - 1, -1)]
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        whole = [("", _("The whole province"))] if province_wide else []
        field.choices = [*whole, *((a.code, f"{a.code} — {a.name}") for a in agencies)]


class IndicatorEntryForm(forms.Form):
    """The rate of an entered indicator, as the source system reported it, and a note."""

    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        localize=True,
        help_text=_("A number from 0 to 100, e.g. 87,5."),
        error_messages={
            "required": _("Enter the rate."),
            "invalid": _("Enter a number, for example 87.5."),
            "min_value": _("Enter a number from 0 to 100."),
            "max_value": _("Enter a number from 0 to 100."),
            "max_decimal_places": _("Use at most 2 decimal places."),
            "max_digits": _("Enter a number from 0 to 100."),
            "max_whole_digits": _("Enter a number from 0 to 100."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8, "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Source and note"),
        required=False,
        max_length=2000,
        help_text=_("Where the figure comes from, e.g. the national portal's report of 05/01."),
        error_messages={"max_length": _("Use at most 2000 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
