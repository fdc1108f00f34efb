"""The intake form: a dossier received at the desk (applicant, checklist, files, decision)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.data import ChecklistItem, UploadedFile

from .applicant import ApplicantFields
from .errors import anchor_id
from .fields import MultipleFileField, choice_field, lines, textarea, to_upload

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

#: Originals or copies of one document handed in at the desk (the service checks the same).
MAX_PAPER_COUNT = 99


class ProcedureChoiceForm(forms.Form):
    q = forms.CharField(label=_("Find a procedure (name or code)"), required=False, max_length=200)


class IntakeForm(ApplicantFields):
    """Receive a dossier at the desk: applicant (`ApplicantFields`), checklist, files,
    decision."""

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
        label=_("Documents received (one per line)"), required=False, widget=textarea(5)
    )
    uploads = MultipleFileField(
        label=_("Scanned documents"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB each. You can choose several files."),
    )
    missing = forms.CharField(
        label=_("What else is missing (one per line)"),
        required=False,
        widget=textarea(3),
        help_text=_("Mandatory documents not ticked are listed automatically."),
    )
    reason = forms.CharField(label=_("Reason for refusing"), required=False, widget=textarea(3))
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
        **ApplicantFields.APPLICANT_FIELD_MAP,
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
        if len(desks) > 1:
            choice_field(self, "receiving_agency").choices = [("", _("— choose —"))] + [
                (a.code, a.name) for a in desks
            ]
        else:
            del self.fields["receiving_agency"]
        agencies = sorted(version.agencies.all(), key=lambda a: a.name)
        if len(agencies) > 1:
            choice_field(self, "deciding_agency").choices = [
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
