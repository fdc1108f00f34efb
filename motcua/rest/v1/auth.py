"""POST /api/v1/auth/token: bearer tokens for officers and other systems."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from motcua.accounts.api import SignInThrottled, api_token_issue
from motcua.rest.auth import AUTHENTICATED, PUBLIC
from motcua.rest.v1.schemas import ErrorOut

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = Field(
        "",
        max_length=32,
        description=(
            "For an account with two-factor sign-in (leaders, province admins, holders of a "
            "signing credential, staff; anyone who set up an authenticator): the 6-digit code "
            "its authenticator app shows now, or one of its recovery codes (used up)."
        ),
    )


class TokenOut(Schema):
    token: str
    expires_at: str


#: The throttle's answer, with its header, in the OpenAPI document.
THROTTLED_OPENAPI = {
    "responses": {
        429: {
            "description": (
                "Too many failed sign-ins for this account or from this address (code "
                "`throttled`): refused, even with the right password, until the lock ends."
            ),
            "headers": {
                "Retry-After": {
                    "description": "Seconds until the lock ends.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        }
    }
}


@router.post(
    "/token",
    auth=PUBLIC,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    openapi_extra=THROTTLED_OPENAPI,
)
def token_issue(
    request: HttpRequest, payload: TokenIn, response: HttpResponse
) -> TokenOut | Status[ErrorOut]:
    """Exchange a username (or the account's email address or mobile number) and password
    for a bearer token (shown once). Failures count in the sign-in throttle the portal's form
    uses too (per account and address, per account, per address): 403 `bad_credentials`,
    then 429 `throttled` with Retry-After.

    Two-factor sign-in (ADR 0034): an account that has an authenticator also sends `otp`;
    without it 400 `otp_required` (errors name `otp`), a wrong one 401 `otp_invalid`
    (counted by the same throttle). An account that must use two factors but has not set
    them up: 403 `two_factor_enrolment_required` (set it up on the website first)."""
    try:
        key, token = api_token_issue(
            username=payload.username,
            password=payload.password,
            address=str(request.META.get("REMOTE_ADDR", "")),
            otp=payload.otp,
        )
    except SignInThrottled as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, ErrorOut(detail=exc.message, code=exc.code, errors=exc.field_errors))
    return TokenOut(token=key, expires_at=token.expires_at.isoformat())


class RoleOut(Schema):
    role: str
    agency: str | None


class MeOut(Schema):
    username: str
    full_name: str
    is_system: bool
    roles: list[RoleOut]


@router.get("/me", auth=AUTHENTICATED, response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the bearer token (or session) belongs to, and the roles held."""
    user = request.auth  # type: ignore[attr-defined]
    roles = [
        {"role": r.role, "agency": r.agency.code if r.agency else None}
        for r in user.role_assignments.select_related("agency").order_by("role")
    ]
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_system": user.is_system,
        "roles": roles,
    }
