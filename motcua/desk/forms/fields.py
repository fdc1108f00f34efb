"""Fields, widgets and small helpers shared by the desk's forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile

from motcua.dossiers.data import UploadedFile

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
PDF_ACCEPT = ".pdf,application/pdf"
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%H"]


def to_upload(f: DjangoUploadedFile | None) -> UploadedFile | None:
    if f is None:
        return None
    return UploadedFile(name=f.name or "file", content=f.read())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (returns a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name` (to fill its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


class OpenChoiceField(forms.TypedChoiceField):
    """A select whose choices only help: any value goes to the service, which decides."""

    def valid_value(self, value: Any) -> bool:
        return True


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 40})


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def hours_field(label: _StrOrPromise) -> forms.DecimalField:
    """A number of working hours (a consultation's or a transfer's time), typed the
    Vietnamese way (decimal comma)."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-count"}),
    )
