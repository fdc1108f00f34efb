"""Public Python API of the accounts app. Other apps import only this module and data.py."""

from motcua.accounts.models import Agency, ApiToken, RoleAssignment, User
from motcua.accounts.permissions import roles_required, signed_in
from motcua.accounts.province_import import commune_choices, province_import
from motcua.accounts.selectors import (
    agency_get_by_code,
    agency_list,
    user_agency_ids,
    user_has_any_role,
    user_roles,
)
from motcua.accounts.services import (
    agency_upsert,
    api_token_authenticate,
    api_token_issue,
    role_grant,
)

__all__ = [
    "Agency",
    "ApiToken",
    "RoleAssignment",
    "User",
    "agency_get_by_code",
    "agency_list",
    "agency_upsert",
    "commune_choices",
    "province_import",
    "api_token_authenticate",
    "api_token_issue",
    "role_grant",
    "roles_required",
    "signed_in",
    "user_agency_ids",
    "user_has_any_role",
    "user_roles",
]
