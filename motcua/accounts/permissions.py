"""Role checks for views. Every view declares who may see it (deny by default)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from motcua.accounts.data import Role
from motcua.accounts.selectors import user_has_any_role
from motcua.core.access import mark

F = TypeVar("F", bound=Callable[..., HttpResponse])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only signed-in users holding one of the roles (in any agency) may see the view.

    Anonymous users are sent to the login page by LoginRequiredMiddleware; others get 403."""
    wanted = frozenset(roles)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_any_role(user=request.user, roles=wanted):  # type: ignore[arg-type]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(F, mark(wrapper, "roles:" + ",".join(sorted(wanted))))

    return decorator


def signed_in(view: F) -> F:
    """Any signed-in user (LoginRequiredMiddleware enforces it)."""
    return mark(view, "signed_in")
