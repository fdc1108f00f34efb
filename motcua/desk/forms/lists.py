"""The forms of the lists: the worklist's filters and the search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import choice_field


class WorklistFilterForm(forms.Form):
    han = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("All")),
            ("overdue", _("Overdue")),
            ("near_due", _("Due soon")),
            ("ok", _("In time")),
        ],
    )
    giao = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[
            ("", _("Mine and my roles' queues")),
            ("mine", _("Assigned to me")),
            ("queue", _("Waiting in a queue")),
        ],
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, applicant name, ID number or tax code"), required=False, max_length=200
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("1", _("Overdue only")), ("0", _("Not overdue"))],
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = [("", _("All statuses")), *statuses]
