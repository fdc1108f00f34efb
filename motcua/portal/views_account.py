"""Citizen accounts on the portal: sign-up, verification codes, sign-in (also with the
national e-ID), the profile that prefills forms, password change and reset.

Interface only: forms parse, `accounts.api` decides, templates render. Plain forms, POST then
redirect, errors beside the fields with what the person typed kept."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.accounts.api import (
    OidcError,
    applicant_prefill,
    citizen_authenticate,
    citizen_is_verified,
    citizen_oidc_link,
    citizen_oidc_sign_in,
    citizen_profile_get,
    citizen_profile_update,
    citizen_sign_up,
    citizen_verify_contact,
    commune_choices,
    mark_session_verified,
    oidc_enabled,
    oidc_start,
    password_reset_code_send,
    password_reset_users,
    password_reset_with_code,
    recovery_codes_left,
    session_two_factor_state,
    signed_in,
    two_factor_state,
    two_factor_verify,
    user_get,
    user_landing,
    verification_code_send,
)
from motcua.accounts.data import Landing, TwoFactorState
from motcua.core.access import public
from motcua.core.errors import ApplicationError
from motcua.core.links import public_url

if TYPE_CHECKING:
    from motcua.accounts.models import User

BACKEND = "django.contrib.auth.backends.ModelBackend"
OIDC_SESSION_KEY = "motcua_oidc"


# --- forms ------------------------------------------------------------------------------------


class AccessibleForm(forms.Form):
    """Ties hints and errors to their inputs (aria-describedby, aria-invalid) and takes the
    field errors of a service's ValidationFailed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark_fields()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_fields()

    def mark_fields(self) -> None:
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described = []
            if field.help_text:
                described.append(f"{auto_id}-hint")
            if self.is_bound and name in self.errors:
                described.append(f"{auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def add_service_errors(self, exc: ApplicationError) -> None:
        placed = False
        for key, problems in exc.field_errors.items():
            target = key if key in self.fields else None
            for problem in problems:
                self.add_error(target, problem)
                placed = True
        if not placed:
            self.add_error(None, exc.message)
        self.mark_fields()


def _commune_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=gettext_lazy("Commune or ward"),
        choices=lambda: [("", "—"), *commune_choices(province_code=settings.MOTCUA_PROVINCE_CODE)],
        coerce=int,
        empty_value=None,
        required=False,
    )


KIND_CHOICES = [
    ("person", gettext_lazy("A person")),
    ("organisation", gettext_lazy("An organisation or business")),
]


class ProfileFields(AccessibleForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("You file dossiers as"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="person",
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Personal ID number (12 digits)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date as dd/mm/yyyy.")},
    )
    address = forms.CharField(
        label=gettext_lazy("Address (house number, street, village)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    commune_code = _commune_field()
    organisation_name = forms.CharField(
        label=gettext_lazy("Organisation name"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    tax_code = forms.CharField(
        label=gettext_lazy("Tax code"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative = forms.CharField(
        label=gettext_lazy("Legal representative"), max_length=255, required=False
    )

    def profile_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d.get("kind") or "person",
            "full_name": d.get("full_name", ""),
            "id_number": d.get("id_number", ""),
            "date_of_birth": d.get("date_of_birth"),
            "address": d.get("address", ""),
            "commune_code": d.get("commune_code"),
            "organisation_name": d.get("organisation_name", ""),
            "tax_code": d.get("tax_code", ""),
            "representative": d.get("representative", ""),
        }


class SignUpForm(ProfileFields):
    contact = forms.CharField(
        label=gettext_lazy("Email address or mobile number"),
        help_text=gettext_lazy("We send a 6-digit code there to check that it is yours."),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        help_text=gettext_lazy("At least 8 characters; not only digits; not a common password."),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class ProfileForm(ProfileFields):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": gettext_lazy("Enter a valid email address, e.g. ten@example.vn.")
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class VerifyForm(AccessibleForm):
    channel = forms.ChoiceField(widget=forms.HiddenInput, choices=[("email", ""), ("phone", "")])
    code = forms.CharField(
        label=gettext_lazy("Code"),
        help_text=gettext_lazy("The 6 digits in the message we sent."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input"}
        ),
        error_messages={"required": gettext_lazy("Enter the code from the message.")},
    )


class IdentifierLoginForm(AuthenticationForm):
    """Sign in with a username, an email address or a mobile number (throttled)."""

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier is not None and password:
            try:
                self.user_cache = citizen_authenticate(
                    request=self.request,
                    identifier=identifier,
                    password=password,
                    ip=str(self.request.META.get("REMOTE_ADDR", "")) if self.request else "",
                )
            except ApplicationError as exc:
                raise ValidationError(exc.message, code=exc.code) from exc
            self.confirm_login_allowed(self.user_cache)
        elif not identifier or not password:
            raise ValidationError(
                _("Enter your email address, mobile number or username, and your password."),
                code="required",
            )
        return self.cleaned_data


CAME_FROM_SESSION_KEY = "motcua_login_came_from"
#: Pages a citizen is never sent back to after signing in (account pages, sign-out).
NOT_CAME_FROM = ("/dang-nhap/", "/dang-xuat/", "/dang-ky/", "/quen-mat-khau/", "/dat-lai-mat-khau/")


def landing_url(user: Any) -> str:
    """The page a signed-in user starts on: the worklist, the desk overview, the admin site or
    the citizen's own dossiers (accounts.api.user_landing decides by role)."""
    landing = user_landing(user=user)
    if landing is Landing.WORKLIST:
        return reverse("desk:worklist")
    if landing is Landing.OVERVIEW:
        return reverse("desk:overview")
    if landing is Landing.ADMIN:
        return reverse("admin:index")
    if landing is Landing.FEEDBACK:
        return reverse("desk:pakn_register")
    return reverse("portal:my_dossiers")


def _came_from(request: HttpRequest) -> str:
    """The same-site page that linked to the sign-in page (its Referer), or "" when it was
    another site, an account page, or nothing."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return ""
    path = parts.path or "/"
    # The home page says nothing about what the citizen wanted: their dossiers do better.
    if path == "/" or path.startswith(NOT_CAME_FROM) or path.startswith("/admin/"):
        return ""
    return path + (f"?{parts.query}" if parts.query else "")


def after_sign_in_url(request: HttpRequest, user: Any, explicit_next: str = "") -> str:
    """Where to go after signing in: an explicit safe `next` wins; else officers go to their
    desk page by role; a citizen goes back to the page that sent them to sign in (kept in the
    session by the sign-in page), else to their dossiers."""
    if explicit_next:
        return explicit_next
    came_from = request.session.pop(CAME_FROM_SESSION_KEY, "")
    landing = user_landing(user=user)
    if landing is Landing.MY_DOSSIERS and came_from:
        return str(came_from)
    return landing_url(user)


class CitizenLoginView(auth_views.LoginView):
    """The one sign-in form, for citizens, officers and staff alike (throttled)."""

    authentication_form = IdentifierLoginForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and not request.GET.get(self.redirect_field_name):
            came_from = _came_from(request)
            if came_from:
                request.session[CAME_FROM_SESSION_KEY] = came_from
            else:
                request.session.pop(CAME_FROM_SESSION_KEY, None)
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return after_sign_in_url(self.request, self.request.user, self.get_redirect_url())

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """The password is right. Someone with an authenticator is not signed in yet: the
        second step asks for a code (the password stays good for a few minutes). Someone who
        must set one up is signed in and sent to set it up (the middleware lets them reach
        nothing else); anyone else is signed in (ADR 0034)."""
        user = form.get_user()
        state = two_factor_state(user=user)
        if state is TwoFactorState.VERIFY:
            self.request.session[TWO_FACTOR_PENDING_KEY] = {
                "user": user.pk,
                "backend": getattr(user, "backend", BACKEND),
                "next": self.get_redirect_url(),
                "at": time.time(),
            }
            return redirect("portal:two_factor_verify")
        response = super().form_valid(form)
        if state is TwoFactorState.ENROL:
            return redirect(
                reverse("desk:two_factor") + "?" + urlencode({"next": response["Location"]})
            )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        context["oidc_name"] = settings.MOTCUA_OIDC_PROVIDER_NAME
        return context


TWO_FACTOR_PENDING_KEY = "motcua_two_factor_pending"


class SecondFactorForm(AccessibleForm):
    otp = forms.CharField(
        label=gettext_lazy("Authentication code"),
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "inputmode": "text",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "code-input",
                "autofocus": True,
            }
        ),
        error_messages={"required": gettext_lazy("Enter the code from your authenticator app.")},
    )


class EmailResetForm(PasswordResetForm):
    """Django's reset form, sending only to users allowed a reset link (verified emails). The
    link in the e-mail is built from MOTCUA_PUBLIC_URL (`reset_url`), never from the Host
    header of the request that asked for it."""

    def get_users(self, email: str) -> Any:
        return iter(password_reset_users(email=email))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context["reset_url"] = public_url(
            reverse(
                "portal:password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            )
        )
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )


class PhoneResetRequestForm(AccessibleForm):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": gettext_lazy("Enter your mobile number.")},
    )


class PhoneResetForm(AccessibleForm):
    code = VerifyForm.base_fields["code"]
    new_password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Enter a new password.")},
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Enter the new password again.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords are not the same."))
        return data


# --- helpers ----------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def _pending_channels(request: HttpRequest) -> list[tuple[str, str]]:
    """(channel, destination) of the user's contacts not yet verified."""
    profile = citizen_profile_get(user=request.user)  # type: ignore[arg-type]
    user = request.user
    pending = []
    if user.email and (profile is None or profile.email_verified_at is None):  # type: ignore[union-attr]
        pending.append(("email", user.email))  # type: ignore[union-attr]
    if user.phone and (profile is None or profile.phone_verified_at is None):  # type: ignore[union-attr]
        pending.append(("phone", user.phone))  # type: ignore[union-attr]
    return pending


# --- views ------------------------------------------------------------------------------------


@public
def admin_login(request: HttpRequest) -> HttpResponse:
    """/admin/login/. The admin's own sign-in form is not used: it has no throttle against
    password guessing, so staff sign in on the portal's form (the sign-in throttle it shares
    with the API's token endpoint, accounts.api.password_sign_in) and
    come back. Someone signed in who may not use the admin site (not staff) gets a page that
    says so, with a link to their own start page — never the sign-in page again, which would
    send them back here (a redirect loop)."""
    user: Any = request.user
    if user.is_authenticated and not (user.is_active and user.is_staff):
        return render(
            request,
            "portal/account/admin_forbidden.html",
            {
                "home_url": landing_url(user),
                "landing": user_landing(user=user).value,
            },
            status=403,
        )
    return redirect_to_login(request.GET.get("next") or "/admin/", reverse("portal:login"))


def _pending_second_step(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    """The person whose password was right a few minutes ago and who owes a code, or the
    signed-in person whose session still owes one (a sign-in by another door)."""
    user: Any = request.user
    if user.is_authenticated:
        if session_two_factor_state(request) is TwoFactorState.VERIFY:
            return user, {"next": _safe_next(request, request.GET.get("next"), "")}
        return None, {}
    pending = request.session.get(TWO_FACTOR_PENDING_KEY) or {}
    fresh = (
        time.time() - float(pending.get("at", 0)) < 60 * settings.MOTCUA_TWO_FACTOR_PENDING_MINUTES
    )
    pk = pending.get("user")
    found = user_get(pk=pk, active_only=True) if isinstance(pk, int) and fresh else None
    if found is None:
        request.session.pop(TWO_FACTOR_PENDING_KEY, None)
        return None, {}
    return found, pending


@public
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """/dang-nhap/xac-thuc-hai-lop/: the second step of signing in — a code of the person's
    authenticator app, or one of their recovery codes (throttled like the password)."""
    user, pending = _pending_second_step(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect(landing_url(request.user))
        messages.info(request, _("Sign in again: the sign-in took too long."))
        return redirect("portal:login")
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kind = two_factor_verify(
                    user=user,
                    code=form.cleaned_data["otp"],
                    address=str(request.META.get("REMOTE_ADDR", "")),
                    request=request,
                )
            except ApplicationError as exc:
                form.add_error("otp", exc.message)
                form.mark_fields()
                status = exc.status_code if exc.status_code in (401, 403, 429) else 400
            else:
                if not request.user.is_authenticated:
                    auth_login(request, user, backend=pending.get("backend") or BACKEND)
                request.session.pop(TWO_FACTOR_PENDING_KEY, None)
                mark_session_verified(request)
                if kind == "recovery":
                    left = recovery_codes_left(user=user)
                    messages.warning(
                        request,
                        ngettext(
                            "You signed in with a recovery code: %(left)s is left. Make new "
                            "recovery codes on the two-factor sign-in page.",
                            "You signed in with a recovery code: %(left)s are left. Make new "
                            "recovery codes on the two-factor sign-in page.",
                            left,
                        )
                        % {"left": left},
                    )
                return redirect(after_sign_in_url(request, user, pending.get("next") or ""))
        else:
            status = 400
    return render(
        request,
        "portal/account/two_factor_verify.html",
        {"form": form, "person": user},
        status=status,
    )


@public
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_sign_up(
                contact=form.cleaned_data["contact"],
                password=form.cleaned_data["password"],
                **form.profile_values(),
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            auth_login(request, user, backend=BACKEND)
            messages.success(
                request,
                _("Your account was created. Enter the code we sent to finish."),
            )
            return redirect("portal:account_verify")
    return render(
        request,
        "portal/account/signup.html",
        {
            "form": form,
            "oidc_enabled": oidc_enabled(),
            "oidc_name": settings.MOTCUA_OIDC_PROVIDER_NAME,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@signed_in
def verify(request: HttpRequest) -> HttpResponse:
    pending = _pending_channels(request)
    if not pending:
        if citizen_is_verified(request.user):
            messages.info(request, _("Your contacts are verified."))
        return redirect("portal:account")
    channels = dict(pending)
    channel = request.POST.get("channel") or request.GET.get("kenh") or pending[0][0]
    if channel not in channels:
        channel = pending[0][0]
    form = VerifyForm(request.POST or None, initial={"channel": channel})
    if request.method == "POST" and form.is_valid():
        try:
            citizen_verify_contact(
                user=request.user,  # type: ignore[arg-type]
                channel=form.cleaned_data["channel"],
                code=form.cleaned_data["code"],
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Thank you: your contact is verified."))
            return redirect(_safe_next(request, request.GET.get("next"), reverse("portal:account")))
    return render(
        request,
        "portal/account/verify.html",
        {
            "form": form,
            "channel": channel,
            "destination": channels[channel],
            "others": [c for c in pending if c[0] != channel],
            "minutes": settings.MOTCUA_VERIFICATION_CODE_TTL_MINUTES,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@signed_in
def verify_resend(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:account_verify")
    channel = request.POST.get("channel", "")
    if channel not in dict(_pending_channels(request)):
        return redirect("portal:account_verify")
    try:
        verification_code_send(user=request.user, channel=channel, purpose="verify")  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new code was sent."))
    return redirect(reverse("portal:account_verify") + f"?kenh={channel}")


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    profile = citizen_profile_get(user=request.user)  # type: ignore[arg-type]
    prefill = applicant_prefill(request.user)
    communes = dict(commune_choices(province_code=settings.MOTCUA_PROVINCE_CODE))
    commune = communes.get(int(prefill["commune_code"])) if "commune_code" in prefill else None
    return render(
        request,
        "portal/account/profile.html",
        {
            "profile": profile,
            "prefill": prefill,
            "commune": commune,
            "verified": citizen_is_verified(request.user),
            "pending": _pending_channels(request),
            "oidc_enabled": oidc_enabled(),
            "oidc_name": settings.MOTCUA_OIDC_PROVIDER_NAME,
        },
    )


@signed_in
def account_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = citizen_profile_get(user=user)  # type: ignore[arg-type]
    initial: dict[str, Any] = {
        "full_name": user.full_name,  # type: ignore[union-attr]
        "email": user.email,  # type: ignore[union-attr]
        "phone": user.phone,  # type: ignore[union-attr]
    }
    if profile is not None:
        initial |= {
            "kind": profile.kind,
            "id_number": profile.id_number,
            "date_of_birth": profile.date_of_birth,
            "address": profile.address,
            "commune_code": profile.commune_code,
            "organisation_name": profile.organisation_name,
            "tax_code": profile.tax_code,
            "representative": profile.representative,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    from_eid = bool(profile and profile.oidc_subject)
    if from_eid:
        for name in ("full_name", "id_number", "date_of_birth"):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("From the national e-ID; it cannot be changed here.")
        form.mark_fields()
    if request.method == "POST" and form.is_valid():
        try:
            citizen_profile_update(
                user=user,  # type: ignore[arg-type]
                email=form.cleaned_data.get("email", ""),
                phone=form.cleaned_data.get("phone", ""),
                **form.profile_values(),
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your profile was saved."))
            if _pending_channels(request):
                return redirect("portal:account_verify")
            return redirect("portal:account")
    return render(
        request,
        "portal/account/profile_edit.html",
        {"form": form, "from_eid": from_eid},
        status=400 if form.is_bound and form.errors else 200,
    )


@signed_in
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password (or set one, for an account opened with the national e-ID)."""
    user = cast("User", request.user)
    form: SetPasswordForm[User] = (
        PasswordChangeForm(user, request.POST or None)
        if user.has_usable_password()
        else SetPasswordForm(user, request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("portal:account")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form, "has_password": user.has_usable_password()},
        status=400 if form.is_bound and form.errors else 200,
    )


password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=EmailResetForm,
        template_name="registration/password_reset_form.html",
        email_template_name="registration/password_reset_email.html",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("portal:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/password_reset_confirm.html",
        success_url=reverse_lazy("portal:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"
    )
)


@public
def phone_reset_request(request: HttpRequest) -> HttpResponse:
    form = PhoneResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_code_send(phone=form.cleaned_data["phone"])
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            request.session["motcua_reset_phone"] = form.cleaned_data["phone"]
            return redirect("portal:phone_reset")
    return render(
        request,
        "portal/account/phone_reset_request.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@public
def phone_reset(request: HttpRequest) -> HttpResponse:
    phone = request.session.get("motcua_reset_phone")
    if not phone:
        return redirect("portal:phone_reset_request")
    form = PhoneResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_with_code(
                phone=phone,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            request.session.pop("motcua_reset_phone", None)
            messages.success(request, _("Your password was changed. You can sign in now."))
            return redirect("portal:login")
    return render(
        request,
        "portal/account/phone_reset.html",
        {"form": form, "phone": phone},
        status=400 if form.is_bound and form.errors else 200,
    )


def _oidc_redirect_uri(request: HttpRequest) -> str:
    """The callback address registered with the e-ID provider: from MOTCUA_PUBLIC_URL, the same
    whatever Host header the request came with."""
    return public_url(reverse("portal:oidc_callback"))


@public
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the national e-ID with a fresh state, nonce and PKCE verifier."""
    if not oidc_enabled():
        raise Http404
    try:
        start = oidc_start(redirect_uri=_oidc_redirect_uri(request))
    except OidcError as exc:
        return render(
            request,
            "portal/account/oidc_error.html",
            {"message": exc.message, "code": exc.code},
            status=502,
        )
    # ?lien-ket=1 from a signed-in account: link this account to the e-ID instead of signing
    # in to the e-ID's own account.
    link = request.GET.get("lien-ket") == "1" and request.user.is_authenticated
    request.session[OIDC_SESSION_KEY] = {
        "state": start.state,
        "nonce": start.nonce,
        "verifier": start.code_verifier,
        "next": _safe_next(request, request.GET.get("next"), ""),
        "link_user": request.user.pk if link else None,
    }
    return HttpResponseRedirect(start.url)


@public
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The national e-ID sends the browser back here with a code (or an error)."""
    if not oidc_enabled():
        raise Http404
    pending = request.session.pop(OIDC_SESSION_KEY, None) or {}
    if pending.get("link_user"):
        return _oidc_link_finish(request, pending)
    try:
        user = citizen_oidc_sign_in(
            params=request.GET,
            expected_state=pending.get("state", ""),
            nonce=pending.get("nonce", ""),
            code_verifier=pending.get("verifier", ""),
            redirect_uri=_oidc_redirect_uri(request),
        )
    except ApplicationError as exc:
        return render(
            request,
            "portal/account/oidc_error.html",
            {"message": exc.message, "code": exc.code},
            status=400,
        )
    auth_login(request, user, backend=BACKEND)
    messages.success(request, _("You are signed in with the national e-ID."))
    return redirect(pending.get("next") or reverse("portal:account"))


def _oidc_link_finish(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    """The e-ID answered a linking started from the account page: link it to the account that
    started it (the same one must still be signed in)."""
    user: Any = request.user
    if not user.is_authenticated or user.pk != pending.get("link_user"):
        return render(
            request,
            "portal/account/oidc_error.html",
            {
                "message": _("Sign in to your account again, then link the national e-ID."),
                "code": "eid_link_signed_out",
                "linking": True,
            },
            status=400,
        )
    try:
        citizen_oidc_link(
            user=user,
            params=request.GET,
            expected_state=pending.get("state", ""),
            nonce=pending.get("nonce", ""),
            code_verifier=pending.get("verifier", ""),
            redirect_uri=_oidc_redirect_uri(request),
        )
    except ApplicationError as exc:
        return render(
            request,
            "portal/account/oidc_error.html",
            {"message": exc.message, "code": exc.code, "linking": True},
            status=exc.status_code if exc.status_code >= 400 else 400,
        )
    messages.success(request, _("Your account is now linked to the national e-ID."))
    return redirect("portal:account")
