"""What the signed cookie of a test client says this visitor proved (public_dossiers)."""

from __future__ import annotations

from typing import Any

from django.core import signing

from motcua.portal.public_dossiers import PROVEN_COOKIE, PROVEN_COOKIE_SALT


def proven(client: Any) -> tuple[list[str], list[str]]:
    """(codes proved on the tracking page, codes proved with the PIN) in the client's cookie."""
    morsel = client.cookies.get(PROVEN_COOKIE)
    if morsel is None or not morsel.value:
        return [], []
    value = signing.loads(morsel.value, salt=PROVEN_COOKIE_SALT)
    return list(value["t"]), list(value["p"])
