"""Hỏi đáp on the public procedure page (issue 14 item 5; ADR 0041): a block with the
procedure's frequently asked questions, the published answers to questions from the public
(without the asker's name, phone or email) and a question form. The form posts to
`/hoi-dap/<code>/gui/`, which redirects back to the procedure page with a message; on a
mistake the values and the messages beside the fields come back through the session."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core import ratelimit
from motcua.core.access import public
from motcua.core.errors import NotFound, ValidationFailed
from motcua.portal.procedure_blocks import ProcedureBlock, procedure_block_add
from motcua.qa.api import faqs_published, question_submit, questions_published

#: Questions from one address: at most this many per window.
ASKS_PER_WINDOW = 10
WINDOW_SECONDS = 3600
SESSION_KEY = "qa_form"
FIELDS = ("asker_name", "asker_phone", "asker_email", "text")
#: What the form keeps of a too-long entry when it comes back (the limit is said beside it).
KEEP_MAX = 5000


def _anchor(code: str) -> str:
    return reverse("portal:procedure_detail", args=[code]) + "#hoi-dap-form"


# No CSRF token: the form is anonymous (the asker gives a name and a contact, never the
# account), so a forged post can do nothing a direct one cannot, and it is rate-limited per
# address. Without the token the procedure page carrying the form is the same bytes for every
# visitor and is kept whole (docs/adr/0042).
@csrf_exempt
@require_POST
@public
def question_send(request: HttpRequest, code: str) -> HttpResponse:
    address = str(request.META.get("REMOTE_ADDR", "unknown"))
    values = {name: request.POST.get(name, "") for name in FIELDS}
    if ratelimit.hit(
        key=f"rl:qa-ask:{address}", limit=ASKS_PER_WINDOW, window_seconds=WINDOW_SECONDS
    ):
        messages.error(request, _("Too many questions from your connection. Try again in an hour."))
        request.session[SESSION_KEY] = {
            "code": code,
            "values": {k: v[:KEEP_MAX] for k, v in values.items()},
            "errors": {},
            "error": _("Too many questions from your connection. Try again in an hour."),
        }
        return HttpResponseRedirect(_anchor(code))
    try:
        question_submit(procedure_code=code, **values)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValidationFailed as exc:
        request.session[SESSION_KEY] = {
            "code": code,
            "values": {k: v[:KEEP_MAX] for k, v in values.items()},
            "errors": exc.field_errors,
            "error": exc.message,
        }
        return HttpResponseRedirect(_anchor(code))
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _(
            "Your question was sent. The agency will answer you by phone or email; answers "
            "of general interest are published on this page without your name or contacts."
        ),
    )
    return HttpResponseRedirect(reverse("portal:procedure_detail", args=[code]) + "#hoi-dap")


def _block(request: HttpRequest, code: str) -> dict[str, Any] | None:
    kept: dict[str, Any] = {}
    if hasattr(request, "session"):
        stored = request.session.get(SESSION_KEY)
        if stored and stored.get("code") == code:
            kept = request.session.pop(SESSION_KEY)
    errors = kept.get("errors", {})
    values = kept.get("values", {})
    labels = {
        "asker_name": _("Your name"),
        "asker_phone": _("Phone"),
        "asker_email": _("Email"),
        "text": _("Your question"),
    }
    fields = {
        name: {
            "id": f"qa-{name.replace('_', '-')}",
            "value": values.get(name, ""),
            "errors": errors.get(name, []),
            "label": labels[name],
        }
        for name in FIELDS
    }
    return {
        "procedure_code": code,
        "faqs": faqs_published(procedure_code=code),
        "answered": questions_published(procedure_code=code),
        "qa_fields": fields,
        "qa_error": kept.get("error", ""),
        "qa_error_fields": [
            (f["id"], f["label"], f["errors"][0]) for f in fields.values() if f["errors"]
        ],
    }


procedure_block_add(
    ProcedureBlock(name="qa", template="portal/qa/_procedure_block.html", context=_block, order=50)
)

urlpatterns = [
    path("hoi-dap/<str:code>/gui/", question_send, name="qa_send"),
]
