"""Intake with files against a real S3 server (moto's server mode, docs/adr/0046).

- Upload → the object is in the bucket, its SHA-256 equal to the one the database recorded,
  and the checked download view streams it (no redirect to a bucket URL).
- S3 stopped → the API answers 503 `storage_unavailable` with Retry-After, the desk form comes
  back 503 in Vietnamese with what was typed; no dossier row, no object. S3 back → it works.
- S3 failing in the middle of a request (the second object) → the first object is deleted;
  a transaction that fails after the files were written leaves no object either.
"""

# ruff: noqa: F811 - fixtures imported from the API tests
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.desk.tests.test_intake_round_trip import BIRTH_URL, _person
from motcua.rest.tests.conftest import PDF_BYTES, api, at, intake_body, world  # noqa: F401
from tests.moto_s3 import MotoS3, require_moto

BUCKET = "motcua-documents"
BASE = "/api/v1/dossiers"
MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory: Any) -> Iterator[MotoS3]:
    server = MotoS3(require_moto(), (BUCKET,), Path(tmp_path_factory.mktemp("moto")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3(moto_s3: MotoS3, settings: Any) -> MotoS3:
    moto_s3.start()
    moto_s3.empty()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": moto_s3.storage_options(BUCKET),
        },
    }
    settings.MOTCUA_STORAGE_RETRY_AFTER_SECONDS = 30
    return moto_s3


def _file(name: str, content: bytes = PDF_BYTES) -> dict[str, Any]:
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


def _dossiers(orm: Any) -> int:
    return int(orm.Dossier.objects.count())


def test_an_uploaded_file_is_in_the_bucket_with_the_recorded_checksum(s3, world, api, orm):
    response = api("desk").post(BASE, intake_body(files=[_file("don.pdf")]), when=MONDAY)
    assert response.status_code == 201, response.content
    body = response.json()
    [doc] = orm.DossierDocument.objects.all()
    objects = s3.objects(BUCKET)
    assert list(objects) == [doc.file.name]
    assert hashlib.sha256(objects[doc.file.name]).hexdigest() == doc.sha256
    assert doc.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    # Downloaded through the checked view: streamed by the app, never a redirect to the bucket.
    download = api("desk").get(f"{BASE}/{body['code']}/documents/{doc.pk}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_s3_stopped_the_api_answers_503_and_keeps_nothing_then_works_again(s3, world, api, orm):
    desk = api("desk")
    s3.stop()
    response = desk.post(BASE, intake_body(files=[_file("don.pdf")]), when=MONDAY)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The file store cannot be reached at the moment: nothing was saved. "
        "Try again in 30 seconds.",
        "code": "storage_unavailable",
        "errors": {},
    }
    assert _dossiers(orm) == 0
    assert orm.DossierEvent.objects.count() == 0
    s3.start()  # back (moto starts empty: nothing was written before, nothing can remain)
    assert s3.objects(BUCKET) == {}
    response = desk.post(BASE, intake_body(files=[_file("don.pdf")]), when=MONDAY)
    assert response.status_code == 201, response.content
    # The day's first code: the failed intake took no number.
    assert response.json()["code"] == "H11.01.01-260302-0001"
    [doc] = orm.DossierDocument.objects.all()
    assert hashlib.sha256(s3.objects(BUCKET)[doc.file.name]).hexdigest() == doc.sha256


def test_s3_failing_at_the_second_file_leaves_no_object_and_no_row(
    s3, world, api, orm, monkeypatch
):
    from storages.backends.s3 import S3Storage

    real_save = S3Storage._save
    calls: list[str] = []

    def second_fails(self: Any, name: str, content: Any) -> str:
        calls.append(name)
        if len(calls) == 2:
            raise EndpointConnectionError(endpoint_url=s3.url)
        return str(real_save(self, name, content))

    monkeypatch.setattr(S3Storage, "_save", second_fails)
    body = intake_body(files=[_file("a.pdf"), _file("b.pdf", PDF_BYTES + b"\n%b")])
    response = api("desk").post(BASE, body, when=MONDAY)
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "storage_unavailable"
    assert len(calls) == 2  # the first object was written…
    assert s3.objects(BUCKET) == {}  # …and deleted with the rolled-back transaction
    assert _dossiers(orm) == 0


def test_a_transaction_failing_after_the_files_leaves_no_object(s3, world, api, orm, monkeypatch):
    from motcua.dossiers.services import transition

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the event could not be written")

    monkeypatch.setattr(transition.Transition, "record", broken)
    client = Client(raise_request_exception=False)
    desk = api("desk")
    desk.client = client
    response = desk.post(BASE, intake_body(files=[_file("don.pdf")]), when=MONDAY)
    assert response.status_code == 500
    assert s3.objects(BUCKET) == {}
    assert _dossiers(orm) == 0


def test_s3_stopped_the_desk_form_comes_back_503_in_vietnamese_with_what_was_typed(
    s3, world, client, orm, django_capture_on_commit_callbacks
):
    from motcua.core import clock

    client.force_login(world["users"]["desk"])
    s3.stop()
    upload = SimpleUploadedFile("don.pdf", PDF_BYTES, content_type="application/pdf")
    data = {**_person(full_name="Lò Thị Hoa"), "uploads": [upload]}
    with clock.at(MONDAY):
        response = client.post(BIRTH_URL, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    # The message (Vietnamese once the catalogue has it: notes/po/storage.json).
    assert "kho lưu trữ tệp" in html or "The file store cannot be reached" in html
    assert 'value="Lò Thị Hoa"' in html and 'value="0912345678"' in html  # what was typed
    assert _dossiers(orm) == 0
    s3.start()
    upload = SimpleUploadedFile("don.pdf", PDF_BYTES, content_type="application/pdf")
    with clock.at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        response = client.post(BIRTH_URL, {**data, "uploads": [upload]})
    assert response.status_code == 302, response.content.decode()[:2000]
    docs = list(orm.DossierDocument.objects.all())  # the scan, and the receipt rendered after
    assert sorted(d.kind for d in docs) == ["attachment", "receipt"]
    objects = s3.objects(BUCKET)
    for doc in docs:
        assert hashlib.sha256(objects[doc.file.name]).hexdigest() == doc.sha256
    # The held scan was released once the dossier was received: only the documents remain.
    assert sorted(objects) == sorted(d.file.name for d in docs)


def test_api_error_body_is_json(s3, world, api):
    """The 503 keeps the API's error shape for a bad body too (sanity: JSON, not HTML)."""
    s3.stop()
    response = api("desk").post(BASE, intake_body(files=[_file("don.pdf")]), when=MONDAY)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["errors"] == {}
