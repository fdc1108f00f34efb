"""The REST API fuzzed against its own OpenAPI document (issue 13; docs/adr/0038).

Schemathesis reads the live document (`/api/v1/openapi.json`, through WSGI, in the test
database) and generates requests for every operation, valid ones (positive) and ones that
break the schema (negative), anonymously and with the bearer token of a desk officer, a citizen
and a supervisor. Every answer must be no server error (5xx) and inside the document: a
status it declares, its media type, a body that fits its schema, its declared headers.

Phases (each test runs them in order):
  1. generated: every operation, positive and negative, MOTCUA_FUZZ_EXAMPLES examples each
     (8 by default; a quarter of them for the anonymous caller on operations that need a
     token, which answer 401 before reading anything);
  2. real objects: the same operations with their path parameters set to objects that exist
     (the published procedure, an accepted dossier by its code, a refused one by `#<id>`,
     their documents, every action name), real dates in the report and calendar queries, and
     intakes made valid but for the applicant's generated names and address (so generated
     text reaches the database); every action with an empty body;
  3. a valid intake (201 for the desk, 403 or 401 for the others).

Another test shows that the checks can fail (a broken selector, the error responses left out
of the document).

Hypothesis is derandomized (the same examples on every run) and keeps no example database:
`make test` is stable. A larger budget finds rarer failures:
`MOTCUA_FUZZ_EXAMPLES=80 .venv/bin/pytest -p no:xdist -s tests/test_api_fuzz.py` (the figures
of each run are printed: requests per identity, distinct failures). Runs on SQLite and, with
DATABASE_URL, on PostgreSQL."""

# ruff: noqa: F811 - fixtures imported from the API tests' conftest
from __future__ import annotations

import dataclasses
import itertools
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.accounts.api import api_token_issue, role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.api import Action, dossier_forms_ensure
from motcua.rest.tests.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    PERSON,
    at,
    intake_body,
    receive,
    world,
)

#: Examples per operation, generation mode and identity (MOTCUA_FUZZ_EXAMPLES to change it).
EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "8"))
#: Examples per real object of phase 2.
REAL_EXAMPLES = max(2, EXAMPLES // 4)
IDENTITIES = ("anonymous", "desk", "congdan", "giamsat")
PROCEDURE = "2.000004"
JSON = "application/json"
#: The instant every request runs at: a Wednesday of the seeded calendar.
NOW = at(2026, 3, 4, 10, 0)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Operations found to have nothing that can be made invalid: no negative examples.
_NOT_NEGATABLE: set[str] = set()


def _negatable(operation: Any) -> bool:
    """Whether the schema constrains anything of the request: a body, a query or header
    parameter, or a path parameter other than a free string (a free string cannot be
    made invalid: Hypothesis would search in vain)."""
    raw = operation.definition.raw
    if operation.label in _NOT_NEGATABLE:
        return False
    if "requestBody" in raw:
        return True
    for parameter in raw.get("parameters", []):
        schema = parameter.get("schema", {})
        free = schema.get("type") == "string" and not set(schema) - {"type", "title", "description"}
        if parameter.get("in") != "path" or not free:
            return True
    return False


@dataclasses.dataclass
class Fuzz:
    """One identity's run: the requests sent and the distinct failures met."""

    who: str
    token: str | None
    requests: int = 0
    statuses: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: dict[tuple[str, str, int], str] = dataclasses.field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def send(self, case: Any) -> None:
        """Send one case and record every check it fails (once per operation, kind and
        status), without stopping: one run shows every distinct failure."""
        with clock.at(NOW):
            response = case.call(headers=self.headers)
        self.requests += 1
        self.statuses[f"{response.status_code // 100}xx"] += 1
        if os.environ.get("MOTCUA_FUZZ_STATUSES"):
            self.statuses[f"{case.operation.label} {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except BaseExceptionGroup as group:
            for failure in group.exceptions:
                self._record(case, response, failure)
        except Exception as failure:  # noqa: BLE001 - a failed check, recorded
            self._record(case, response, failure)

    def _record(self, case: Any, response: Any, failure: BaseException) -> None:
        key = (case.operation.label, type(failure).__name__, response.status_code)
        if key not in self.failures:
            self.failures[key] = (
                f"{failure}\n  answer: {response.text[:300]}\n"
                f"  {case.as_curl_command(headers=self.headers)}"
            )

    def run(self, strategy: Any, examples: int) -> None:
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @given(case=strategy)
        def fuzz(case: Any) -> None:
            self.send(case)

        fuzz()

    def report(self) -> str:
        answers = ", ".join(f"{k}: {n}" for k, n in sorted(self.statuses.items()))
        lines = [
            f"{self.who}: {self.requests} requests ({answers}), "
            f"{len(self.failures)} distinct failures"
        ]
        for (operation, kind, status), text in sorted(self.failures.items()):
            lines.append(f"- {operation}: {kind} ({status})\n  {text}")
        return "\n".join(lines)


@pytest.fixture
def fuzz_world(world: dict[str, Any], receive: Any, django_user_model: Any) -> dict[str, Any]:
    """The API tests' world (the promotion procedure, the desk of the service centre), a
    citizen and a province supervisor, an accepted and a refused dossier with their forms,
    and a bearer token for each identity."""
    users = django_user_model.objects
    citizen = users.create_user(username="congdan", password=PASSWORD, full_name="Công dân")
    role_grant(user=citizen, role=Role.CITIZEN, agency=None)
    supervisor = users.create_user(username="giamsat", password=PASSWORD, full_name="Giám sát")
    role_grant(user=supervisor, role=Role.SUPERVISOR, agency=world["agencies"]["root"])
    accepted = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    refused = receive(at(2026, 3, 2, 9, 30), decision="refuse", note="Thiếu giấy tờ.")
    with clock.at(at(2026, 3, 2, 10, 0)):
        dossier_forms_ensure(dossier=accepted)
        dossier_forms_ensure(dossier=refused)
    tokens = {
        name: api_token_issue(username=name, password=PASSWORD)[0]
        for name in IDENTITIES
        if name != "anonymous"
    }
    return {
        **world,
        "tokens": tokens,
        "dossiers": [accepted.code, f"#{refused.pk}"],
        "documents": {
            accepted.code: [d.pk for d in accepted.documents.all()],
            f"#{refused.pk}": [d.pk for d in refused.documents.all()],
        },
    }


@pytest.fixture
def app() -> Iterator[Any]:
    """The project's WSGI application, kept inside the test's transaction: a WSGI server
    closes the database connection at the start and end of every request, which ends the
    transaction of the test on PostgreSQL (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


def _real_path_parameters(operation: Any, world: dict[str, Any]) -> list[dict[str, Any]]:
    """Path parameters naming objects that exist, for the operations that take them."""
    path = operation.path.removeprefix("/api/v1")
    names = {p.name for p in operation.path_parameters}
    if path.startswith("/procedures/") and names == {"code"}:
        return [{"code": PROCEDURE}]
    if not path.startswith("/dossiers/") or "code" not in names:
        return []
    found: list[dict[str, Any]] = []
    for code in world["dossiers"]:
        values: dict[str, list[Any]] = {"code": [code]}
        if "doc_id" in names:
            values["doc_id"] = world["documents"][code][:2]
        if "action" in names:
            values["action"] = [a.value for a in Action]
        if set(values) != names:
            return []
        found += [dict(zip(values, c, strict=True)) for c in itertools.product(*values.values())]
    return found


#: Query parameters that get an operation past its first check (free strings are seldom a
#: date); the other parameters are generated.
REAL_QUERIES: dict[str, list[dict[str, str]]] = {
    "GET /api/v1/reports/resolution": [
        {"from": "2026-01-01", "to": "2026-03-31"},
        {"from": "2026-01-01", "to": "2026-03-31", "format": "xlsx"},
    ],
    "GET /api/v1/reports/index766": [{"year": "2026"}],
    "GET /api/v1/calendar/deadline": [
        {"start": "2026-03-04T10:00:00+07:00"},
        {"start": "2026-03-04T10:00:00+07:00", "unit": "working_days"},
    ],
    "GET /api/v1/calendar/days": [{"from": "2026-03-01"}, {"to": "2026-03-31"}],
}


def _valid_intake(case: Any) -> Any:
    """A generated intake made acceptable but for the applicant's free texts (names,
    representative, address): the published procedure, the checklist, valid identifiers.
    The texts reach the database."""
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("applicant"), dict):
        return case
    generated = body["applicant"]
    person = generated.get("kind") == "person"
    texts = ("full_name",) if person else ("name", "representative")
    applicant = {
        key: generated[key] if str(generated.get(key, "")).strip() else "Lò Văn Minh"
        for key in (*texts, "address")
    }
    applicant.update(
        {"kind": generated.get("kind"), "phone": "0912345678", "commune_code": 3127}
        | ({"id_number": "011095001234", "date_of_birth": "1995-05-17"} if person else {})
        | ({} if person else {"tax_code": "0100109106"})
    )
    body.clear()  # extra keys (allowed by the schema) are left out: their names are random
    body.update(
        applicant=applicant,
        procedure=PROCEDURE,
        channel="desk",
        decision="accept",
        documents=[{"position": p, "received": True, "originals": 1} for p in (1, 2)],
        files=[],
    )
    return case


def _real_strategies(operation: Any, world: dict[str, Any]) -> list[Any]:
    """Strategies that reach past an operation's 404s and first 400s: real objects in the
    path, real dates in the query, the published procedure in an intake."""
    found = [
        operation.as_strategy(path_parameters=parameters)
        for parameters in _real_path_parameters(operation, world)
    ]
    found += [operation.as_strategy(query=query) for query in REAL_QUERIES.get(operation.label, [])]
    if operation.label == "POST /api/v1/dossiers":
        found.append(operation.as_strategy().map(_valid_intake))
    return found


@pytest.mark.parametrize("who", IDENTITIES)
def test_the_api_answers_inside_its_document(
    fuzz_world: dict[str, Any], app: Any, who: str
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    fuzz = Fuzz(who, fuzz_world["tokens"].get(who))
    started = time.monotonic()
    operations = list(_operations(schema))
    assert len(operations) >= 15, "the document lost operations"

    # Phase 1: generated requests, positive and negative.
    for operation in operations:
        secured = bool(operation.definition.raw.get("security"))
        examples = max(2, EXAMPLES // 4) if secured and fuzz.token is None else EXAMPLES
        fuzz.run(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), examples)
        if not _negatable(operation):
            continue
        try:
            fuzz.run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), examples)
        except Unsatisfiable:
            _NOT_NEGATABLE.add(operation.label)

    # Phase 2: real objects, dates and procedure (the desk and the supervisor may see them;
    # the others meet the same 401, 403 or 404 whatever else is sent: one example).
    for operation in operations:
        secured = bool(operation.definition.raw.get("security"))
        if secured and fuzz.token is None:
            continue
        examples = REAL_EXAMPLES if who in ("desk", "giamsat") else 1
        intake = operation.label == "POST /api/v1/dossiers" and who == "desk"
        for strategy in _real_strategies(operation, fuzz_world):
            fuzz.run(strategy, EXAMPLES if intake else examples)

    # Every action with an empty body on the real dossiers (most need none or say which
    # field is missing; `forward` moves the accepted dossier on).
    actions = schema["/api/v1/dossiers/{code}/actions/{action}"]["POST"]
    if fuzz.token is not None:
        for code, action in itertools.product(fuzz_world["dossiers"], Action):
            parameters = {"code": code, "action": action.value}
            fuzz.send(actions.Case(path_parameters=parameters, body={}, media_type=JSON))

    # Phase 3: a valid intake.
    intake = schema["/api/v1/dossiers"]["POST"]
    body = intake_body()
    fuzz.send(intake.Case(body=body, media_type=JSON))

    elapsed = time.monotonic() - started
    # The figures (shown with -s; the budget run of the README prints them).
    sys.stdout.write(f"\nAPI fuzz, {fuzz.report()} ({elapsed:.1f} s)\n")
    assert not fuzz.failures, fuzz.report()


def test_the_fuzz_reports_server_errors_and_undocumented_answers(
    fuzz_world: dict[str, Any], app: Any, monkeypatch: Any
) -> None:
    """The checks can fail: with the agencies' selector broken and the document's shared
    error responses left out (rest/openapi.py), the fuzz reports the 500 and the 401 that
    `GET /auth/me` does not declare."""
    from ninja import NinjaAPI

    from motcua.rest.openapi import ErrorDocumentedAPI

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(ErrorDocumentedAPI, "get_openapi_schema", NinjaAPI.get_openapi_schema)
    monkeypatch.setattr("motcua.rest.v1.agencies.agency_list", broken)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    fuzz = Fuzz("anonymous", None)
    fuzz.run(schema["/api/v1/agencies"]["GET"].as_strategy(), 2)
    fuzz.run(schema["/api/v1/auth/me"]["GET"].as_strategy(), 2)
    assert ("GET /api/v1/agencies", "ServerError", 500) in fuzz.failures
    assert ("GET /api/v1/auth/me", "UndefinedStatusCode", 401) in fuzz.failures
