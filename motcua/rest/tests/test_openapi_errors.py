"""The OpenAPI document declares the errors every operation can answer (rest/openapi.py,
docs/adr/0038): the fuzz of tests/test_api_fuzz.py found 401s and 400s missing from most
operations, and a response declared twice under the same status."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates, f"keys twice in one object of the document: {duplicates}"
    return dict(pairs)


def _document(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content, object_pairs_hook=_no_duplicate_keys)
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_the_errors_it_can_answer(db):
    document = _document(Client())
    shared = document["components"]["responses"]
    assert {"BadRequest", "Unauthorized", "Forbidden", "NotFound", "TooLarge"} <= set(shared)
    assert "invalid_characters" in shared["BadRequest"]["description"]
    assert shared["DatabaseBusy"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    for name, response in shared.items():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, name
    for label, operation in _operations(document):
        responses = operation["responses"]
        expected = {"400", "503"}
        if operation.get("security"):
            expected.add("401")
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add("404")
        if "requestBody" in operation:
            expected.add("413")
        assert expected <= set(responses), (label, sorted(responses))
        assert any(status.startswith("2") for status in responses), label


def test_an_operation_keeps_its_own_error_description(db):
    operation = _document(Client())["paths"]["/api/v1/auth/token"]["post"]
    throttled = operation["responses"]["429"]
    assert "throttled" in throttled["description"]
    assert "Retry-After" in throttled["headers"]
    assert operation["responses"]["400"] == {"$ref": "#/components/responses/BadRequest"}


def test_a_response_declared_twice_is_merged(db):
    """The report's 200 is JSON by `response=` and Excel or PDF by `openapi_extra`: the
    document held the key "200" twice, and a reader kept only the files."""
    ok = _document(Client())["paths"]["/api/v1/reports/resolution"]["get"]["responses"]["200"]
    assert {"application/json", "application/pdf"} <= set(ok["content"])


def test_a_file_download_documents_its_answer(db):
    operation = _document(Client())["paths"]["/api/v1/dossiers/{code}/documents/{doc_id}/file"]
    assert "*/*" in operation["get"]["responses"]["200"]["content"]
