"""The applicant's part of the desk's intake form, defined once: the fields, where a service's
errors on the applicant go (`APPLICANT_FIELD_MAP`) and the `ApplicantData` built from them
(`applicant()`) all follow the field groups below."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.api import province_communes
from motcua.dossiers.api import APPLICANT_MAX_LENGTHS as MAX_LENGTHS
from motcua.dossiers.data import ApplicantData

from .fields import DATE_FORMATS, choice_field

#: The fields of a person, of an organisation, and of both (how to reach them). Only the
#: fields of the chosen kind are passed on.
PERSON_FIELDS = ("full_name", "id_number", "date_of_birth")
ORGANISATION_FIELDS = ("name", "tax_code", "representative")
CONTACT_FIELDS = ("phone", "email", "address", "commune")

#: The `ApplicantData` attribute (and the service's error key `applicant.<attribute>`) of a
#: field, where its name differs from the field's.
ATTRIBUTES = {"commune": "commune_code"}


class ApplicantFields(forms.Form):
    """The applicant: a person or an organisation, and how to reach them. A form that asks
    for an applicant inherits these fields (they come first, in this order)."""

    kind = forms.ChoiceField(
        label=_("The applicant is"),
        choices=[("person", _("A person")), ("organisation", _("An organisation"))],
        widget=forms.RadioSelect,
        initial="person",
        error_messages={
            "required": _("Choose whether the applicant is a person or an organisation.")
        },
    )
    full_name = forms.CharField(
        label=_("Full name"), required=False, max_length=MAX_LENGTHS["full_name"]
    )
    id_number = forms.CharField(
        label=_("Personal ID number"),
        required=False,
        max_length=20,
        help_text=_("12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 17/05/1995.")},
    )
    name = forms.CharField(
        label=_("Name of the organisation"), required=False, max_length=MAX_LENGTHS["name"]
    )
    tax_code = forms.CharField(
        label=_("Tax code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative = forms.CharField(
        label=_("Representative"), required=False, max_length=MAX_LENGTHS["representative"]
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=MAX_LENGTHS["email"],
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=MAX_LENGTHS["address"])
    commune = forms.TypedChoiceField(
        label=_("Commune or ward"), required=False, coerce=int, empty_value=None
    )

    #: Where the service's errors on the applicant go: `applicant.<attribute>` → field.
    APPLICANT_FIELD_MAP: ClassVar[dict[str, str]] = {
        f"applicant.{ATTRIBUTES.get(name, name)}": name
        for name in ("kind", *PERSON_FIELDS, *ORGANISATION_FIELDS, *CONTACT_FIELDS)
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "commune").choices = [("", _("— choose —"))] + [
            (str(code), name) for code, name in province_communes()
        ]

    def applicant(self) -> ApplicantData:
        """The applicant as typed; only the fields of the chosen kind are passed on (an empty
        text is "", an empty date or commune None)."""
        c = self.cleaned_data
        kind = "organisation" if c.get("kind") == "organisation" else "person"
        own = ORGANISATION_FIELDS if kind == "organisation" else PERSON_FIELDS
        values: dict[str, Any] = {}
        for name in (*own, *CONTACT_FIELDS):
            value = c.get(name)
            if isinstance(self.fields[name], forms.CharField):
                value = value or ""
            values[ATTRIBUTES.get(name, name)] = value
        return ApplicantData(kind=kind, **values)
