"""Access markers for views. Deny by default: every view declares who may see it.

`tests/test_url_auth.py` walks the URLconf and fails on a view with no marker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "motcua_access"


def public(view: F) -> F:
    """Anyone may see this view, signed in or not."""
    wrapped = login_not_required(view)
    setattr(wrapped, ACCESS_ATTR, "public")
    return wrapped


def mark(view: F, access: str) -> F:
    setattr(view, ACCESS_ATTR, access)
    return view
