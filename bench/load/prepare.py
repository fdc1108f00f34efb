"""What the load test's officers need before the clock starts, obtained once per run (not per
locust phase): bearer tokens (each costs one password hash, ≈ 0.3 s of a core), the desk
officer's web session (through the sign-in form), and the checklist of the procedure received.
Used by bench/load/run.py (written to a JSON file the locustfile reads) and by the locustfile
itself when run alone. `requests` only: no Django, no gevent."""

from __future__ import annotations

import os
from typing import Any

import requests

PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD") or "motcua-demo"
DESK, SPECIALIST, LEADER = "desk", "chuyenvien", "lanhdao"


def token_headers(base: str, username: str) -> dict[str, str]:
    r = requests.post(
        f"{base}/api/v1/auth/token",
        json={"username": username, "password": PASSWORD},
        timeout=60,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}", "Accept-Language": "vi"}


def desk_session(base: str) -> str:
    """Sign the desk officer in through the sign-in form; the Cookie header of that session
    (a demo account: two-factor sign-in is off for it, ADR 0034)."""
    s = requests.Session()
    page = s.get(f"{base}/dang-nhap/", timeout=60)
    page.raise_for_status()
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.text.index(marker) + len(marker)
    csrf = page.text[start : page.text.index('"', start)]
    r = s.post(
        f"{base}/dang-nhap/",
        data={
            "csrfmiddlewaretoken": csrf,
            "username": DESK,
            "password": PASSWORD,
            "next": "/desk/",
        },
        headers={"Referer": f"{base}/dang-nhap/"},
        allow_redirects=False,
        timeout=60,
    )
    if r.status_code != 302:
        raise RuntimeError(f"desk sign-in answered {r.status_code}")
    check = s.get(f"{base}/desk/", allow_redirects=False, timeout=60)
    if check.status_code != 200:
        raise RuntimeError(f"the desk worklist answered {check.status_code} after signing in")
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def checklist(base: str, procedure: str) -> list[dict[str, Any]]:
    """Every document of the procedure's checklist ticked as received (positions from 1, in
    the catalog's order)."""
    r = requests.get(f"{base}/api/v1/procedures/{procedure}", timeout=60)
    r.raise_for_status()
    return [
        {"position": i, "received": True, "originals": d["originals"], "copies": d["copies"]}
        for i, d in enumerate(r.json()["documents"], start=1)
    ]


def prepare(base: str, procedure: str) -> dict[str, Any]:
    base = base.rstrip("/")
    return {
        "tokens": {u: token_headers(base, u) for u in (DESK, SPECIALIST, LEADER)},
        "desk_cookie": desk_session(base),
        "checklist": checklist(base, procedure),
    }
