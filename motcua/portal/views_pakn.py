"""Feedback and recommendations (phản ánh, kiến nghị; issue 14) on the portal.

    /phan-anh-kien-nghi/              the published answers (search without accents, filters)
    /phan-anh-kien-nghi/<code>/       one published answer
    /phan-anh-kien-nghi/gui/          the sending form (anyone; prefilled for a citizen)
    /phan-anh-kien-nghi/da-gui/       what was sent: code, PIN, due date (once, from the session)
    /phan-anh-kien-nghi/tra-cuu/      follow by code + PIN; answer a request for more; satisfied?

and a block on the public procedure page (up to 3 published answers about the procedure and a
link to the form prefilled). Views parse, call `motcua.pakn.api`, render: the rules (who may
send what, deadlines, what is removed before publication) live in the pakn app. Every page
works without JavaScript."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.api import agency_list, applicant_prefill
from motcua.accounts.data import AgencyKind
from motcua.core import ratelimit
from motcua.core.access import public
from motcua.pakn.api import (
    FeedbackConflict,
    FeedbackError,
    FeedbackForbidden,
    FeedbackNotFound,
    SenderIn,
    feedback_attachment_open,
    feedback_for_sender,
    feedback_published_get,
    feedback_published_search,
    feedback_sender_rate,
    feedback_sender_reply,
    feedback_submit,
)
from motcua.pakn.data import ABOUT_LABELS, About
from motcua.portal.procedure_blocks import ProcedureBlock, procedure_block_add
from motcua.portal.public_dossiers import too_many_lookups, typed_factor

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

PAGE_SIZE = 20
BLOCK_SIZE = 3
#: Bounds of what a person types (the pakn app checks again and decides).
TITLE_MAX = 300
CONTENT_MAX = 10_000
NAME_MAX = 200
PHONE_MAX = 20
EMAIL_MAX = 254
ADDRESS_MAX = 300
CODE_MAX = 64
PIN_MAX = 12
MAX_FILES = 5
#: Wrong PINs for one feedback code from one address per day, then that address is refused
#: for that code (as dossier tracking does, ADR 0023).
FAILURES_PER_ADDRESS_CODE = 5
CODE_WINDOW_SECONDS = 24 * 3600
#: Session key: what was just sent, shown once on the "sent" page (POST-redirect-GET).
SENT_SESSION_KEY = "pakn_sent"

#: The domain's field names (the API's spelling) → the form's field names.
FIELD_MAP = {
    "about": "about",
    "procedure": "procedure",
    "procedure_code": "procedure",
    "dossier_code": "dossier_code",
    "dossier_pin": "dossier_pin",
    "sender.full_name": "full_name",
    "sender.phone": "phone",
    "sender.email": "email",
    "sender.address": "address",
    "sender.id_number": "full_name",
    "title": "title",
    "content": "content",
    "attachments": "attachments",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(n)d files.") % {"n": MAX_FILES}, code="too_many"
            )
        return [single(d, initial) for d in files]


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class FeedbackSendForm(forms.Form):
    """The sending form. Lengths are bounded here; everything else (a procedure that exists,
    a dossier whose PIN matches, a phone or an email, the files) is decided by
    `feedback_submit`, whose errors are put beside these fields."""

    about = forms.ChoiceField(
        label=gettext_lazy("What is your feedback about?"),
        widget=forms.RadioSelect,
        error_messages=_required(gettext_lazy("Choose what your feedback is about.")),
    )
    procedure = forms.CharField(
        label=gettext_lazy("Procedure code"),
        help_text=gettext_lazy(
            "For feedback about a procedure: its code, shown on the procedure's page "
            "(for example 2.000004)."
        ),
        max_length=40,
        required=False,
    )
    dossier_code = forms.CharField(
        label=gettext_lazy("Dossier code"),
        help_text=gettext_lazy(
            "For feedback about how a dossier was handled: its code and the PIN printed on "
            "the receipt, so that nobody can attach a complaint to someone else's dossier."
        ),
        max_length=CODE_MAX,
        required=False,
    )
    dossier_pin = forms.CharField(
        label=gettext_lazy("PIN of the dossier"),
        max_length=PIN_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        help_text=gettext_lazy("A phone number or an email address: we send the answer there."),
        max_length=PHONE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=ADDRESS_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX,
        error_messages=_required(gettext_lazy("Enter a title for your feedback.")),
    )
    content = forms.CharField(
        label=gettext_lazy("Content"),
        help_text=gettext_lazy(
            "What happened, what you propose. At most 10,000 characters. Only what is of "
            "general interest is published, without your name, phone, email, address or ID "
            "number."
        ),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages=_required(gettext_lazy("Enter the content of your feedback.")),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments"),
        help_text=gettext_lazy("PDF or photos (JPG, PNG), at most 5 files."),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=CODE_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        about: Any = self.fields["about"]
        about.choices = [(a.value, ABOUT_LABELS[a.value]) for a in About]


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _place_errors(form: forms.Form, exc: FeedbackError) -> None:
    errors: dict[str, list[str]] = dict(getattr(exc, "errors", None) or {})
    placed = False
    for key, problems in errors.items():
        name = FIELD_MAP.get(key, key)
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, str(problem))
            placed = True
    if not placed:
        form.add_error(None, str(exc) or _("Check the fields."))


# --- Published answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list counted by the service (offset/limit), for the templates."""

    number: int
    num_pages: int
    count: int
    start_index: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(raw: str | None) -> int:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 else 1


def make_page(number: int, count: int, size: int) -> Page:
    pages = max(1, -(-count // size))
    number = min(max(1, number), pages)
    return Page(number=number, num_pages=pages, count=count, start_index=(number - 1) * size + 1)


def _agencies() -> list[Any]:
    return [
        a
        for a in agency_list(on=timezone.localdate())
        if a.kind
        in (
            AgencyKind.DEPARTMENT,
            AgencyKind.UNIT,
            AgencyKind.PROVINCE,
            AgencyKind.PROVINCE_SERVICE_CENTER,
        )
    ]


@public
def published_list(request: HttpRequest) -> HttpResponse:
    """The published answers, newest first: search without accents (`q`), by procedure code
    (`thu-tuc`) and by the agency that answered (`co-quan`), 20 a page (`trang`)."""
    q = request.GET.get("q", "").strip()[:200]
    procedure_code = request.GET.get("thu-tuc", "").strip()[:40]
    agency_code = request.GET.get("co-quan", "").strip()[:40]
    wanted = page_number(request.GET.get("trang"))
    count, items = feedback_published_search(
        q=q,
        procedure_code=procedure_code,
        agency_code=agency_code,
        offset=(wanted - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    page = make_page(wanted, count, PAGE_SIZE)
    if page.number != wanted and count:
        count, items = feedback_published_search(
            q=q,
            procedure_code=procedure_code,
            agency_code=agency_code,
            offset=(page.number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    params = request.GET.copy()
    params.pop("trang", None)
    agencies = _agencies()
    return render(
        request,
        "portal/pakn/list.html",
        {
            "q": q,
            "procedure_code": procedure_code,
            "agency_code": agency_code,
            "agencies": agencies,
            "chosen_agency": next((a for a in agencies if a.code == agency_code), None),
            "items": items,
            "page": page,
            "count": count,
            "querystring": params.urlencode(),
        },
    )


@public
def published_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One published answer (404 for anything not published: it says nothing else)."""
    item = feedback_published_get(code=code.strip()[:CODE_MAX])
    if item is None:
        raise Http404(_("No published answer has this code."))
    return render(request, "portal/pakn/detail.html", {"item": item})


@public
def published_attachment(request: HttpRequest, code: str, attachment_id: int) -> HttpResponseBase:
    """A file published with the answer (the officer chose to publish the attachments)."""
    try:
        name, content_type, file = feedback_attachment_open(
            code=code.strip()[:CODE_MAX], attachment_id=attachment_id, user=None
        )
    except (FeedbackNotFound, FeedbackForbidden) as exc:
        raise Http404 from exc
    response = FileResponse(
        file,
        as_attachment=True,
        filename=name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Sending ---------------------------------------------------------------------------------


def _initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    procedure = request.GET.get("thu-tuc", "").strip()[:40]
    dossier = request.GET.get("ho-so", "").strip()[:CODE_MAX]
    if procedure:
        initial |= {"about": About.PROCEDURE.value, "procedure": procedure}
    elif dossier:
        initial |= {"about": About.DOSSIER.value, "dossier_code": dossier}
    prefill = applicant_prefill(request.user)
    for key in ("full_name", "phone", "email", "address"):
        if prefill.get(key):
            initial[key] = prefill[key]
    return initial


def _submit(request: HttpRequest, form: FeedbackSendForm) -> Any:
    data = form.cleaned_data
    about = data["about"]
    files: list[UploadedFile] = list(data.get("attachments") or [])
    return feedback_submit(
        about=about,
        title=data["title"],
        content=data["content"],
        sender=SenderIn(
            full_name=data.get("full_name") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
        ),
        procedure_code=(data.get("procedure") or "") if about == About.PROCEDURE else "",
        dossier_code=(data.get("dossier_code") or "") if about == About.DOSSIER else "",
        dossier_pin=typed_factor(data.get("dossier_pin") or "") if about == About.DOSSIER else "",
        attachments=files,
        channel="portal",
        user=_user(request),
        idempotency_key=data.get("idempotency_key") or "",
    )


@public
def send(request: HttpRequest) -> HttpResponse:
    """Gửi phản ánh, kiến nghị: about a regulation, a procedure (by its code) or the handling
    of a dossier (code + PIN). Anyone may send; a signed-in citizen finds the form filled from
    the profile. On success: POST-redirect-GET to the "sent" page (code, PIN, due date); the
    form's hidden key makes a double click send one feedback. On a problem: the form again,
    what was typed kept, each message beside its field, nothing stored. 20 tries per address
    in ten minutes (then 429)."""
    status = 200
    if request.method == "POST":
        form = FeedbackSendForm(request.POST, request.FILES)
        if too_many_lookups(request, "pakn-send"):
            # 20 sends (or tries) from one address in ten minutes: the form as typed.
            form.is_valid()
            form.add_error(None, _("Too many requests from your connection. Wait ten minutes."))
            status = 429
        elif form.is_valid():
            try:
                result = _submit(request, form)
            except FeedbackError as exc:
                _place_errors(form, exc)
                status = 400
            else:
                request.session[SENT_SESSION_KEY] = {
                    "code": result.code,
                    "pin": result.pin,
                    "status": str(result.status),
                    "due_at": result.due_at.isoformat() if result.due_at else "",
                }
                return redirect("portal:pakn_sent")
        else:
            status = 400
    else:
        form = FeedbackSendForm(initial=_initial(request))
    return render(
        request,
        "portal/pakn/send.html",
        {"form": form, "files_lost": request.method == "POST" and bool(request.FILES)},
        status=status,
    )


@public
def sent(request: HttpRequest) -> HttpResponse:
    """What was just sent: the code, the PIN (shown once), by when it will be answered, and
    how to follow it. Read from the session; a second visit sends to the tracking page."""
    data = request.session.pop(SENT_SESSION_KEY, None)
    if not isinstance(data, dict) or not data.get("code"):
        return redirect("portal:pakn_follow")
    due_at = None
    if data.get("due_at"):
        due_at = dt.datetime.fromisoformat(str(data["due_at"]))
    return render(
        request,
        "portal/pakn/sent.html",
        {"code": data["code"], "pin": data.get("pin", ""), "due_at": due_at},
    )


# --- Following by code + PIN -----------------------------------------------------------------


class ReplyForm(forms.Form):
    content = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required(gettext_lazy("Write your answer.")),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments"),
        help_text=gettext_lazy("PDF or photos (JPG, PNG), at most 5 files."),
        required=False,
    )


def _pair_key(code: str, address: str) -> str:
    return "rl:pakn-pair:" + hashlib.sha256(f"{address}|{code}".encode()).hexdigest()[:32]


def _lookup(request: HttpRequest, code: str, pin: str) -> tuple[Any, str, int]:
    """(the feedback as its sender sees it, or None; the error to show; the status)."""
    if too_many_lookups(request, "pakn"):
        return None, _("Too many lookups from your connection. Wait ten minutes."), 429
    if not code or not pin:
        return None, _("Enter the feedback code and the PIN you were given."), 400
    pair = _pair_key(code, _client(request))
    if ratelimit.hit(key=pair, limit=FAILURES_PER_ADDRESS_CODE, window_seconds=CODE_WINDOW_SECONDS):
        return (
            None,
            _("Too many wrong attempts for this code from your connection. Try again tomorrow."),
            429,
        )
    found = feedback_for_sender(code=code, pin=pin)
    if found is None:
        return (
            None,
            _(
                "No feedback matches this code and PIN. Check both: they were shown when you sent it."
            ),
            404,
        )
    ratelimit.release(key=pair)
    return found, "", 200


def _follow_url(code: str, pin: str) -> str:
    return reverse("portal:pakn_follow") + "?" + urlencode({"ma": code, "pin": pin})


def _normal_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()[:CODE_MAX]


@public
def follow(request: HttpRequest) -> HttpResponse:
    """Theo dõi phản ánh: the code and the PIN (GET, like dossier tracking); the status, the
    public steps, the answer once approved; the reply form when more was asked; the question
    "satisfied or not" once answered. Rate-limited per address, and per address and code."""
    source = request.POST if request.method == "POST" else request.GET
    code = _normal_code(source.get("ma", ""))
    pin = typed_factor(source.get("pin", ""))
    context: dict[str, Any] = {"code": code, "pin": pin}
    status = 200
    reply_form = ReplyForm()
    # The "sent" page links here with the code only: it is filled in, nothing looked up yet.
    if (code and pin) or request.method == "POST":
        found, error, status = _lookup(request, code, pin)
        if found is None:
            context["error"] = error
            context["error_field"] = "pin" if code else "ma"
            return render(request, "portal/pakn/follow.html", context, status=status)
        if request.method == "POST":
            what = request.POST.get("what", "")
            if what == "reply":
                reply_form = ReplyForm(request.POST, request.FILES)
                if reply_form.is_valid():
                    try:
                        feedback_sender_reply(
                            code=found.code,
                            pin=pin,
                            content=reply_form.cleaned_data["content"],
                            attachments=list(reply_form.cleaned_data.get("attachments") or []),
                        )
                    except FeedbackError as exc:
                        _place_errors(reply_form, exc)
                        status = 400
                    except FeedbackConflict as exc:
                        messages.error(request, str(getattr(exc, "message", "") or exc))
                        return redirect(_follow_url(found.code, pin))
                    else:
                        messages.success(request, _("Your answer was sent."))
                        return redirect(_follow_url(found.code, pin))
                else:
                    status = 400
            elif what == "rate":
                choice = request.POST.get("satisfied", "")
                if choice not in ("yes", "no"):
                    context["rate_error"] = _("Choose whether you are satisfied with the answer.")
                    status = 400
                else:
                    try:
                        feedback_sender_rate(code=found.code, pin=pin, satisfied=choice == "yes")
                    except (FeedbackConflict, FeedbackError, FeedbackForbidden) as exc:
                        messages.error(request, str(getattr(exc, "message", "") or exc))
                    else:
                        messages.success(request, _("Thank you: your opinion was recorded."))
                    return redirect(_follow_url(found.code, pin))
            else:
                return redirect(_follow_url(found.code, pin))
        context["fb"] = found
    context["reply_form"] = reply_form
    return render(request, "portal/pakn/follow.html", context, status=status)


# --- The block on the procedure page ---------------------------------------------------------


def _procedure_block(request: HttpRequest, code: str) -> dict[str, Any] | None:
    """Up to 3 published answers about the procedure, and the link to the form for it."""
    try:
        count, items = feedback_published_search(procedure_code=code, limit=BLOCK_SIZE)
    except (FeedbackError, FeedbackNotFound):
        count, items = 0, []
    return {"procedure_code": code, "items": items, "count": count}


procedure_block_add(
    ProcedureBlock(
        name="pakn",
        template="portal/pakn/_procedure_block.html",
        context=_procedure_block,
        order=60,
    )
)
