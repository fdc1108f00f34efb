"""POST /api/v1/auth/token: bearer tokens for officers and other systems."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.accounts.api import api_token_issue
from motcua.rest.auth import AUTHENTICATED, PUBLIC
from motcua.rest.v1.schemas import ErrorOut

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/token", auth=PUBLIC, response={200: TokenOut, 403: ErrorOut, 400: ErrorOut})
def token_issue(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange a username and password for a bearer token (shown once)."""
    key, token = api_token_issue(username=payload.username, password=payload.password)
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
