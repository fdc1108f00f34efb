"""The form asking why someone who does not handle a dossier needs its personal data, and the
filters of the view log. The rules (which reasons, when an explanation is needed) are the
privacy app's (`privacy.api.personal_data_reveal_check`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.privacy.api import REASON_CHOICES, REVEAL_REASONS

_REVEAL_VALUES = {r.value for r in REVEAL_REASONS}


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need to see the personal data?"),
        choices=[
            ("", _("Choose a reason")),
            *[c for c in REASON_CHOICES if c[0] in _REVEAL_VALUES],
        ],
        required=False,
    )
    note = forms.CharField(
        label=_("Explanation (required for another reason)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ViewLogFilterForm(forms.Form):
    ho_so = forms.CharField(label=_("Dossier code"), required=False, max_length=64)
    can_bo = forms.CharField(label=_("Officer (user name)"), required=False, max_length=150)
