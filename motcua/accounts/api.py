"""Public Python API of the accounts app. Other apps import only this module and data.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from motcua.accounts import selectors as _selectors
from motcua.accounts.oidc import OidcError, OidcStart, oidc_enabled, oidc_finish, oidc_start
from motcua.accounts.permissions import roles_required, signed_in
from motcua.accounts.province_import import (
    commune_choices,
    commune_name,
    province_communes,
    province_import,
)
from motcua.accounts.selectors import (
    agencies_by_id,
    agencies_in_force,
    agencies_monitored_by,
    agencies_served_by,
    agencies_watched_by,
    agencies_where_desk_officer,
    agency_from_row,
    agency_get_by_code,
    agency_list,
    agency_where_desk_officer,
    citizen_profile_get,
    commune_codes,
    desk_agencies_sql,
    desks_of,
    password_reset_users,
    role_assignments_by_role,
    role_assignments_held,
    role_holder_ids,
    role_holders,
    user_agency_ids,
    user_exists,
    user_get,
    user_has_any_role,
    user_landing,
    user_roles,
    users_by_username,
)
from motcua.accounts.services.agencies import agency_upsert
from motcua.accounts.services.eid import citizen_link_oidc, citizen_sign_in_oidc
from motcua.accounts.services.passwords import password_reset_code_send, password_reset_with_code
from motcua.accounts.services.profiles import citizen_profile_import, citizen_profile_update
from motcua.accounts.services.roles import role_grant
from motcua.accounts.services.signin import (
    SignInThrottled,
    citizen_authenticate,
    password_sign_in,
)
from motcua.accounts.services.signup import citizen_sign_up
from motcua.accounts.services.tokens import api_token_authenticate, api_token_issue
from motcua.accounts.services.twofactor import (
    RECOVERY_CODE_COUNT,
    SecondFactorRejected,
    recovery_codes_left,
    recovery_codes_regenerate,
    two_factor_demo_off,
    two_factor_enrol,
    two_factor_enrolled,
    two_factor_may_enrol,
    two_factor_may_reset,
    two_factor_required,
    two_factor_requirement_register,
    two_factor_reset,
    two_factor_setup_new,
    two_factor_state,
    two_factor_verify,
)
from motcua.accounts.services.users import account_ensure, two_factor_exempt_mark
from motcua.accounts.services.verification import citizen_verify_contact, verification_code_send
from motcua.accounts.twofactor_session import (
    mark_session_verified,
    session_two_factor_state,
    session_verified,
)

if TYPE_CHECKING:
    from motcua.accounts.models import CitizenProfile, User

__all__ = [
    "OidcError",
    "OidcStart",
    "SignInThrottled",
    "password_sign_in",
    "applicant_prefill",
    "citizen_authenticate",
    "citizen_is_verified",
    "citizen_oidc_link",
    "citizen_oidc_sign_in",
    "citizen_profile_get",
    "citizen_profile_import",
    "citizen_profile_update",
    "citizen_sign_up",
    "citizen_verify_contact",
    "oidc_enabled",
    "oidc_start",
    "password_reset_code_send",
    "password_reset_users",
    "password_reset_with_code",
    "verification_code_send",
    "account_ensure",
    "agencies_by_id",
    "agencies_in_force",
    "agencies_served_by",
    "agencies_monitored_by",
    "agencies_watched_by",
    "agencies_where_desk_officer",
    "agency_get_by_code",
    "agency_where_desk_officer",
    "desk_agencies_sql",
    "desks_of",
    "agency_from_row",
    "agency_list",
    "agency_upsert",
    "commune_choices",
    "commune_name",
    "commune_codes",
    "province_communes",
    "province_import",
    "api_token_authenticate",
    "api_token_issue",
    "role_assignments_by_role",
    "role_assignments_held",
    "role_grant",
    "role_holder_ids",
    "role_holders",
    "roles_required",
    "signed_in",
    "user_agency_ids",
    "user_exists",
    "user_get",
    "user_has_any_role",
    "user_landing",
    "user_roles",
    "users_by_username",
    # two-factor sign-in (ADR 0034)
    "RECOVERY_CODE_COUNT",
    "SecondFactorRejected",
    "mark_session_verified",
    "recovery_codes_left",
    "recovery_codes_regenerate",
    "session_two_factor_state",
    "session_verified",
    "two_factor_demo_off",
    "two_factor_enrol",
    "two_factor_enrolled",
    "two_factor_may_enrol",
    "two_factor_may_reset",
    "two_factor_required",
    "two_factor_requirement_register",
    "two_factor_reset",
    "two_factor_setup_new",
    "two_factor_state",
    "two_factor_verify",
    "two_factor_exempt_mark",
]


def citizen_is_verified(user: Any) -> bool:
    """Whether this user may submit dossiers online: signed in, active, and either reached one
    of their contacts (email or phone) with a code or signed in with the national e-ID.

    Read-only; safe to call on anonymous users (False)."""
    return _selectors.citizen_is_verified(user=user)


def applicant_prefill(user: Any) -> dict[str, str]:
    """Initial values for the applicant part of a dossier form, from the user's profile.

    Keys among: kind ("person" | "organisation"), full_name, id_number, date_of_birth
    (yyyy-mm-dd), phone, email, address, commune_code (as a string), name, tax_code,
    representative. Empty values are left out; an anonymous user gets {}. A person's profile
    gives full_name / id_number / date_of_birth; an organisation's gives name / tax_code /
    representative."""
    if not getattr(user, "is_authenticated", False):
        return {}
    profile = _selectors.citizen_profile_get(user=user)
    kind = profile.kind if profile is not None else "person"
    values: dict[str, str] = {
        "kind": kind,
        "phone": user.phone or "",
        "email": user.email or "",
    }
    if kind == "organisation" and profile is not None:
        values |= {
            "name": profile.organisation_name,
            "tax_code": profile.tax_code,
            "representative": profile.representative or user.full_name or "",
        }
    else:
        values["full_name"] = user.full_name or ""
        if profile is not None:
            values["id_number"] = profile.id_number
            if profile.date_of_birth is not None:
                values["date_of_birth"] = profile.date_of_birth.isoformat()
    if profile is not None:
        values["address"] = profile.address
        if profile.commune_code is not None:
            values["commune_code"] = str(profile.commune_code)
    return {k: v for k, v in values.items() if v}


def citizen_oidc_sign_in(
    *,
    params: Any,
    expected_state: str,
    nonce: str,
    code_verifier: str,
    redirect_uri: str,
) -> User:
    """Finish a national e-ID sign-in: check the provider's answer (state, code exchange with
    PKCE, id_token signature and nonce) and return the linked account, created on first
    sign-in (verified). Raises OidcError with a user-facing message."""
    identity = oidc_finish(
        params=params,
        expected_state=expected_state,
        nonce=nonce,
        code_verifier=code_verifier,
        redirect_uri=redirect_uri,
    )
    return citizen_sign_in_oidc(
        issuer=identity.issuer, subject=identity.subject, claims=identity.claims
    )


def citizen_oidc_link(
    *,
    user: User,
    params: Any,
    expected_state: str,
    nonce: str,
    code_verifier: str,
    redirect_uri: str,
) -> CitizenProfile:
    """Finish linking a signed-in account to the national e-ID: the same checks as a sign-in
    (state, PKCE, id_token signature and nonce), then `citizen_link_oidc`. Raises OidcError
    or Conflict with a user-facing message."""
    identity = oidc_finish(
        params=params,
        expected_state=expected_state,
        nonce=nonce,
        code_verifier=code_verifier,
        redirect_uri=redirect_uri,
    )
    return citizen_link_oidc(
        user=user, issuer=identity.issuer, subject=identity.subject, claims=identity.claims
    )
