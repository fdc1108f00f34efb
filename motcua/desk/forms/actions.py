"""The forms of the actions on a dossier (forward, consult, approve, return the result…), one
per action in `ACTION_FORMS`. `payload()` is what `dossier_act` receives."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.api import agencies_in_force, role_holders
from motcua.dossiers.api import earlier_main_steps, next_main_step, step_context

from .fields import (
    DATE_FORMATS,
    PDF_ACCEPT,
    TIME_FORMATS,
    UPLOAD_ACCEPT,
    OpenChoiceField,
    OpenMultipleChoiceField,
    choice_field,
    hours_field,
    lines,
    textarea,
    to_upload,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier


class ActionForm(forms.Form):
    """One action on a dossier. `payload()` is what `dossier_act` receives."""

    action: ClassVar[str] = ""
    multipart: ClassVar[bool] = False
    field_map: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user
        self.setup()

    def setup(self) -> None:
        """Fill the choices that depend on the dossier."""

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=textarea())
    field_map: ClassVar[dict[str, str]] = {"note": "reason"}


class AcceptForm(ActionForm):
    action = "accept"


class TakeForm(ActionForm):
    action = "take"


class RequestCompletionForm(ActionForm):
    action = "request_completion"
    missing = forms.CharField(
        label=_("What is missing (one per line)"), required=False, widget=textarea()
    )
    note = forms.CharField(label=_("Note for the applicant"), required=False, widget=textarea(2))

    def payload(self) -> dict[str, Any]:
        return {
            "missing": lines(self.cleaned_data.get("missing") or ""),
            "note": self.cleaned_data.get("note") or "",
        }


class RefuseForm(ReasonForm):
    action = "refuse"


class ForwardForm(ActionForm):
    action = "forward"
    to_user = OpenChoiceField(label=_("Send to"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))

    def setup(self) -> None:
        nxt = next_main_step(dossier=self.dossier)
        self.next_step = nxt
        choices: list[tuple[str, Any]] = []
        if nxt is not None:
            choices.append(("", _("Anyone in the queue of “%(step)s”") % {"step": nxt.title}))
            choices += [
                (str(u.pk), str(u)) for u in role_holders(role=nxt.role, agency_id=nxt.agency_id)
            ]
            self.fields["to_user"].help_text = _("Next step: %(step)s — %(agency)s") % {
                "step": nxt.title,
                "agency": nxt.agency.name,
            }
        else:
            choices.append(("", _("— no next step —")))
        choice_field(self, "to_user").choices = choices


class SendBackForm(ActionForm):
    action = "send_back"
    to_position = OpenChoiceField(
        label=_("Send back to"), required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=textarea())
    field_map: ClassVar[dict[str, str]] = {"note": "reason"}

    def setup(self) -> None:
        choice_field(self, "to_position").choices = [("", _("— choose a step —"))] + [
            (str(s.position), f"{s.position}. {s.title} — {s.agency.name}")
            for s in earlier_main_steps(dossier=self.dossier)
        ]


class ConsultForm(ActionForm):
    action = "consult"
    agencies = OpenMultipleChoiceField(
        label=_("Agencies to consult"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    question = forms.CharField(label=_("Question"), required=False, widget=textarea())
    budget_hours = hours_field(_("Time to answer (working hours)"))

    def setup(self) -> None:
        choice_field(self, "agencies").choices = [
            (a.code, a.name) for a in agencies_in_force() if a.pk != self._own_agency()
        ]

    def _own_agency(self) -> int | None:
        main = step_context(self.dossier).main
        return main.agency_id if main else None

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "agencies": list(c.get("agencies") or []),
            "question": c.get("question") or "",
            "budget_hours": str(c["budget_hours"]) if c.get("budget_hours") is not None else "",
        }


class AnswerConsultationForm(ActionForm):
    action = "answer_consultation"
    consultation_id = OpenChoiceField(
        label=_("Consultation"), required=False, coerce=int, empty_value=None
    )
    answer = forms.CharField(label=_("Your agency's answer"), required=False, widget=textarea())

    def setup(self) -> None:
        consultations = step_context(self.dossier).consultations
        choice_field(self, "consultation_id").choices = [
            (str(c.pk), f"{c.title} — {c.note}"[:200]) for c in consultations
        ]
        if len(consultations) <= 1:
            self.fields["consultation_id"].widget = forms.HiddenInput()
            if consultations:
                self.fields["consultation_id"].initial = consultations[0].pk


class TransferForm(ActionForm):
    action = "transfer"
    agency = OpenChoiceField(label=_("Agency"), required=False)
    budget_hours = hours_field(_("Time allowed (working hours)"))
    note = forms.CharField(label=_("What the agency must do"), required=False, widget=textarea())

    def setup(self) -> None:
        choice_field(self, "agency").choices = [("", _("— choose an agency —"))] + [
            (a.code, a.name) for a in agencies_in_force()
        ]

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "agency": c.get("agency") or "",
            "budget_hours": str(c["budget_hours"]) if c.get("budget_hours") is not None else "",
            "note": c.get("note") or "",
        }


class RequestSupplementForm(ActionForm):
    action = "request_supplement"
    items = forms.CharField(
        label=_("What the applicant must add (one per line)"), required=False, widget=textarea()
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=textarea(2))
    field_map: ClassVar[dict[str, str]] = {"note": "reason"}

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {"items": lines(c.get("items") or ""), "reason": c.get("reason") or ""}


class ReceiveSupplementForm(ActionForm):
    action = "receive_supplement"
    multipart = True
    file = forms.FileField(
        label=_("Supplement (scan)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))
    field_map: ClassVar[dict[str, str]] = {"documents[]": "file"}

    def payload(self) -> dict[str, Any]:
        return {
            "file": to_upload(self.cleaned_data.get("file")),
            "note": self.cleaned_data.get("note") or "",
        }


class ResultForm(ActionForm):
    multipart = True
    result = forms.FileField(
        label=_("Result document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PDF_ACCEPT}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=textarea(2))
    field_map: ClassVar[dict[str, str]] = {"documents[]": "result"}

    def payload(self) -> dict[str, Any]:
        return {
            "result": to_upload(self.cleaned_data.get("result")),
            "note": self.cleaned_data.get("note") or "",
        }


class CompleteForm(ResultForm):
    action = "complete"


class ApproveForm(ResultForm):
    action = "approve"


class RejectForm(ReasonForm):
    action = "reject"


class ApologizeForm(ActionForm):
    action = "apologize"
    new_date = forms.DateField(
        label=_("New appointment: date"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("dd/mm/yyyy"),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 20/03/2026.")},
    )
    new_time = forms.TimeField(
        label=_("New appointment: time"),
        required=False,
        input_formats=TIME_FORMATS,
        help_text=_("HH:MM, e.g. 16:00"),
        error_messages={"invalid": _("Enter the time as HH:MM, e.g. 16:00.")},
    )
    reason = forms.CharField(label=_("Reason for the delay"), required=False, widget=textarea())
    field_map: ClassVar[dict[str, str]] = {"new_appointment": "new_date", "note": "reason"}

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        if not self.errors and c.get("new_date") is None:
            self.add_error("new_date", _("Enter the date of the new appointment."))
        return c

    def payload(self) -> dict[str, Any]:
        c = self.cleaned_data
        day: dt.date = c["new_date"]
        time: dt.time = c.get("new_time") or dt.time(16, 0)
        new = timezone.make_aware(dt.datetime.combine(day, time))
        return {"new_appointment": new, "reason": c.get("reason") or ""}


class ReturnResultForm(ActionForm):
    action = "return_result"
    method = forms.ChoiceField(
        label=_("How the result is handed over"),
        choices=[("desk", _("At the desk")), ("post", _("By post")), ("online", _("Online"))],
        initial="desk",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the result is returned.")},
    )
    receiver_name = forms.CharField(label=_("Name of the receiver"), required=False, max_length=255)
    receiver_id_number = forms.CharField(
        label=_("ID number of the receiver"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def setup(self) -> None:
        # The way the applicant asked for the result (online submissions) comes first.
        if self.dossier.result_delivery in ("desk", "post", "online"):
            self.fields["method"].initial = self.dossier.result_delivery


class WithdrawForm(ReasonForm):
    action = "withdraw"


class CancelForm(ReasonForm):
    action = "cancel"


ACTION_FORMS: dict[str, type[ActionForm]] = {
    f.action: f
    for f in [
        AcceptForm,
        RequestCompletionForm,
        RefuseForm,
        TakeForm,
        ForwardForm,
        SendBackForm,
        ConsultForm,
        AnswerConsultationForm,
        TransferForm,
        RequestSupplementForm,
        ReceiveSupplementForm,
        CompleteForm,
        ApproveForm,
        RejectForm,
        ApologizeForm,
        ReturnResultForm,
        WithdrawForm,
        CancelForm,
    ]
}
