from typing import Any

from django.conf import settings
from django.http import HttpRequest

from motcua.accounts.api import user_has_any_role
from motcua.accounts.data import OFFICER_ROLES, Role


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_officer = bool(
        user is not None
        and user.is_authenticated
        and user_has_any_role(
            user=user, roles=OFFICER_ROLES | {Role.SUPERVISOR, Role.FEEDBACK_OFFICER}
        )
    )
    return {"PROVINCE_NAME": settings.MOTCUA_PROVINCE_NAME, "IS_OFFICER": is_officer}
