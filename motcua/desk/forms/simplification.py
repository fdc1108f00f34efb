"""The forms of the simplification pages: a plan's name and its items (a formset, no script
needed: empty rows are skipped). They only parse input; the rules are in
motcua.simplification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.simplification.api import CHANGE_CHOICES
from motcua.simplification.data import ItemInput

EXTRA_ROWS = 3


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name of the plan"), max_length=255)


class ItemForm(forms.Form):
    procedure = forms.CharField(label=_("Procedure code"), max_length=40, required=False)
    change = forms.ChoiceField(
        label=_("Change"), choices=[("", "—"), *CHANGE_CHOICES], required=False
    )
    processing_working_days = forms.DecimalField(
        label=_("New processing time (working days)"),
        required=False,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
    )
    documents = forms.CharField(
        label=_("Documents dropped (positions, e.g. 2, 3)"), max_length=200, required=False
    )
    fee_vnd = forms.IntegerField(
        label=_("New fee (VND)"), required=False, min_value=0, max_value=10**12
    )
    dossiers_per_year = forms.IntegerField(
        label=_("Dossiers a year (leave empty to use the statistics)"),
        required=False,
        min_value=0,
        max_value=100_000_000,
    )

    def clean_documents(self) -> tuple[int, ...]:
        raw = self.cleaned_data.get("documents") or ""
        out = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 1000:
                raise forms.ValidationError(_("Give document positions as numbers: 2, 3."))
            out.append(int(part))
        return tuple(out)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("procedure") and not data.get("change"):
            self.add_error("change", _("Choose the change."))
        if data.get("change") and not data.get("procedure"):
            self.add_error("procedure", _("Give the procedure code."))
        return data

    def item(self) -> ItemInput | None:
        data = self.cleaned_data
        if not data.get("procedure"):
            return None
        return ItemInput(
            procedure=data["procedure"].strip(),
            change=data["change"],
            processing_working_days=data.get("processing_working_days"),
            documents=data.get("documents") or (),
            fee_vnd=data.get("fee_vnd"),
            dossiers_per_year=data.get("dossiers_per_year"),
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=EXTRA_ROWS, max_num=200, absolute_max=200)


class CostForm(forms.Form):
    code = forms.CharField(label=_("Procedure code"), max_length=40)


def _hours(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal(0), max_digits=6, decimal_places=2
    )


class CostInputsForm(forms.Form):
    """What the catalog does not say about a procedure's cost; one hours field per document
    (`doc_<position>`), added for the version shown."""

    visits = forms.IntegerField(label=_("Visits to the desk"), min_value=0, max_value=50)
    hours_per_visit = _hours(_("Hours per visit"))
    travel_hours_per_visit = _hours(_("Travel hours per visit"))
    out_of_pocket_vnd = forms.IntegerField(
        label=_("Out-of-pocket costs per dossier (VND)"), min_value=0, max_value=10**12
    )
    default_document_hours = _hours(_("Hours per document (when not given for the document)"))
    dossiers_per_year = forms.IntegerField(
        label=_("Dossiers a year (used when the statistics have none)"),
        required=False,
        min_value=0,
        max_value=100_000_000,
    )
    estimated = forms.BooleanField(label=_("These figures are estimates"), required=False)
    note = forms.CharField(
        label=_("Where the figures come from"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for position, name in documents:
            self.fields[f"doc_{position}"] = _hours(
                _("Hours: %(document)s") % {"document": name},
                required=False,
            )

    def document_hours(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("doc_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("doc_") and value is not None
        }
