"""The day's mix of a province's one-stop shop, for locust (issue 16, item 4).

One user class, `DayMix`: every task is one request of one kind, so the tasks' weights are the
request mix. The weights follow one accepted dossier through a working day (DESIGN.md §4:
"a few hundred intakes per second and ten times that in status lookups"):

| kind                                         | per intake | why |
|----------------------------------------------|-----------:|-----|
| intake `POST /api/v1/dossiers` (desk)        | 1 | the unit |
| handovers and decisions (5 actions)          | 5 | every dossier of the demo's 3-step procedure is forwarded by the desk, taken and forwarded by the specialist, approved by the leader (with its result PDF, stored in S3) and returned at the desk: over its life as many writes as steps, so at steady state 5 a day per intake |
| officers' worklists (desk page, API list)    | 4 | an officer opens the worklist before picking work and after acting (≈ 1 per action, less the actions done from the dossier page) |
| an officer opens a dossier (API detail)      | 4 | one read before most actions |
| citizens track a dossier (code + PIN; kiosk) | 10 | DESIGN.md §4: lookups ≈ 10 × intakes (8 on the tracking page, 2 at the kiosk) |
| catalog (home, search page, procedure page, API search) | 9 | an applicant reads the catalog a few times before filing, and many read it without filing |
| public statistics page                       | 1 | journalists, the province's own staff, the 766 index: rarer than the catalog, but an expensive page |

That is 34 requests per intake: intakes are 3 % of the requests, citizens' lookups 29 %.

Think time: each user waits `LOAD_WAIT_MIN`..`LOAD_WAIT_MAX` seconds (default 0.5–1.5)
between requests, so the user count is an offered load (≈ users / 1 s); `LOAD_WAIT_MAX=0`
makes it a closed loop (each user sends as soon as it has its answer: the server's ceiling).

`LOAD_MIX=bare` runs only `GET /healthz` (the same nginx, the same app servers, no database):
the reference that bench/load/run.py measures in the same run, at the same user count.

Shared state (one locust process, gevent: a deque's pop never yields, so two users never take
the same dossier): the officers' bearer tokens and the desk's web session are obtained once
(bench/load/prepare.py; run.py does it once per run and passes the file `LOAD_AUTH`: a token
costs one password hash, ≈ 0.3 s of a core, not to be paid per user or phase), the dossiers in
flight move from queue to queue as they advance. Codes and PINs to track come from the file
named by `LOAD_LOOKUPS` (JSON list of [code, pin]; run.py reads them from the database).

Citizens: a simulated citizen makes 10 lookups, then another takes over with a new
`X-Forwarded-For` (a made-up 10.x.y.z address): nginx passes it on and the app takes the client
address from it when the connection comes from a trusted proxy (`MOTCUA_TRUSTED_PROXIES`,
motcua/core/proxies.py), so the per-address limits of the public lookups (20 per address in 10
minutes) count per citizen. `LOAD_TRACK_URLS` (run.py `--track-direct`) sends the lookups
straight to the app servers instead, each citizen from its own loopback address: for a
deployment whose app does not read the proxy's headers.
"""

from __future__ import annotations

import base64
import collections
import itertools
import json
import os
import random
import socket
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import gevent.local
from geventhttpclient import connectionpool
from locust import FastHttpUser, between, constant, events, task
from locust.contrib.fasthttp import FastHttpSession

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load.prepare import DESK, LEADER, SPECIALIST, prepare  # noqa: E402
from motcua.core.pdf_stub import pdf_stub  # noqa: E402  (pure Python: no Django needed)

PROCEDURE = os.environ.get("LOAD_PROCEDURE", "2.000004")  # 3 steps at Sở Công Thương (H11.05)
MIX = os.environ.get("LOAD_MIX", "day")
WAIT_MIN = float(os.environ.get("LOAD_WAIT_MIN", "0.5"))
WAIT_MAX = float(os.environ.get("LOAD_WAIT_MAX", "1.5"))

# An organisation applying for a promotion (the demo catalog's 2.000004); valid tax code.
APPLICANT = {
    "kind": "organisation",
    "name": "Công ty TNHH Thương mại Mường Thanh",
    "tax_code": "0100109106",
    "representative": "Quàng Văn Đức",
    "phone": "0215382111",
    "email": "",
    "address": "Số 1, phường Mường Thanh",
}
RESULT_PDF = base64.b64encode(pdf_stub("KET QUA", "GIAY XAC NHAN")).decode()
SEARCHES = ["dang ky", "ruou", "khuyen mai", "dat dai", "giay phep", "ho tich", "xay dung"]
API_SEARCHES = ["ruou", "khuyen mai", "dang ky kinh doanh", "dat", "xay dung"]


class Shared:
    """What all users share (filled at test start)."""

    tokens: dict[str, dict[str, str]] = {}
    desk_cookie = ""
    checklist: list[dict[str, Any]] = []
    procedures: list[str] = []
    lookups: list[tuple[str, str]] = []
    # Dossiers in flight, by the action they wait for.
    stages: dict[str, collections.deque[str]] = {
        name: collections.deque(maxlen=5000)
        for name in ("desk_forward", "take", "specialist_forward", "approve", "return_result")
    }
    seen: collections.deque[str] = collections.deque(maxlen=500)
    ready = threading.Event()


@events.test_start.add_listener
def _prepare(environment: Any, **_kw: Any) -> None:
    base = (environment.host or "").rstrip("/")
    if MIX != "bare":
        auth_file = os.environ.get("LOAD_AUTH")
        if auth_file and Path(auth_file).exists():
            auth = json.loads(Path(auth_file).read_text())
        else:
            auth = prepare(base, PROCEDURE)
        Shared.tokens = auth["tokens"]
        Shared.desk_cookie = auth["desk_cookie"]
        Shared.checklist = auth["checklist"]
        path = os.environ.get("LOAD_LOOKUPS")
        if path and Path(path).exists():
            Shared.lookups = [(str(c), str(p)) for c, p in json.loads(Path(path).read_text())]
        if not Shared.lookups:
            raise RuntimeError("no dossier codes to track: set LOAD_LOOKUPS (run.py does)")
    Shared.ready.set()


# Made-up client addresses for X-Forwarded-For, from a random start (the limits' counters live
# 10 minutes in Redis: the next phase must not inherit the last one's addresses and counts).
_ADDRESSES = (
    f"10.{n // 65024 % 256}.{n // 254 % 256}.{1 + n % 254}"
    for n in itertools.count(random.randrange(256 * 256 * 254))
)

# --- citizens' lookups straight to the app servers, each citizen from its own address ---------
#: LOAD_TRACK_URLS (run.py --track-direct: the app servers' own addresses): the tracking page
#: and the kiosk are requested there, not through nginx, from a loopback address of their own
#: (127.x.y.z, a new one every LOOKUPS_PER_CITIZEN lookups), so the per-address limit (20
#: lookups in 10 minutes, portal/public_dossiers.py) counts per citizen even when the app does
#: not read the client's address from nginx's headers.
TRACK_URLS = [u.rstrip("/") for u in os.environ.get("LOAD_TRACK_URLS", "").split(",") if u]
LOOKUPS_PER_CITIZEN = 10
# A random start: the limits' counters live 10 minutes in Redis, longer than one locust phase,
# and the next phase must not inherit the addresses (and counts) of the last one.
_LOOPBACK = (
    f"127.{1 + n // 65024 % 254}.{n // 254 % 256}.{1 + n % 254}"
    for n in itertools.count(random.randrange(254 * 256 * 254))
)
_source = gevent.local.local()  # per greenlet = per locust user
_create_tcp_socket = connectionpool.ConnectionPool._create_tcp_socket


def _bound_socket(self: Any, family: int, socktype: int, protocol: int) -> Any:
    sock = _create_tcp_socket(self, family, socktype, protocol)
    address = getattr(_source, "address", None)
    if address and family == socket.AF_INET:
        sock.bind((address, 0))
    return sock


connectionpool.ConnectionPool._create_tcp_socket = _bound_socket  # type: ignore[method-assign]
_round_robin = itertools.count()


class DayMix(FastHttpUser):
    """A visitor or officer sending the day's mix, one request per task."""

    wait_time = between(WAIT_MIN, WAIT_MAX) if WAIT_MAX > 0 else constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        Shared.ready.wait(120)
        self.address = next(_ADDRESSES)
        self.public = {"X-Forwarded-For": self.address, "Accept-Language": "vi"}
        self._citizen: Any = None
        self._citizen_headers: dict[str, str] = {}
        self._citizen_lookups = 0

    def citizen(self) -> tuple[Any, dict[str, str]]:
        """The client and headers of a lookup. A citizen makes LOOKUPS_PER_CITIZEN lookups,
        then another takes over: a new `X-Forwarded-For` (what nginx passes on and the app
        trusts from it, MOTCUA_TRUSTED_PROXIES) and, with LOAD_TRACK_URLS, a new connection
        straight to an app server from a new loopback address."""
        if self._citizen is None or self._citizen_lookups >= LOOKUPS_PER_CITIZEN:
            self._citizen_headers = {"X-Forwarded-For": next(_ADDRESSES), "Accept-Language": "vi"}
            if TRACK_URLS:
                if self._citizen is not None and self._citizen is not self.client:
                    self._citizen.client.clientpool.close()
                _source.address = next(_LOOPBACK)  # sockets made from now on bind to it
                self._citizen = FastHttpSession(
                    base_url=TRACK_URLS[next(_round_robin) % len(TRACK_URLS)],
                    request_event=self.environment.events.request,
                    user=self,
                    network_timeout=self.network_timeout,
                    connection_timeout=self.connection_timeout,
                )
            else:
                self._citizen = self.client
            self._citizen_lookups = 0
        self._citizen_lookups += 1
        return self._citizen, self._citizen_headers

    # -- the reference -----------------------------------------------------------------------

    @task(0 if MIX != "bare" else 1)
    def bare(self) -> None:
        self.client.get("/healthz", name="bare /healthz", headers=self.public)

    # -- officers: intake and the dossier's life ---------------------------------------------

    #: The life of a dossier of the demo's 3-step procedure after its intake, most advanced
    #: first: (stage, who acts, action, request kind, body).
    LIFE: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
        (
            "return_result",
            DESK,
            "return_result",
            "action return_result (desk)",
            {
                "method": "desk",
                "receiver_name": "Quàng Văn Đức",
                "receiver_id_number": "011080000123",
            },
        ),
        (
            "approve",
            LEADER,
            "approve",
            "action approve + result PDF (leader)",
            {"note": "Đồng ý", "result": {"name": "ket-qua.pdf", "content_base64": RESULT_PDF}},
        ),
        ("specialist_forward", SPECIALIST, "forward", "action forward (specialist)", {}),
        ("take", SPECIALIST, "take", "action take (specialist)", {}),
        ("desk_forward", DESK, "forward", "action forward (desk)", {}),
    )
    NEXT: ClassVar[dict[str, str]] = {
        "desk_forward": "take",
        "take": "specialist_forward",
        "specialist_forward": "approve",
        "approve": "return_result",
    }

    @task(0 if MIX == "bare" else 12)
    def officer_write(self) -> None:
        """One write: the most advanced dossier in flight moves one step, or, when none
        waits, the desk receives a new one. Every intake thus brings exactly 5 actions, and
        over a run intakes are 1 write in 6 (give or take the dossiers still in flight when
        it stops), whatever the number of users."""
        for stage, user, action, kind, body in self.LIFE:
            queue = Shared.stages[stage]
            if queue:
                self._act(queue.popleft(), stage, user, action, kind, body)
                return
        self.intake()

    def _act(
        self, code: str, stage: str, user: str, action: str, kind: str, body: dict[str, Any]
    ) -> None:
        with self.client.post(
            f"/api/v1/dossiers/{quote(code)}/actions/{action}",
            json=body,
            headers=Shared.tokens[user],
            name=kind,
            catch_response=True,
        ) as r:
            if r.status_code == 409 and stage == "return_result":
                # The result is signed by the signing worker after the approval (a job): until
                # it is, the desk is told to wait. Counted apart, tried again later.
                r.success()
                r.request_meta["name"] = "action return_result: result not signed yet (409)"
                Shared.stages[stage].append(code)
                return
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:120]}")
                return
            r.success()
        if stage in self.NEXT:
            Shared.stages[self.NEXT[stage]].append(code)

    def intake(self) -> None:
        body = {
            "procedure": PROCEDURE,
            "channel": "desk",
            "applicant": APPLICANT,
            "documents": Shared.checklist,
            "decision": "accept",
        }
        with self.client.post(
            "/api/v1/dossiers",
            json=body,
            headers=Shared.tokens[DESK],
            name="intake POST /api/v1/dossiers",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:120]}")
                return
            code = r.json()["code"]
            r.success()
        Shared.stages["desk_forward"].append(code)
        Shared.seen.append(code)

    # -- officers: worklists and dossiers ----------------------------------------------------

    @task(0 if MIX == "bare" else 4)
    def desk_worklist(self) -> None:
        self.client.get(
            "/desk/",
            headers={"Cookie": Shared.desk_cookie, "Accept-Language": "vi"},
            name="desk worklist page /desk/",
        )

    @task(0 if MIX == "bare" else 4)
    def officer_list(self) -> None:
        user = random.choice((SPECIALIST, LEADER))
        self.client.get(
            "/api/v1/dossiers?status=processing&limit=20",
            headers=Shared.tokens[user],
            name="officer list GET /api/v1/dossiers",
        )

    @task(0 if MIX == "bare" else 8)
    def officer_detail(self) -> None:
        if not Shared.seen:
            return self.officer_list()
        code = random.choice(Shared.seen)
        self.client.get(
            f"/api/v1/dossiers/{quote(code)}",
            headers=Shared.tokens[DESK],
            name="officer detail GET /api/v1/dossiers/{code}",
        )
        return None

    # -- citizens ----------------------------------------------------------------------------

    def _lookup(self) -> tuple[str, str]:
        return random.choice(Shared.lookups)

    @task(0 if MIX == "bare" else 16)
    def tracking(self) -> None:
        code, pin = self._lookup()
        client, headers = self.citizen()
        client.get(
            f"/tra-cuu-ho-so/?ma={quote(code)}&pin={quote(pin)}",
            headers=headers,
            name="tracking code+PIN /tra-cuu-ho-so/",
        )

    @task(0 if MIX == "bare" else 4)
    def kiosk(self) -> None:
        code, _pin = self._lookup()
        client, headers = self.citizen()
        client.get(f"/kiosk/?ma={quote(code)}", headers=headers, name="kiosk /kiosk/?ma=")

    @task(0 if MIX == "bare" else 4)
    def home(self) -> None:
        self.client.get("/", headers=self.public, name="catalog home /")

    @task(0 if MIX == "bare" else 6)
    def search_page(self) -> None:
        q = quote(random.choice(SEARCHES))
        self.client.get(f"/thu-tuc/?q={q}", headers=self.public, name="catalog search /thu-tuc/?q=")

    @task(0 if MIX == "bare" else 4)
    def procedure_page(self) -> None:
        self.client.get(
            f"/thu-tuc/{PROCEDURE}/", headers=self.public, name="catalog procedure page"
        )

    @task(0 if MIX == "bare" else 4)
    def api_search(self) -> None:
        q = quote(random.choice(API_SEARCHES))
        self.client.get(
            f"/api/v1/procedures?q={q}",
            headers=self.public,
            name="catalog API /api/v1/procedures?q=",
        )

    @task(0 if MIX == "bare" else 2)
    def statistics(self) -> None:
        self.client.get("/thong-ke/", headers=self.public, name="statistics page /thong-ke/")
