"""Errors on the desk's forms: a service's field errors put beside the fields, and the
anchors of the error summary's links."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from motcua.core.errors import ApplicationError


def anchor_id(field: forms.BoundField) -> str:
    """The id an error-summary link points to (the first radio of a group)."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


def apply_domain_errors(
    form: forms.Form, exc: ApplicationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Put a service's field errors on the form's fields (others become form errors)."""
    field_map = field_map or {}
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    placed = False
    for key, messages in exc.field_errors.items():
        name = field_map.get(key)
        if name is None and "[" in key:  # "documents[2]": the second uploaded file
            name = field_map.get(key.split("[", 1)[0] + "[]")
        name = name or key
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def merge_domain_errors(
    form: forms.Form, errors: Mapping[str, list[str]], field_map: Mapping[str, str]
) -> None:
    """Put a service's problems beside the fields the form's own parsing found nothing wrong
    with (one pass: the officer sees every problem at once, not batch after batch)."""
    already = {name for name in form.fields if name in form.errors}
    shown = {str(e) for e in form.non_field_errors()}
    for key, messages in errors.items():
        name = field_map.get(key)
        if name is None and "[" in key:  # "documents[2]": the second file
            name = field_map.get(key.split("[", 1)[0] + "[]")
        name = name or key
        target = name if name in form.fields else None
        if target in already:
            continue
        for message in messages:
            if target is None and message in shown:
                continue
            form.add_error(target, message)
