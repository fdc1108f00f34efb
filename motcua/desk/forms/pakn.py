"""Forms of the feedback desk (phản ánh, kiến nghị; issue 14): the officer's entry of a
feedback received by letter, phone, in person or by e-mail, one small form per action on a
feedback (`PAKN_ACTION_FORMS`), the register's filters and the statistics' period. Lengths
are bounded here; the rules are `motcua.pakn`'s, whose errors are put beside the fields."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.pakn.api import feedback_agencies_for_forward, feedback_assignees
from motcua.pakn.data import (
    ABOUT_LABELS,
    CHANNEL_LABELS,
    CLASSIFICATION_LABELS,
    OFFICER_CHANNELS,
    STATUS_LABELS,
    About,
    Channel,
    Classification,
    Status,
)

from .fields import DATE_FORMATS, MultipleFileField, OpenChoiceField, lines, textarea

if TYPE_CHECKING:
    from motcua.accounts.models import User

TITLE_MAX = 300
CONTENT_MAX = 10_000
NOTE_MAX = 4_000
ANSWER_MAX = 20_000
REDACTIONS_MAX = 4_000

#: The domain's field names → the entry form's.
ENTRY_FIELD_MAP = {
    "procedure_code": "procedure",
    "sender.full_name": "full_name",
    "sender.phone": "phone",
    "sender.email": "email",
    "sender.address": "address",
    "sender.id_number": "id_number",
}


class FeedbackEntryForm(forms.Form):
    """A feedback received outside the portal, entered by the feedback desk (received at
    once: it gets its register number)."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        widget=forms.RadioSelect,
        choices=[(c.value, CHANNEL_LABELS[c]) for c in Channel if c in OFFICER_CHANNELS],
    )
    about = forms.ChoiceField(
        label=_("About"),
        widget=forms.RadioSelect,
        choices=[(a.value, ABOUT_LABELS[a]) for a in About],
    )
    procedure = forms.CharField(label=_("Procedure code"), max_length=40, required=False)
    dossier_code = forms.CharField(label=_("Dossier code"), max_length=64, required=False)
    dossier_pin = forms.CharField(
        label=_("PIN of the dossier"),
        help_text=_("From the receipt the sender holds (needed for a dossier)."),
        max_length=12,
        required=False,
    )
    full_name = forms.CharField(label=_("Sender's full name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    id_number = forms.CharField(label=_("Personal ID number"), max_length=20, required=False)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    content = forms.CharField(label=_("Content"), max_length=CONTENT_MAX, widget=textarea(8))
    attachments = MultipleFileField(
        label=_("Scans of the letter and its attachments"), required=False
    )


class FeedbackFilterForm(forms.Form):
    """The register's filters (GET)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status: Any = self.fields["status"]
        status.choices = [("", _("All")), *((s.value, STATUS_LABELS[s]) for s in Status)]


def _today() -> dt.date:
    return timezone.localtime(clock.now()).date()


def _year_start() -> dt.date:
    return _today().replace(month=1, day=1)


class FeedbackPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From date"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y"),
    )
    end = forms.DateField(
        label=_("To date"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start") or _year_start()
        end = data.get("end") or _today()
        if end < start:
            self.add_error("end", _("The end of the period is before its start."))
        elif (end - start).days > 3 * 366:
            self.add_error("end", _("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data


# --- Actions ---------------------------------------------------------------------------------


class FeedbackActionForm(forms.Form):
    """One action on a feedback; `arguments()` is what `feedback_act` receives."""

    action: ClassVar[str] = ""
    #: The domain's field names → this form's.
    field_map: ClassVar[dict[str, str]] = {}

    def __init__(
        self, *args: Any, detail: Any, user: User, assign_agency: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.detail = detail
        self.user = user
        self.assign_agency = assign_agency
        self.setup()

    def setup(self) -> None:
        """Fill the choices that depend on the feedback."""

    def arguments(self) -> dict[str, Any]:
        return {}


def _note(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=NOTE_MAX, widget=textarea(3))


class ReceiveForm(FeedbackActionForm):
    action = "receive"


class ClassifyForm(FeedbackActionForm):
    action = "classify"
    classification = forms.ChoiceField(
        label=_("Classification"),
        widget=forms.RadioSelect,
        choices=[(c.value, CLASSIFICATION_LABELS[c]) for c in Classification],
    )
    note = _note(_("Note"))

    def arguments(self) -> dict[str, Any]:
        return {
            "classification": self.cleaned_data["classification"],
            "note": self.cleaned_data.get("note") or "",
        }


class ForwardForm(FeedbackActionForm):
    action = "forward"
    agency = OpenChoiceField(label=_("Competent agency"))
    note = _note(_("Note"))

    def setup(self) -> None:
        agency: Any = self.fields["agency"]
        agency.choices = [("", "—"), *feedback_agencies_for_forward(user=self.user)]

    def arguments(self) -> dict[str, Any]:
        return {
            "agency_code": self.cleaned_data["agency"],
            "note": self.cleaned_data.get("note") or "",
        }


class AssignForm(FeedbackActionForm):
    """The agency that handles it and, if chosen, the person. Without JavaScript the people
    of another agency are listed after "Show its people" (a GET that reloads the page)."""

    action = "assign"
    agency = OpenChoiceField(label=_("Handling agency"))
    to_user = OpenChoiceField(
        label=_("Person"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty to give it to the agency's specialists."),
    )
    note = _note(_("Note"))

    def setup(self) -> None:
        agencies = feedback_agencies_for_forward(user=self.user)
        agency: Any = self.fields["agency"]
        agency.choices = [("", "—"), *agencies]
        chosen = (
            self.data.get(self.add_prefix("agency"), "") if self.is_bound else self.assign_agency
        )
        if not self.is_bound and chosen:
            self.initial["agency"] = chosen
        people: list[tuple[Any, str]] = []
        if chosen:
            people = list(feedback_assignees(agency_code=str(chosen)[:40], user=self.user))
        to_user: Any = self.fields["to_user"]
        to_user.choices = [("", "—"), *people]

    def arguments(self) -> dict[str, Any]:
        return {
            "agency_code": self.cleaned_data["agency"],
            "to_user_id": self.cleaned_data.get("to_user"),
            "note": self.cleaned_data.get("note") or "",
        }


class RequestMoreForm(FeedbackActionForm):
    action = "request_more"
    note = _note(_("What the sender must add"), required=True)

    def arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class AnswerForm(FeedbackActionForm):
    action = "answer"
    answer = forms.CharField(label=_("Answer"), max_length=ANSWER_MAX, widget=textarea(8))

    def setup(self) -> None:
        if not self.is_bound and self.detail.answer:
            self.initial["answer"] = self.detail.answer

    def arguments(self) -> dict[str, Any]:
        return {"answer": self.cleaned_data["answer"]}


class ApproveForm(FeedbackActionForm):
    action = "approve"
    note = _note(_("Note"))

    def arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data.get("note") or ""}


class PublishForm(FeedbackActionForm):
    action = "publish"
    redactions = forms.CharField(
        label=_("Other personal data to hide (one per line)"),
        help_text=_(
            "The sender's name, phone, email, address and ID number are hidden "
            "automatically. Add anything else that identifies a person."
        ),
        required=False,
        max_length=REDACTIONS_MAX,
        widget=textarea(3),
    )
    publish_attachments = forms.BooleanField(label=_("Publish the attachments"), required=False)

    def arguments(self) -> dict[str, Any]:
        return {
            "redactions": lines(self.cleaned_data.get("redactions") or ""),
            "publish_attachments": bool(self.cleaned_data.get("publish_attachments")),
        }


class RefuseForm(FeedbackActionForm):
    action = "refuse"
    note = _note(_("Reason"), required=True)

    def arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


PAKN_ACTION_FORMS: dict[str, type[FeedbackActionForm]] = {
    f.action: f
    for f in (
        ReceiveForm,
        ClassifyForm,
        ForwardForm,
        AssignForm,
        RequestMoreForm,
        AnswerForm,
        ApproveForm,
        PublishForm,
        RefuseForm,
    )
}
