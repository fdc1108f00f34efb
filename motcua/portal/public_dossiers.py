"""Public pages about dossiers: tracking by code + PIN (or the phone's last digits), the desk's
kiosk, and signature verification. No login; nothing personal is shown; lookups are
rate-limited per address (and, for tracking, per address and code, and per code: see
`factor_check`). Codes are read as people type them (core.identifiers.dossier_code_normalize)."""

from __future__ import annotations

import copy
import enum
import functools
import hashlib
import logging
import secrets
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock, ratelimit
from motcua.core.access import public
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.identifiers import dossier_code_normalize
from motcua.dossiers.api import (
    STATUS_LABELS,
    DossierStatus,
    PublicLookup,
    dossier_for_audit,
    kiosk_status,
    public_track_lookup,
    public_track_timeline,
    result_find_by_sha256,
    result_signed_for_code,
)
from motcua.feedback.api import rating_annotations, rating_open_read
from motcua.payments.api import payer_fee_annotations, payer_fee_state

if TYPE_CHECKING:
    pass

#: Each public event as a sentence the applicant understands: no officer names, nothing the
#: applicant does not already know. Internal steps read the same, and repeats are merged.
ACTION_TEXT = {
    "submit": gettext_lazy("You submitted the dossier online."),
    "accept": gettext_lazy("Received by the one-stop desk"),
    "request_completion": gettext_lazy(
        "The one-stop desk asked you to complete the dossier; the list was sent to you."
    ),
    "refuse": gettext_lazy(
        "The one-stop desk could not receive the dossier; the reason was sent to you."
    ),
    "forward": gettext_lazy("The dossier moved on to the next step of its handling."),
    "consult": gettext_lazy("The agency asked other agencies for their opinion."),
    "transfer": gettext_lazy("The dossier was sent to another agency for its part."),
    "request_supplement": gettext_lazy(
        "The agency asked you for more documents; the time limit is paused until you bring them."
    ),
    "receive_supplement": gettext_lazy(
        "Your additional documents were received; handling resumed."
    ),
    "apologize": gettext_lazy("The agency apologised for the delay and set a new appointment."),
    "approve": gettext_lazy("A leader of the agency approved the dossier."),
    "complete": gettext_lazy("The handling is finished: the result is ready."),
    "reject": gettext_lazy(
        "After review, the agency refused the request; the written answer with the reasons is "
        "the result."
    ),
    "return_result": gettext_lazy("The result was handed over."),
    "withdraw": gettext_lazy("The handling was stopped at your request."),
    "cancel": gettext_lazy("The agency stopped the handling; the reason was sent to you."),
}
LOOKUPS_PER_WINDOW = 20
WINDOW_SECONDS = 600
#: Wrong second factors for one dossier code per day, from all addresses together. Once they
#: are used, the phone's last digits (only 10,000 possibilities) no longer open the dossier
#: until the day is over; the PIN printed on the receipt still does, so guessing cannot lock
#: the owner out (docs/adr/0023-public-lookups-typed-codes-and-guessing.md).
FAILURES_PER_CODE = 20
#: Wrong second factors from one address for one dossier code per day: after them that address
#: is refused for that code (whatever it types); other addresses are not.
FAILURES_PER_ADDRESS_CODE = 5
CODE_WINDOW_SECONDS = 24 * 3600
#: The codes this visitor proved (code + PIN or phone digits) on the tracking page (the rating
#: page accepts them as proof of holding the receipt), and those proved with the PIN (tracking
#: or the fee page's unlock: the fee page, which shows the applicant's name, opens only for
#: these, not for the phone digits, which a neighbour may know). Kept in a signed cookie, not
#: the session, so a lookup writes nothing to the database (ADR 0043); the session keys of
#: sessions from before are still read.
TRACKED_SESSION_KEY = "tracked_dossiers"
PIN_SESSION_KEY = "pin_proven_dossiers"
PROVEN_COOKIE = "motcua_proven"
PROVEN_COOKIE_SALT = "motcua.portal.proven-dossiers"
TRACKED_MAX = 20

security_log = logging.getLogger("motcua.security")


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def too_many_lookups(request: HttpRequest, bucket: str) -> bool:
    """Count a public lookup from this address in `bucket` (track, kiosk, rate); True when it
    is beyond LOOKUPS_PER_WINDOW in WINDOW_SECONDS."""
    key = f"rl:{bucket}:{_client(request)}"
    return ratelimit.hit(key=key, limit=LOOKUPS_PER_WINDOW, window_seconds=WINDOW_SECONDS)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _code_key(code: str) -> str:
    return "rl:track-code:" + _digest(code)


def _pair_key(code: str, address: str) -> str:
    return "rl:track-pair:" + _digest(f"{address}|{code}")


def typed_factor(raw: str) -> str:
    """A PIN or phone digits as typed: full-width digits made ASCII (NFKC), spaces dropped;
    "" when something else than ASCII remains (it cannot match)."""
    text = "".join(unicodedata.normalize("NFKC", raw or "").split())[:12]
    return text if text.isascii() else ""


def _looks_like_phone_digits(factor: str) -> bool:
    digits = int(getattr(settings, "MOTCUA_TRACK_PHONE_DIGITS", 4))
    return digits > 0 and len(factor) == digits and factor.isdigit()


class FactorOutcome(enum.Enum):
    PIN = "pin"  # the PIN printed on the receipt matched
    PHONE = "phone"  # the phone's last digits matched
    WRONG = "wrong"  # nothing matched (the try stays counted)
    ADDRESS_BLOCKED = "address_blocked"  # this address used its wrong tries for this code
    PHONE_CLOSED = "phone_closed"  # phone digits typed, but the code's budget is used


@dataclass(frozen=True)
class FactorCheck:
    outcome: FactorOutcome
    track: Any = None  # dossiers' PublicTrack when the factor matched
    #: Read with it: "payments_paid" (payer_fee_annotations), "feedback_rated" (rating_annotations)
    extra: dict[str, Any] | None = None
    lookup: PublicLookup | None = None  # what public_track_lookup answered, when it matched


@functools.cache
def _annotations() -> dict[str, Any]:
    """What every lookup reads with the dossier besides its columns (fixed expressions: the
    precompiled statement is keyed by their names, ADR 0043)."""
    return {**payer_fee_annotations(), **rating_annotations()}


def factor_check(
    request: HttpRequest, code: str, factor: str, *, phone: bool, timeline: bool = True
) -> FactorCheck:
    """Check a second factor for a (normalised) dossier code, for tracking (`phone`: the PIN or
    the phone's last digits) and the fee page's unlock (the PIN only).

    Each try is counted before it is checked (ADR 0016), under the address + code and under
    the code: a try that matches is taken back from both, so only wrong ones stay. An address
    with FAILURES_PER_ADDRESS_CODE wrong tries for the code is refused for it. When the code
    has FAILURES_PER_CODE wrong tries from all addresses, phone digits are refused (without
    being checked) but the PIN is still checked: guessing cannot lock the owner out. The try
    that uses the code's budget up is logged as a security event and audited on the dossier
    (`_alert_guessing`). With `timeline=False` the dossier's events are not read
    (`FactorCheck.lookup` has what `public_track_timeline` needs)."""
    address = _client(request)
    pair_key, code_key = _pair_key(code, address), _code_key(code)
    if ratelimit.hit(
        key=pair_key, limit=FAILURES_PER_ADDRESS_CODE, window_seconds=CODE_WINDOW_SECONDS
    ):
        return FactorCheck(FactorOutcome.ADDRESS_BLOCKED)
    code_used_up = ratelimit.hit(
        key=code_key, limit=FAILURES_PER_CODE, window_seconds=CODE_WINDOW_SECONDS
    )
    if code_used_up and phone and _looks_like_phone_digits(factor):
        # Not checked, so it tells nothing and costs the owner nothing: taken back.
        ratelimit.release(key=pair_key)
        ratelimit.release(key=code_key)
        return FactorCheck(FactorOutcome.PHONE_CLOSED)
    found = public_track_lookup(
        code=code,
        factor=factor,
        phone=phone and not code_used_up,
        annotations=_annotations(),
        timeline=timeline,
    )
    if found.track is not None:
        ratelimit.release(key=pair_key)
        ratelimit.release(key=code_key)
        outcome = FactorOutcome.PIN if found.factor == "pin" else FactorOutcome.PHONE
        return FactorCheck(outcome, found.track, found.extra or {}, found)
    if not code_used_up and ratelimit.attempts(key=code_key) == FAILURES_PER_CODE:
        _alert_guessing(code, address)
    return FactorCheck(FactorOutcome.WRONG)


def _alert_guessing(code: str, address: str) -> None:
    """The code's daily budget of wrong factors was just used: someone is guessing. A WARNING
    on the `motcua.security` logger (for the operators' monitoring) and, when the dossier
    exists, an audit entry on it (actor: system) for the agency's records."""
    security_log.warning(
        "tracking: %d wrong second factors for dossier code %s in %d h, the last from %s; "
        "until the window ends only the PIN opens it",
        FAILURES_PER_CODE,
        code,
        CODE_WINDOW_SECONDS // 3600,
        address,
    )
    dossier = dossier_for_audit(code=code)
    if dossier is not None:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="tracking.guessing",
                obj=dossier,
                data={
                    "failures": FAILURES_PER_CODE,
                    "window_hours": CODE_WINDOW_SECONDS // 3600,
                    "last_address": address,
                },
            )


def tracked_codes(request: HttpRequest) -> list[str]:
    """The dossier codes this visitor proved on the tracking page (or with the PIN anywhere)."""
    return _proven(request)[0]


def pin_proven_codes(request: HttpRequest) -> list[str]:
    """The dossier codes this visitor proved with the PIN."""
    return _proven(request)[1]


def _proven(request: HttpRequest, *, legacy: bool = True) -> tuple[list[str], list[str]]:
    """(tracked, proved with the PIN): the signed cookie's lists (or what this request
    remembered), with, when `legacy`, the session's lists of sessions from before the cookie
    (read only when the visitor has a session: the tracking page does not ask)."""
    pending = getattr(request, "_motcua_proven", None)
    if pending is not None:
        tracked, pinned = pending
    else:
        tracked, pinned = _cookie_codes(request)
    if legacy and settings.SESSION_COOKIE_NAME in request.COOKIES:
        session = request.session
        tracked = _merge(_session_codes(session, TRACKED_SESSION_KEY), tracked)
        pinned = _merge(_session_codes(session, PIN_SESSION_KEY), pinned)
    return tracked, pinned


def _cookie_codes(request: HttpRequest) -> tuple[list[str], list[str]]:
    raw = request.COOKIES.get(PROVEN_COOKIE)
    if not raw:
        return [], []
    try:
        value = signing.loads(raw, salt=PROVEN_COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return [], []
    if not isinstance(value, dict):
        return [], []
    return _codes(value.get("t")), _codes(value.get("p"))


def _codes(value: Any) -> list[str]:
    return (
        [c for c in value if isinstance(c, str)][-TRACKED_MAX:] if isinstance(value, list) else []
    )


def _session_codes(session: Any, key: str) -> list[str]:
    return _codes(session.get(key))


def _merge(first: list[str], then: list[str]) -> list[str]:
    return ([c for c in first if c not in then] + then)[-TRACKED_MAX:]


def remember_proven(request: HttpRequest, code: str, *, by_pin: bool) -> None:
    """Remember that this visitor proved the code (and whether with the PIN). Written to the
    visitor's signed cookie by `proven_cookie_apply` on the response, and only when the lists
    change: tracking the same dossier again writes nothing."""
    tracked, pinned = _proven(request, legacy=False)
    new_tracked = tracked if code in tracked else _merge(tracked, [code])
    new_pinned = pinned if (code in pinned or not by_pin) else _merge(pinned, [code])
    if new_tracked != tracked or new_pinned != pinned:
        request._motcua_proven = (new_tracked, new_pinned)  # type: ignore[attr-defined]
        request._motcua_proven_changed = True  # type: ignore[attr-defined]


def proven_cookie_apply(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the signed cookie of proven codes on `response` when `remember_proven` changed
    them in this request (HttpOnly, SameSite=Lax, Secure like the session's cookie, for as
    long as a session lives)."""
    if getattr(request, "_motcua_proven_changed", False):
        tracked, pinned = request._motcua_proven  # type: ignore[attr-defined]
        response.set_cookie(
            PROVEN_COOKIE,
            signing.dumps({"t": tracked, "p": pinned}, salt=PROVEN_COOKIE_SALT, compress=True),
            max_age=None
            if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            else settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        request._motcua_proven_changed = False  # type: ignore[attr-defined]
    return response


# The page around the tracking and kiosk answers (base.html: header, menus, language forms,
# footer: ~20 {% url %} and ~40 {% translate %}) is the same for every anonymous visitor: it is
# rendered once per process, language, time zone and script prefix, with marks where each
# request's answer, CSRF token and path go (ADR 0043). Random per process, so no content can
# match them by chance.
_BODY_MARK = "<!--body" + secrets.token_hex(16) + "-->"
_CSRF_MARK = "csrf" + secrets.token_hex(16)
_PATH_MARK = "path" + secrets.token_hex(16)
_pages: dict[tuple[str, ...], tuple[str, str]] = {}


def _page_may_be_kept(request: HttpRequest) -> bool:
    """The page around the answer looks the same for any anonymous visitor with no message
    waiting; not with DEBUG (templates being edited)."""
    if settings.DEBUG:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


def _page_key(template: str) -> tuple[str, ...]:
    return (
        template,
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )


def _render_answer(
    request: HttpRequest,
    template: str,
    body: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    body_html: str | None = None,
) -> HttpResponse:
    """`template` (which includes `body` in its content block) with `context`; for an
    anonymous visitor, only `body` is rendered (or `body_html`, when given: `body` rendered
    before), into the page kept around it."""
    if not _page_may_be_kept(request):
        return render(request, template, context, status=status)
    key = _page_key(template)
    parts = _pages.get(key)
    if parts is None:
        shell = copy.copy(request)
        shell.get_full_path = lambda *args, **kwargs: _PATH_MARK  # type: ignore[method-assign]
        shell_html: str = render_to_string(
            template,
            {"csrf_token": _CSRF_MARK, "public_body_html": mark_safe(_BODY_MARK)},  # noqa: S308
            request=shell,
        )
        head, found, tail = shell_html.partition(_BODY_MARK)
        if not found:  # pragma: no cover - a template without the body: render it whole
            if body_html is not None:
                context = {**context, "public_body_html": mark_safe(body_html)}  # noqa: S308
            return render(request, template, context, status=status)
        parts = _pages[key] = (head, tail)
    if body_html is None:
        body_html = str(render_to_string(body, context, request=request))
    html: str = parts[0] + body_html + parts[1]
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, get_token(request))
    html = html.replace(_PATH_MARK, escape(request.get_full_path()))
    return HttpResponse(html, status=status)


# A found dossier's answer (the tracking page's body) is kept, rendered, keyed by everything it
# is made of (ADR 0049): the dossier's public state as its one statement read it
# (`PublicLookup.state`: the shown columns, the latest result, the fee and payment, the rating,
# and the head of its events' hash chain, which every new event changes), the code and factor
# as typed back into the form, the language, time zone, script prefix and local date. A repeat
# lookup of an unchanged dossier is then that one statement and no render, no events read.
# Only answers to a matched code + second factor are kept, and only found after the factor was
# checked: a key can only be made by someone who typed the factor, and a wrong one never fills
# the memo. Per process, least recently used dropped beyond _ANSWERS_MAX (a body is ~3 KB).
_ANSWERS_MAX = 512
_answers: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_answers_lock = threading.Lock()


def _answer_key(lookup: PublicLookup, context: dict[str, Any]) -> tuple[Any, ...]:
    return (
        *_page_key("portal/_track_body.html"),
        timezone.localdate(clock.now()),
        context["code"],
        context["pin"],
        lookup.state,
    )


def _answer_get(key: tuple[Any, ...]) -> str | None:
    try:
        hash(key)
    except TypeError:  # a value of the state that cannot be a key (none today): never kept
        return None
    with _answers_lock:
        html = _answers.get(key)
        if html is not None:
            _answers.move_to_end(key)
        return html


def _answer_put(key: tuple[Any, ...], html: str) -> None:
    try:
        hash(key)
    except TypeError:
        return
    with _answers_lock:
        _answers[key] = html
        while len(_answers) > _ANSWERS_MAX:
            _answers.popitem(last=False)


def _timeline(events: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Plain sentences, oldest first; a sentence repeated in a row (several internal
    handovers) is shown once, at its first time."""
    rows: list[tuple[Any, str]] = []
    for at, action in events:
        text = str(ACTION_TEXT.get(action, "")) or _("The dossier was updated.")
        if rows and rows[-1][1] == text:
            continue
        rows.append((at, text))
    return rows


@public
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Tracking without signing in: the dossier code and a second factor, the PIN printed on
    the receipt (the QR code carries both) or the last 4 digits of the applicant's phone.
    The code is read as people type it (`dossier_code_normalize`). Rate-limited per address,
    per address and code, and per code (`factor_check`). A success is remembered in the
    session so the visitor may rate the handling (and, proved with the PIN, pay fees) for that
    dossier."""
    typed = (code or request.GET.get("ma") or "").strip()[:64]
    code = dossier_code_normalize(typed)
    pin = typed_factor(request.GET.get("pin") or "")
    context: dict[str, Any] = {"code": code or typed, "pin": pin}
    status = 200
    if typed or pin:
        if too_many_lookups(request, "track"):
            context["error"] = _("Too many lookups from your connection. Wait ten minutes.")
            return _track_page(request, context, 429)
        check = (
            factor_check(request, code, pin, phone=True, timeline=False) if code and pin else None
        )
        if check is not None and check.outcome is FactorOutcome.ADDRESS_BLOCKED:
            context["error"] = _(
                "Too many wrong attempts for this dossier code from your connection. Try again "
                "tomorrow, or ask the one-stop desk."
            )
            return _track_page(request, context, 429)
        if check is not None and check.outcome is FactorOutcome.PHONE_CLOSED:
            context["error"] = _(
                "Too many wrong attempts were made for this dossier code today: until tomorrow "
                "it opens only with the PIN printed on your receipt."
            )
            context["error_field"] = "pin"
            return _track_page(request, context, 429)
        if check is None or check.track is None:
            context["error"] = _(
                "No dossier matches this code and PIN (or phone digits). Check both on your "
                "receipt."
            )
            context["error_field"] = "pin" if code else "ma"
            status = 404
        else:
            remember_proven(request, check.track.code, by_pin=check.outcome is FactorOutcome.PIN)
            assert check.lookup is not None
            if not _page_may_be_kept(request):
                _track_context(context, check)
                return proven_cookie_apply(request, _track_page(request, context, status))
            key = _answer_key(check.lookup, context)
            body_html = _answer_get(key)
            if body_html is None:
                _track_context(context, check)
                body_html = str(
                    render_to_string("portal/_track_body.html", context, request=request)
                )
                _answer_put(key, body_html)
            page = _render_answer(
                request,
                "portal/track.html",
                "portal/_track_body.html",
                context,
                status,
                body_html=body_html,
            )
            return proven_cookie_apply(request, page)
    return proven_cookie_apply(request, _track_page(request, context, status))


def _track_context(context: dict[str, Any], check: FactorCheck) -> None:
    """What the answer shows of a matched dossier, its events read now."""
    assert check.lookup is not None
    result = public_track_timeline(lookup=check.lookup)
    extra = check.extra or {}
    context["track"] = result
    context["status_label"] = STATUS_LABELS[DossierStatus(result.status)]
    context["timeline"] = _timeline(list(result.timeline))
    context["can_rate"] = rating_open_read(
        status=result.status, rated=bool(extra.get("feedback_rated"))
    )
    context["fee"] = payer_fee_state(
        status=result.status, paid=bool(extra.get("payments_paid")), charges_fee=result.charges_fee
    )


def _track_page(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    return _render_answer(request, "portal/track.html", "portal/_track_body.html", context, status)


@public
def kiosk(request: HttpRequest) -> HttpResponse:
    """The desk's kiosk: a barcode scanner types the code; the status shows in large type.
    Only the status and the appointment date are shown."""
    typed = (request.GET.get("ma") or "").strip()[:64]
    code = dossier_code_normalize(typed)
    context: dict[str, Any] = {"code": code or typed}
    status = 200
    if typed:
        if too_many_lookups(request, "kiosk"):
            context["error"] = _("Too many lookups. Wait ten minutes.")
            return _kiosk_page(request, context, 429)
        dossier = kiosk_status(code=code) if code else None
        if dossier is None:
            context["error"] = _("No dossier has this code.")
            status = 404
        else:
            context["dossier"] = dossier
            context["status_label"] = STATUS_LABELS[DossierStatus(dossier.status)]
    return _kiosk_page(request, context, status)


def _kiosk_page(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    return _render_answer(request, "portal/kiosk.html", "portal/_kiosk_body.html", context, status)


def _verify_context(pdf: bytes) -> dict[str, Any]:
    # pyHanko is imported when a PDF is verified, not by every web worker (ADR 0043).
    from motcua.documents.api import trust_roots_from_settings, verify_pdf

    report = verify_pdf(pdf=pdf, trust_roots=trust_roots_from_settings())
    registered = result_find_by_sha256(sha256=report.sha256)
    return {"report": report, "registered_code": registered.dossier.code if registered else None}


@public
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a PDF; the answer says in plain words whether its signatures are valid,
    who signed for which agency and when, whether it changed after signing, and whether it is
    the result registered for a dossier."""
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a PDF file.")
            status = 400
        elif upload.size and upload.size > 20 * 1024 * 1024:
            context["error"] = _("The file is larger than 20 MB.")
            status = 400
        else:
            try:
                context.update(_verify_context(upload.read()))
            except ApplicationError as exc:
                context["error"] = exc.message
                status = 400
    return render(request, "portal/verify.html", context, status=status)


@public
def verify_registered(request: HttpRequest, code: str) -> HttpResponse:
    """Verify the signed result registered for a dossier, by its code."""
    doc = result_signed_for_code(code=code)
    if doc is None:
        return render(
            request,
            "portal/verify.html",
            {"error": _("No signed result is registered for this code.")},
            status=404,
        )
    with doc.file.open("rb") as fh:
        context = _verify_context(fh.read())
    context["checked_code"] = code
    return render(request, "portal/verify.html", context)
