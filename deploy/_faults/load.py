"""The steady background load of the fault rehearsal: desk intakes through the REST API and
public pages (catalog searches, the home page, tracking lookups) through nginx. Every answer
is recorded (kind, start, end, status, error code, Retry-After) so each fault counts what
the clients saw while it lasted."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests

#: Seconds a client waits for an answer: longer is a hang (status 0, "timeout").
CLIENT_TIMEOUT = 15.0
CONNECT_TIMEOUT = 3.0
#: The portal allows 20 tracking lookups per address in 10 minutes: one every 35 s stays
#: under it (the whole rehearsal runs from 127.0.0.1).
TRACK_EVERY = 35.0
#: Seconds between two intakes of one client: each accepted intake queues a receipt to render
#: (about 1 s on worker-signing, one job at a time) and two notifications; faster than that the
#: queue only grows and every "within N s" check measures the backlog, not the fault.
INTAKE_EVERY = 2.0
SEARCHES = ("giấy phép", "đất đai", "hộ tịch", "điện lực", "kinh doanh", "xây dựng")


@dataclass
class Answer:
    kind: str
    start: float
    end: float
    status: int  # 0 timeout, -1 connection refused/reset
    error: str = ""  # the JSON error's `code`, or the exception's class
    retry_after: str = ""
    json_error: bool = False  # the body is the API's {"detail","code",...}
    data: dict[str, Any] = field(default_factory=dict)


def call(
    session: requests.Session,
    kind: str,
    method: str,
    url: str,
    *,
    token: str = "",
    body: Any = None,
    timeout: float = CLIENT_TIMEOUT,
) -> Answer:
    headers = {"Accept": "application/json" if "/api/" in url else "text/html"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    start = time.monotonic()
    try:
        r = session.request(
            method, url, json=body, headers=headers, timeout=(CONNECT_TIMEOUT, timeout)
        )
    except requests.Timeout as exc:
        return Answer(kind, start, time.monotonic(), 0, type(exc).__name__)
    except requests.RequestException as exc:
        return Answer(kind, start, time.monotonic(), -1, type(exc).__name__)
    end = time.monotonic()
    data: Any = {}
    if r.headers.get("Content-Type", "").startswith("application/json"):
        try:
            data = r.json()
        except ValueError:
            data = {}
    if not isinstance(data, dict):
        data = {"items": data}
    code = str(data.get("code", "")) if r.status_code >= 400 else ""
    return Answer(
        kind,
        start,
        end,
        r.status_code,
        code,
        r.headers.get("Retry-After", ""),
        json_error=r.status_code >= 400 and "detail" in data and "code" in data,
        data=data,
    )


class Phones:
    """Unique Vietnamese mobile numbers for this run (the applicant's phone tells the
    rehearsal's dossiers, their notifications and their SMS apart)."""

    def __init__(self, run: int) -> None:
        self._n = itertools.count(1)
        self._lock = threading.Lock()
        self.run = run

    def next(self) -> str:
        with self._lock:
            return f"09{self.run:02d}{next(self._n):06d}"


def intake_body(
    plan: dict[str, Any], phone: str, files: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "procedure": plan["procedure"],
        "channel": "desk",
        "decision": "accept",
        "applicant": {
            "kind": "person",
            "full_name": f"Lò Văn Tải {phone[-6:]}",
            "id_number": "011095001234",
            "phone": phone,
            "email": f"faults-{phone}@example.vn",
            "address": "Tổ dân phố 2",
            "commune_code": 3127,
        },
        "documents": [{"position": p, "received": True, "originals": 1} for p in plan["documents"]],
        "files": files or [],
        "receiving_agency": plan["receiving"],
        "deciding_agency": plan["deciding"],
    }


class Load:
    """Background threads: `intakes` desk intakes in a loop, one public browser."""

    def __init__(
        self, base: str, token: str, plan: dict[str, Any], phones: Phones, intakes: int = 2
    ) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.plan = plan
        self.phones = phones
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=self._intakes, name=f"intake-{i}", daemon=True)
            for i in range(intakes)
        ]
        self.threads.append(threading.Thread(target=self._public, name="public", daemon=True))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=CLIENT_TIMEOUT + 5)

    def _keep(self, a: Answer) -> None:
        with self.lock:
            self.answers.append(a)

    def _intakes(self) -> None:
        session = requests.Session()
        while not self.stop_event.is_set():
            phone = self.phones.next()
            a = call(
                session,
                "intake",
                "POST",
                f"{self.base}/api/v1/dossiers",
                token=self.token,
                body=intake_body(self.plan, phone),
            )
            a.data = {"phone": phone, "code": a.data.get("code") if a.status == 201 else None}
            self._keep(a)
            self.stop_event.wait(INTAKE_EVERY if a.status == 201 else 1.0)

    def _public(self) -> None:
        session = requests.Session()
        rng = random.Random(7)
        last_track = 0.0
        while not self.stop_event.is_set():
            now = time.monotonic()
            if now - last_track >= TRACK_EVERY:
                found = self.tracked()
                if found is not None:
                    last_track = now
                    code, phone = found
                    self._keep(
                        call(
                            session,
                            "track",
                            "GET",
                            f"{self.base}/tra-cuu-ho-so/?ma={code}&pin={phone[-4:]}",
                        )
                    )
            q = rng.choice(SEARCHES)
            url = f"{self.base}/thu-tuc/?q={requests.utils.quote(q)}"
            self._keep(call(session, "search", "GET", url))
            self._keep(call(session, "home", "GET", f"{self.base}/"))
            self.stop_event.wait(0.5)

    def tracked(self) -> tuple[str, str] | None:
        with self.lock:
            for a in reversed(self.answers):
                if a.kind == "intake" and a.status == 201 and a.data.get("code"):
                    return a.data["code"], a.data["phone"]
        return None

    # --- reading the record -------------------------------------------------------------------

    def between(self, t0: float, t1: float, kinds: Iterable[str] | None = None) -> list[Answer]:
        """Answers to requests sent in [t0, t1] (of these kinds)."""
        wanted = set(kinds) if kinds is not None else None
        with self.lock:
            return [
                a
                for a in self.answers
                if t0 <= a.start <= t1 and (wanted is None or a.kind in wanted)
            ]

    def created(self, t0: float = 0.0, t1: float = float("inf")) -> list[tuple[str, str]]:
        """(code, phone) of the intakes answered 201 among those sent in [t0, t1]."""
        return [
            (a.data["code"], a.data["phone"])
            for a in self.between(t0, t1, ["intake"])
            if a.status == 201 and a.data.get("code")
        ]

    def all_intakes(self) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.kind == "intake"]


def by_status(answers: Iterable[Answer]) -> str:
    """ "intake 201×40 503×12; search 200×80" (0 = timeout, -1 = connection error)."""
    groups: dict[str, Counter[int]] = {}
    for a in answers:
        groups.setdefault(a.kind, Counter())[a.status] += 1
    if not groups:
        return "no requests"
    return "; ".join(
        f"{kind} " + " ".join(f"{status}×{n}" for status, n in sorted(c.items()))
        for kind, c in sorted(groups.items())
    )
