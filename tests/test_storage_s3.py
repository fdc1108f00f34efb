"""Object storage on a real S3 server (moto's server mode, docs/adr/0046): the settings'
defaults, what counts as an outage, and the objects of a transaction that does not commit.

The intake paths (API and desk form) against the same server: tests/test_storage_s3_intake.py.
"""

from __future__ import annotations

import errno
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import transaction

from config.settings.base import _storage_options
from motcua.core.errors import ValidationFailed
from motcua.core.storage import (
    StorageUnavailable,
    delete_objects,
    deletes_on_rollback,
    storage_outage,
    track,
    undeleted_count,
    written_scope,
)
from tests.moto_s3 import MotoS3, require_moto

BUCKETS = ("motcua-documents", "motcua-exports")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory: Any) -> Iterator[MotoS3]:
    server = MotoS3(require_moto(), BUCKETS, Path(tmp_path_factory.mktemp("moto")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3(moto_s3: MotoS3, settings: Any) -> MotoS3:
    """The default and exports storages on the moto server, both buckets empty."""
    moto_s3.start()  # again, if a test stopped it
    moto_s3.empty()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": moto_s3.storage_options(BUCKETS[0]),
        },
        "exports": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": moto_s3.storage_options(BUCKETS[1]),
        },
    }
    return moto_s3


def test_s3_options_are_private_unoverwritable_and_quick_to_give_up():
    options = _storage_options("storages.backends.s3.S3Storage", {"bucket_name": "b"})
    assert options["bucket_name"] == "b"
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
    assert options["custom_domain"] is None
    config = options["client_config"]
    assert config.connect_timeout <= 5 and config.read_timeout <= 30
    assert config.retries["max_attempts"] <= 3
    # The environment's options win; a filesystem storage gets none of these.
    assert _storage_options("x.S3Storage", {"default_acl": "bucket-owner-full-control"})[
        "default_acl"
    ] == ("bucket-owner-full-control")
    assert _storage_options("django.core.files.storage.FileSystemStorage", {"location": "/x"}) == {
        "location": "/x"
    }


def test_a_document_is_stored_privately_and_read_back_by_the_app(s3):
    content = b"%PDF-1.4 motcua"
    name = default_storage.save("dossiers/2026/12/abc-don.pdf", ContentFile(content))
    stored = s3.objects(BUCKETS[0])
    assert hashlib.sha256(stored[name]).hexdigest() == hashlib.sha256(content).hexdigest()
    with default_storage.open(name, "rb") as fh:
        assert fh.read() == content
    # Never an overwrite: the same name again is another object, the first one intact.
    again = default_storage.save("dossiers/2026/12/abc-don.pdf", ContentFile(b"other"))
    assert again != name and s3.objects(BUCKETS[0])[name] == content
    # Private: anonymous reads are refused, and the object's ACL grants nobody else.
    grants = s3.client().get_object_acl(Bucket=BUCKETS[0], Key=name)["Grants"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)
    with pytest.raises(NotImplementedError):
        default_storage.path(name)  # no local path on S3: nothing may rely on one
    storages["exports"].save("exports/r.xlsx", ContentFile(b"x"))
    assert list(s3.objects(BUCKETS[1])) == ["exports/r.xlsx"]


def test_a_stopped_store_is_an_outage_told_apart_quickly(s3):
    s3.stop()
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        default_storage.save("dossiers/x.pdf", ContentFile(b"x"))
    assert time.monotonic() - started < 10  # short timeouts, few retries: no hung request
    assert storage_outage(caught.value)
    # Reading too.
    with pytest.raises(Exception) as caught:
        default_storage.open("dossiers/x.pdf", "rb").read()
    assert storage_outage(caught.value)
    s3.start()
    name = default_storage.save("dossiers/x.pdf", ContentFile(b"x"))
    assert s3.objects(BUCKETS[0])[name] == b"x"


def _client_error(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


def test_which_errors_are_outages():
    assert storage_outage(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert storage_outage(StorageUnavailable())
    assert storage_outage(_client_error(503, "SlowDown"))
    assert storage_outage(_client_error(500, "InternalError"))
    assert not storage_outage(_client_error(404, "NoSuchKey"))
    assert not storage_outage(_client_error(403, "AccessDenied"))
    assert storage_outage(OSError(errno.ENOSPC, "No space left on device"))
    assert not storage_outage(OSError(errno.ENOENT, "No such file"))
    assert not storage_outage(ValidationFailed("no"))
    assert not storage_outage(ValueError("x"))
    # Wrapped (boto3's S3UploadFailedError is raised while handling botocore's error).
    outer = RuntimeError("upload failed")
    outer.__cause__ = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert storage_outage(outer)


# --- objects of a transaction that does not commit (real transactions: transactional_db) ----


def _keys(s3: MotoS3) -> set[str]:
    return set(s3.objects(BUCKETS[0]))


def _write(name: str) -> str:
    stored = default_storage.save(name, ContentFile(b"scan"))
    track(default_storage, stored)
    return stored


@deletes_on_rollback
@transaction.atomic
def _service(name: str, *, fail: bool = False) -> str:
    stored = _write(name)
    if fail:
        raise ValidationFailed("after the file was written")
    return stored


def test_a_committed_transaction_keeps_its_objects(s3, transactional_db):
    stored = _service("dossiers/kept.pdf")
    assert stored in _keys(s3)


def test_a_service_that_fails_after_writing_leaves_no_object(s3, transactional_db):
    with pytest.raises(ValidationFailed):
        _service("dossiers/failed.pdf", fail=True)
    assert _keys(s3) == set()


def test_an_enclosing_transaction_that_rolls_back_later_leaves_no_object(s3, transactional_db):
    """The service returned (its savepoint released), then its caller's transaction failed:
    Django has no on_rollback, so the scope deletes what no commit marked kept."""
    seen: list[set[str]] = []

    def caller() -> None:
        with written_scope(), transaction.atomic():
            stored = _service("dossiers/outer.pdf")
            seen.append({stored} & _keys(s3))
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        caller()
    assert seen == [{"dossiers/outer.pdf"}]  # it was stored…
    assert _keys(s3) == set()  # …and deleted when the caller's transaction rolled back
    # A savepoint rolled back inside a transaction that commits: its object goes too, the
    # other one stays.
    with written_scope(), transaction.atomic():
        kept = _service("dossiers/kept.pdf")
        try:
            with transaction.atomic():
                _service("dossiers/savepoint.pdf")
                raise RuntimeError("the savepoint failed")
        except RuntimeError:
            pass
    assert _keys(s3) == {kept}


def test_a_delete_that_fails_while_the_store_is_down_is_retried(s3, transactional_db):
    name = default_storage.save("dossiers/orphan.pdf", ContentFile(b"x"))
    before = undeleted_count()
    s3.stop()
    assert delete_objects([(default_storage, name)]) == 0  # never raises
    assert undeleted_count() == before + 1
    s3.start()  # moto starts empty; what counts is that the retry runs and drains the list
    with written_scope():
        pass
    assert undeleted_count() == 0


def test_a_connection_lost_perhaps_during_commit_keeps_the_objects(
    s3, transactional_db, monkeypatch
):
    """Whether the rows committed is not known, and a fresh connection cannot tell (the database
    is still unreachable): deleting could orphan committed rows, so the objects stay for the
    orphan sweep (ADR 0044, 0046)."""
    from django.db import OperationalError, connections

    def unreachable() -> None:
        raise OperationalError("connection refused")

    @deletes_on_rollback
    @transaction.atomic
    def lost() -> None:
        _write("dossiers/unknown.pdf")
        monkeypatch.setattr(connections["default"], "close", unreachable)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        lost()
    monkeypatch.undo()
    assert _keys(s3) == {"dossiers/unknown.pdf"}


def test_a_connection_lost_then_back_with_no_row_naming_the_objects_deletes_them(
    s3, transactional_db
):
    """The connection was lost, but a fresh one answers and no row names the objects: the
    transaction did not commit, so they are deleted at once (issue 16, make faults)."""
    from django.db import OperationalError

    @deletes_on_rollback
    @transaction.atomic
    def lost() -> None:
        _write("dossiers/unknown.pdf")
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        lost()
    assert _keys(s3) == set()


def test_the_orphan_sweep_deletes_old_unnamed_objects_only_under_the_models_folders(s3, db):
    from motcua.core.management.commands.storage_orphans import storage_orphans

    orphan = default_storage.save("dossiers/2026/12/orphan.pdf", ContentFile(b"x"))
    held = default_storage.save("intake-holding/1/tok/a.bin", ContentFile(b"x"))
    young = storage_orphans(older_than=__import__("datetime").timedelta(hours=1), delete=True)
    assert young["orphans"] == [] and young["deleted"] == 0  # too recent: perhaps in flight
    done = storage_orphans(older_than=__import__("datetime").timedelta(0), delete=True)
    assert done["orphans"] == [orphan] and done["deleted"] == 1
    assert _keys(s3) == {held}  # the holding area has its own sweep
