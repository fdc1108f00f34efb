"""Forms of the desk. They parse what was typed (dates, numbers, files) into the payloads of
the dossiers services; every rule (required fields, ID numbers, who may receive a step) is
checked by the service, and its errors are put back on the fields with `apply_domain_errors`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.api import User
from motcua.catalog.api import ProcedureVersion
from motcua.core.errors import ApplicationError
from motcua.dossiers.api import Dossier, step_context
from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile

from . import queries

UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
PDF_ACCEPT = ".pdf,application/pdf"
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%H"]


#: Originals or copies of one document handed in at the desk (the service checks the same).
MAX_PAPER_COUNT = 99


def anchor_id(field: forms.BoundField) -> str:
    """The id an error-summary link points to (the first radio of a group)."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


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


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name` (to fill its choices)."""
    return cast(forms.ChoiceField, form.fields[name])


class OpenChoiceField(forms.TypedChoiceField):
    """A select whose choices only help: any value goes to the service, which decides."""

    def valid_value(self, value: Any) -> bool:
        return True


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 40})


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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


# ============================================================================ intake


class ProcedureChoiceForm(forms.Form):
    q = forms.CharField(label=_("Find a procedure (name or code)"), required=False, max_length=200)


class IntakeForm(forms.Form):
    """Receive a dossier at the desk: applicant, checklist, files, decision."""

    kind = forms.ChoiceField(
        label=_("The applicant is"),
        choices=[("person", _("A person")), ("organisation", _("An organisation"))],
        widget=forms.RadioSelect,
        initial="person",
        error_messages={
            "required": _("Choose whether the applicant is a person or an organisation.")
        },
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=255)
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
    name = forms.CharField(label=_("Name of the organisation"), required=False, max_length=255)
    tax_code = forms.CharField(
        label=_("Tax code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative = forms.CharField(label=_("Representative"), required=False, max_length=255)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=500)
    commune = forms.TypedChoiceField(
        label=_("Commune or ward"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=_("How the dossier came in"),
        choices=[("desk", _("At the desk")), ("postal", _("By post"))],
        widget=forms.RadioSelect,
        initial="desk",
        error_messages={"required": _("Choose how the dossier came in.")},
    )
    receiving_agency = forms.ChoiceField(label=_("Receiving desk"), required=False)
    deciding_agency = forms.ChoiceField(label=_("Deciding agency"), required=False)
    documents_text = forms.CharField(
        label=_("Documents received (one per line)"), required=False, widget=_textarea(5)
    )
    uploads = MultipleFileField(
        label=_("Scanned documents"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB each. You can choose several files."),
    )
    missing = forms.CharField(
        label=_("What else is missing (one per line)"),
        required=False,
        widget=_textarea(3),
        help_text=_("Mandatory documents not ticked are listed automatically."),
    )
    reason = forms.CharField(label=_("Reason for refusing"), required=False, widget=_textarea(3))
    decision = forms.ChoiceField(
        choices=[
            ("accept", _("Accept")),
            ("request_completion", _("Ask for completion")),
            ("refuse", _("Refuse")),
        ],
        initial="accept",
    )

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    FIELD_MAP: ClassVar[dict[str, str]] = {
        "applicant.kind": "kind",
        "applicant.full_name": "full_name",
        "applicant.id_number": "id_number",
        "applicant.date_of_birth": "date_of_birth",
        "applicant.name": "name",
        "applicant.tax_code": "tax_code",
        "applicant.representative": "representative",
        "applicant.phone": "phone",
        "applicant.email": "email",
        "applicant.address": "address",
        "applicant.commune_code": "commune",
        "documents[]": "uploads",
        "note": "reason",
        "procedure": "__all__",
    }

    def __init__(
        self, *args: Any, version: ProcedureVersion, desks: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.documents = list(version.documents.all()) if version.documents_known else []
        _choices(self, "commune").choices = [("", _("— choose —"))] + [
            (str(code), name) for code, name in queries.province_communes()
        ]
        if len(desks) > 1:
            _choices(self, "receiving_agency").choices = [("", _("— choose —"))] + [
                (a.code, a.name) for a in desks
            ]
        else:
            del self.fields["receiving_agency"]
        agencies = sorted(version.agencies.all(), key=lambda a: a.name)
        if len(agencies) > 1:
            _choices(self, "deciding_agency").choices = [
                ("", _("— from the applicant's commune —"))
            ] + [(a.code, a.name) for a in agencies]
        else:
            del self.fields["deciding_agency"]
        if version.documents_known:
            del self.fields["documents_text"]
        self.field_map = dict(self.FIELD_MAP)
        if self.documents:
            self.field_map["documents"] = f"doc_{self.documents[0].position}_received"
        for doc in self.documents:
            p = doc.position
            self.fields[f"doc_{p}_received"] = forms.BooleanField(label=doc.name, required=False)
            for count, label, message in (
                (
                    "originals",
                    _("Originals of “%(name)s”"),
                    _("“%(name)s”: the number of originals is a whole number from 0 to %(max)d."),
                ),
                (
                    "copies",
                    _("Copies of “%(name)s”"),
                    _("“%(name)s”: the number of copies is a whole number from 0 to %(max)d."),
                ),
            ):
                # The error names the document (one message for every way it can be wrong);
                # "%" escaped: Django formats the message with the field's limits.
                said = (message % {"name": doc.name, "max": MAX_PAPER_COUNT}).replace("%", "%%")
                self.fields[f"doc_{p}_{count}"] = forms.IntegerField(
                    label=label % {"name": doc.name},
                    required=False,
                    min_value=0,
                    max_value=MAX_PAPER_COUNT,
                    initial=getattr(doc, count),
                    widget=forms.NumberInput(attrs={"class": "input-count"}),
                    error_messages={"invalid": said, "min_value": said, "max_value": said},
                )
                self.field_map[f"documents.{p}.{count}"] = f"doc_{p}_{count}"

    def summary_errors(self) -> list[dict[str, str]]:
        """The error summary's lines, in the page's order: each links to its field. A line of
        the checklist says its document in the message itself."""
        lines = []
        for name, field in self.fields.items():
            bound = self[name]
            for error in bound.errors:
                own = name.startswith("doc_") or name == "form_token"
                lines.append(
                    {
                        "anchor": anchor_id(bound),
                        "text": str(error) if own else f"{field.label}: {error}",
                    }
                )
        return lines

    def checklist_table(self) -> list[dict[str, Any]]:
        """Rows for the template: the document and its three inputs."""
        return [
            {
                "doc": doc,
                "received": self[f"doc_{doc.position}_received"],
                "originals": self[f"doc_{doc.position}_originals"],
                "copies": self[f"doc_{doc.position}_copies"],
                "counts": [
                    self[f"doc_{doc.position}_originals"],
                    self[f"doc_{doc.position}_copies"],
                ],
            }
            for doc in self.documents
        ]

    def applicant(self) -> ApplicantData:
        """The applicant as typed; only the fields of the chosen kind are passed on."""
        c = self.cleaned_data
        phone = c.get("phone") or ""
        email = c.get("email") or ""
        address = c.get("address") or ""
        commune: int | None = c.get("commune")
        if c.get("kind") == "organisation":
            return ApplicantData(
                kind="organisation",
                name=c.get("name") or "",
                tax_code=(c.get("tax_code") or "").strip(),
                representative=c.get("representative") or "",
                phone=phone,
                email=email,
                address=address,
                commune_code=commune,
            )
        return ApplicantData(
            kind="person",
            full_name=c.get("full_name") or "",
            id_number=(c.get("id_number") or "").strip(),
            date_of_birth=c.get("date_of_birth"),
            phone=phone,
            email=email,
            address=address,
            commune_code=commune,
        )

    def checklist(self) -> list[ChecklistItem]:
        c = self.cleaned_data
        return [
            ChecklistItem(
                position=doc.position,
                received=bool(c.get(f"doc_{doc.position}_received")),
                originals=c.get(f"doc_{doc.position}_originals") or 0,
                copies=c.get(f"doc_{doc.position}_copies") or 0,
            )
            for doc in self.documents
        ]

    def uploaded_files(self) -> list[UploadedFile]:
        return [u for u in (to_upload(f) for f in self.cleaned_data.get("uploads") or []) if u]

    def note(self) -> str:
        """The note given to the service: the refusal's reason, or (for versions whose
        documents are not published) the list of documents received."""
        c = self.cleaned_data
        if c.get("decision") == "refuse":
            return str(c.get("reason") or "")
        received = lines(c.get("documents_text") or "")
        if received:
            return "\n".join(received)
        return ""

    def service_kwargs(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "procedure_code": self.version.procedure.code,
            "channel": c.get("channel") or "desk",
            "applicant": self.applicant(),
            "decision": c.get("decision") or "accept",
            "checklist": self.checklist(),
            "files": self.uploaded_files(),
            "missing": lines(c.get("missing") or ""),
            "note": self.note(),
            "receiving_agency_code": c.get("receiving_agency") or None,
            "deciding_agency_code": c.get("deciding_agency") or None,
        }


# ============================================================================ actions


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
    reason = forms.CharField(label=_("Reason"), required=False, widget=_textarea())
    field_map: ClassVar[dict[str, str]] = {"note": "reason"}


class AcceptForm(ActionForm):
    action = "accept"


class TakeForm(ActionForm):
    action = "take"


class RequestCompletionForm(ActionForm):
    action = "request_completion"
    missing = forms.CharField(
        label=_("What is missing (one per line)"), required=False, widget=_textarea()
    )
    note = forms.CharField(label=_("Note for the applicant"), required=False, widget=_textarea(2))

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
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))

    def setup(self) -> None:
        nxt = queries.next_main_step(self.dossier)
        self.next_step = nxt
        choices: list[tuple[str, Any]] = []
        if nxt is not None:
            choices.append(("", _("Anyone in the queue of “%(step)s”") % {"step": nxt.title}))
            choices += [
                (str(u.pk), str(u))
                for u in queries.role_holders(role=nxt.role, agency_id=nxt.agency_id)
            ]
            self.fields["to_user"].help_text = _("Next step: %(step)s — %(agency)s") % {
                "step": nxt.title,
                "agency": nxt.agency.name,
            }
        else:
            choices.append(("", _("— no next step —")))
        _choices(self, "to_user").choices = choices


class SendBackForm(ActionForm):
    action = "send_back"
    to_position = OpenChoiceField(
        label=_("Send back to"), required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=_textarea())
    field_map: ClassVar[dict[str, str]] = {"note": "reason"}

    def setup(self) -> None:
        _choices(self, "to_position").choices = [("", _("— choose a step —"))] + [
            (str(s.position), f"{s.position}. {s.title} — {s.agency.name}")
            for s in queries.earlier_steps(self.dossier)
        ]


class ConsultForm(ActionForm):
    action = "consult"
    agencies = OpenMultipleChoiceField(
        label=_("Agencies to consult"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    question = forms.CharField(label=_("Question"), required=False, widget=_textarea())
    budget_hours = forms.DecimalField(
        label=_("Time to answer (working hours)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-count"}),
    )

    def setup(self) -> None:
        _choices(self, "agencies").choices = [
            (a.code, a.name) for a in queries.agencies_in_force() if a.pk != self._own_agency()
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
    answer = forms.CharField(label=_("Your agency's answer"), required=False, widget=_textarea())

    def setup(self) -> None:
        consultations = step_context(self.dossier).consultations
        _choices(self, "consultation_id").choices = [
            (str(c.pk), f"{c.title} — {c.note}"[:200]) for c in consultations
        ]
        if len(consultations) <= 1:
            self.fields["consultation_id"].widget = forms.HiddenInput()
            if consultations:
                self.fields["consultation_id"].initial = consultations[0].pk


class TransferForm(ActionForm):
    action = "transfer"
    agency = OpenChoiceField(label=_("Agency"), required=False)
    budget_hours = forms.DecimalField(
        label=_("Time allowed (working hours)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-count"}),
    )
    note = forms.CharField(label=_("What the agency must do"), required=False, widget=_textarea())

    def setup(self) -> None:
        _choices(self, "agency").choices = [("", _("— choose an agency —"))] + [
            (a.code, a.name) for a in queries.agencies_in_force()
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
        label=_("What the applicant must add (one per line)"), required=False, widget=_textarea()
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=_textarea(2))
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
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))
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
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(2))
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
    reason = forms.CharField(label=_("Reason for the delay"), required=False, widget=_textarea())
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


# ============================================================================ lists


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
        _choices(self, "status").choices = [("", _("All statuses")), *statuses]
