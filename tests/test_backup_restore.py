"""deploy/backup and deploy/restore end to end (docs/adr/0046), on the PostgreSQL test
database and a moto S3 server: dossiers with files are received (committed), backed up
(pg_dump + every object with its SHA-256 + metadata), restored into a new empty database and
a new empty bucket, and the restore's own checks pass (dossier count, every document's
SHA-256, verify_audit). A non-empty target is refused; a document whose content differs from
the recorded checksum fails the check. PostgreSQL only (pg_dump); `make faults` runs the same
scripts on the rehearsal topology."""

# ruff: noqa: F811 - fixtures imported from the API tests
from __future__ import annotations

import base64
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.rest.tests.conftest import PDF_BYTES, api, at, intake_body, world  # noqa: F401
from tests.moto_s3 import ACCESS_KEY, REGION, SECRET_KEY, MotoS3, require_moto

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent
BUCKETS = ("motcua-documents", "motcua-exports")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory: Any) -> Iterator[MotoS3]:
    server = MotoS3(require_moto(), BUCKETS, Path(tmp_path_factory.mktemp("moto")))
    server.start()
    yield server
    server.stop()


def _url(name: str | None = None) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{name or s['NAME']}"


@pytest.fixture
def restore_db(postgres_only: Any) -> Iterator[str]:
    """The name of a database that does not exist yet (the restore creates it); dropped after."""
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(3)}"
    yield name
    import psycopg

    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_and_bucket(
    moto_s3, settings, world, api, orm, restore_db, tmp_path
):
    moto_s3.start()
    moto_s3.empty()
    options = moto_s3.storage_options(BUCKETS[0])
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    scan = {"name": "don.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}
    other = {"name": "b.pdf", "content_base64": base64.b64encode(PDF_BYTES + b"\n%2").decode()}
    for hour, files in ((9, [scan]), (10, [scan, other])):
        response = api("desk").post(
            "/api/v1/dossiers", intake_body(files=files), when=at(2026, 3, 2, hour, 0)
        )
        assert response.status_code == 201, response.content
    moto_s3.client().put_object(Bucket=BUCKETS[1], Key="exports/r.xlsx", Body=b"xlsx")
    # Three scans and the two receipts rendered after the commits.
    assert orm.Dossier.objects.count() == 2 and orm.DossierDocument.objects.count() == 5

    s3_options = {"endpoint_url": moto_s3.url, "region_name": REGION}
    env_file = tmp_path / "motcua.env"
    env_file.write_text(
        "\n".join(
            [
                "# the rehearsal's environment file, for the test database and moto",
                "DJANGO_SETTINGS_MODULE=config.settings.test",
                f"DATABASE_URL={_url()}",
                "DJANGO_STORAGE_BACKEND=storages.backends.s3.S3Storage",
                "DJANGO_STORAGE_OPTIONS=" + json.dumps({"bucket_name": BUCKETS[0], **s3_options}),
                "DJANGO_EXPORTS_STORAGE_BACKEND=storages.backends.s3.S3Storage",
                "DJANGO_EXPORTS_STORAGE_OPTIONS="
                + json.dumps({"bucket_name": BUCKETS[1], **s3_options}),
                f"AWS_ACCESS_KEY_ID={ACCESS_KEY}",
                f"AWS_SECRET_ACCESS_KEY={SECRET_KEY}",
                f"AWS_DEFAULT_REGION={REGION}",
            ]
        )
        + "\n"
    )
    out = tmp_path / "backup"
    done = _script("backup", "--env", str(env_file), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("backup ok:")
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["dossiers"] == 2 and metadata["documents"] == 5
    assert metadata["migration_heads"]["dossiers"].startswith("0")
    manifest = json.loads((out / "manifest.json").read_text())
    stored = {d.file.name: d.sha256 for d in orm.DossierDocument.objects.all()}
    assert {o["key"]: o["sha256"] for o in manifest["documents"]["objects"]} == stored
    assert [o["key"] for o in manifest["exports"]["objects"]] == ["exports/r.xlsx"]
    assert (out / "db.dump").read_bytes()[:5] == b"PGDMP"  # custom format

    bucket = f"restored-{secrets.token_hex(3)}"
    args = ["--env", str(env_file), "--from", str(out), "--database", _url(restore_db)]
    done = _script("restore", *args, "--bucket", bucket)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("restore ok:") and "2 dossiers, 5 checksums equal" in last, last
    assert "verify_audit → exit 0" in done.stdout
    restored = moto_s3.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in restored) == sorted(stored)

    # A non-empty target is refused, and nothing is touched.
    done = _script("restore", *args, "--bucket", f"other-{secrets.token_hex(3)}")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "restore REFUSED: the database" in done.stdout

    # A document whose content is not what the database recorded fails the check.
    key = manifest["documents"]["objects"][0]["key"]
    (out / "objects" / "documents" / key).write_bytes(b"tampered")
    for entry in manifest["documents"]["objects"]:
        if entry["key"] == key:
            entry["sha256"] = __import__("hashlib").sha256(b"tampered").hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))
    second_db = f"{restore_db}_b"
    try:
        done = _script(
            "restore",
            "--env",
            str(env_file),
            "--from",
            str(out),
            "--database",
            _url(second_db),
            "--bucket",
            f"third-{secrets.token_hex(3)}",
        )
        assert done.returncode == 4, done.stdout + done.stderr
        assert "has not the recorded SHA-256" in done.stdout
    finally:
        import psycopg

        with psycopg.connect(_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{second_db}"')
