"""Two-factor sign-in on the desk (ADR 0034): an officer sets up an authenticator app (scan the
QR code or type the secret, confirm with a code), keeps ten recovery codes shown once, makes
new ones; an agency or province admin resets it for a person who lost the phone.

Interface only: `accounts.api` decides and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.api import (
    RECOVERY_CODE_COUNT,
    mark_session_verified,
    recovery_codes_left,
    recovery_codes_regenerate,
    session_verified,
    signed_in,
    two_factor_enrol,
    two_factor_enrolled,
    two_factor_may_enrol,
    two_factor_required,
    two_factor_reset,
    two_factor_setup_new,
    user_has_any_role,
    users_by_username,
)
from motcua.accounts.data import Role
from motcua.core.errors import ApplicationError
from motcua.documents.api import qr_svg, svg_data_uri

from .common import officer, render_desk

#: Who may open the reset page (the service checks the person is of their agencies).
RESETTER_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})
#: The secret being set up, kept in the session until its first code confirms it.
SETUP_SESSION_KEY = "motcua_two_factor_setup"


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code shown by the app"),
        help_text=gettext_lazy("6 digits; a new code every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input"}
        ),
        error_messages={"required": gettext_lazy("Enter the 6-digit code the app shows.")},
    )


class ResetForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Sign-in name of the person"),
        max_length=150,
        error_messages={"required": gettext_lazy("Enter the person's sign-in name.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Recorded in the audit log, e.g. phone lost, request no. …"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Give the reason.")},
    )


def _next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _no_store(response: HttpResponse) -> HttpResponse:
    """Recovery codes and the secret are shown once: never kept by a browser's or a proxy's
    cache."""
    response["Cache-Control"] = "no-store"
    return response


def _setup_context(request: HttpRequest, form: EnrolForm) -> dict[str, Any]:
    user = officer(request)
    setup = request.session.get(SETUP_SESSION_KEY)
    if not setup or setup.get("user") != user.pk:
        fresh = two_factor_setup_new(user=user)
        setup = {"user": user.pk, "secret": fresh.secret, "uri": fresh.uri}
        request.session[SETUP_SESSION_KEY] = setup
    return {
        "mode": "setup",
        "form": form,
        "qr": svg_data_uri(qr_svg(setup["uri"])),
        "secret": _grouped(setup["secret"]),
        "next": _next(request),
    }


def _codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    return _no_store(
        render_desk(
            request,
            "desk/two_factor.html",
            {"mode": "codes", "codes": codes, "first": first, "next": _next(request)},
        )
    )


@signed_in
def two_factor(request: HttpRequest) -> HttpResponse:
    """/desk/xac-thuc-hai-lop/: set up an authenticator (also a new phone), see the recovery
    codes left, make new ones."""
    user = officer(request)
    if not two_factor_may_enrol(user=user):
        raise PermissionDenied
    enrolled = two_factor_enrolled(user=user)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "regenerate":
        if not enrolled:
            return redirect("desk:two_factor")
        return _codes_page(request, recovery_codes_regenerate(user=user), first=False)
    setting_up = not enrolled or request.GET.get("thiet-lap") == "1" or action == "enrol"
    if not setting_up:
        return render_desk(
            request,
            "desk/two_factor.html",
            {
                "mode": "status",
                "left": recovery_codes_left(user=user),
                "total": RECOVERY_CODE_COUNT,
                "required": two_factor_required(user=user),
                "can_reset": user.is_superuser
                or user_has_any_role(user=user, roles=RESETTER_ROLES),
            },
        )
    # Setting up a new phone needs a verified session (the middleware sees to it for anyone
    # with an authenticator); a first setup is what an unverified session is sent here for.
    if enrolled and not session_verified(request):
        raise PermissionDenied
    form = EnrolForm(request.POST if action == "enrol" else None)
    status = 200
    if form.is_bound:
        setup = request.session.get(SETUP_SESSION_KEY) or {}
        if form.is_valid():
            try:
                codes = two_factor_enrol(
                    user=user,
                    secret=setup.get("secret", "") if setup.get("user") == user.pk else "",
                    code=form.cleaned_data["code"],
                )
            except ApplicationError as exc:
                form.add_error("code", exc.message)
                status = 400
            else:
                request.session.pop(SETUP_SESSION_KEY, None)
                mark_session_verified(request)
                messages.success(request, _("Two-factor sign-in is on for your account."))
                return _codes_page(request, codes, first=True)
        else:
            status = 400
    context = _setup_context(request, form)
    context["replacing"] = enrolled
    context["required"] = two_factor_required(user=user)
    return _no_store(render_desk(request, "desk/two_factor.html", context, status=status))


@signed_in
def two_factor_reset_view(request: HttpRequest) -> HttpResponse:
    """/desk/xac-thuc-hai-lop/dat-lai/: an agency or province admin (or a superuser) removes
    the authenticator of a person of their agencies (a lost phone); the person sets up a new
    one at the next sign-in. Audited with the reason (`accounts.api.two_factor_reset` decides
    whose it may be)."""
    actor = officer(request)
    if not (actor.is_superuser or user_has_any_role(user=actor, roles=RESETTER_ROLES)):
        raise PermissionDenied
    form = ResetForm(request.POST or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            username = form.cleaned_data["username"].strip()
            person = users_by_username(usernames=[username]).get(username)
            if person is None:
                form.add_error("username", _("No account has this sign-in name."))
            else:
                try:
                    two_factor_reset(
                        actor=officer(request), user=person, reason=form.cleaned_data["reason"]
                    )
                except ApplicationError as exc:
                    placed = False
                    for field, problems in exc.field_errors.items():
                        for problem in problems:
                            form.add_error(field if field in form.fields else None, problem)
                            placed = True
                    if not placed:
                        form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _(
                            "Two-factor sign-in of %(name)s was reset. They set up a new "
                            "authenticator at their next sign-in."
                        )
                        % {"name": person.full_name or person.username},
                    )
                    return redirect("desk:two_factor_reset")
        status = 400
    return render_desk(request, "desk/two_factor_reset.html", {"form": form}, status=status)
