"""Backup and restore of a motcua installation (docs/adr/0046): `deploy/backup` and
`deploy/restore` are thin executables around `backup_main` and `restore_main`.

A backup directory holds

    db.dump         pg_dump of the primary, custom format (pg_restore), taken in the snapshot
                    that the metadata's counts were read in (pg_export_snapshot)
    objects/<role>/<key>   every object of the documents bucket (role "documents") and of the
                    exports bucket ("exports"), copied after the dump
    manifest.json   {"<role>": {"bucket", "endpoint_url", "objects": [{"key", "size", "sha256"}]}}
    metadata.json   time, database (no password), migration heads, dossier/document counts,
                    pg_dump version, the object totals

Objects are copied after the database snapshot: an object written after it is copied too
(harmless: no row names it); documents are never overwritten, so every object a row of the
dump names is already in the bucket when the copy starts (a document deleted between the dump
and the copy — a personal-data erasure — is reported as missing by the restore's check, and
the erasure must then be done again after the restore).

`restore` loads a backup into an EMPTY database and an EMPTY bucket (it refuses anything else),
then checks: the dossier count equals the backup's, every document's object has the SHA-256
the database recorded, and `manage.py verify_audit` passes on the restored database.

Exit codes: 0 done (and, for restore, verified); 1 failed (a tool, the database or the store);
2 usage; 3 restore refused (target database or bucket not empty); 4 restored but a check
failed. The last line printed says which, starting with "backup ok:", "restore ok:" or
"restore FAILED:"."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
ROLES = {
    "documents": ("DJANGO_STORAGE_BACKEND", "DJANGO_STORAGE_OPTIONS"),
    "exports": ("DJANGO_EXPORTS_STORAGE_BACKEND", "DJANGO_EXPORTS_STORAGE_OPTIONS"),
}
#: Tables whose rows record a stored file with its SHA-256 (table, file column).
CHECKSUMMED = (("dossiers_dossierdocument", "file"), ("dossiers_draftfile", "file"))
EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_CHECK = 1, 2, 3, 4


class Refused(Exception):
    """The restore's target is not empty."""


class CheckFailed(Exception):
    """Restored, but a check disagrees with the backup."""


def ensure_venv() -> None:
    """Run under the project's virtualenv (boto3, psycopg), re-executing if needed."""
    try:
        import boto3  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent:
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
        raise


def read_env(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (the prodctl environment file); # comments and blank lines skipped."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def safe_url(url: str) -> str:
    """The database URL without its password (for logs and the metadata)."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def log(message: str) -> None:
    print(message, flush=True)


# --- object stores ---------------------------------------------------------------------------


class Store:
    """One storage role: an S3 bucket, or a directory for a filesystem storage."""

    def __init__(self, env: dict[str, str], role: str, bucket: str | None = None) -> None:
        backend_key, options_key = ROLES[role]
        backend = env.get(backend_key, "django.core.files.storage.FileSystemStorage")
        options: dict[str, Any] = json.loads(env.get(options_key) or "{}")
        self.role = role
        self.s3 = backend.endswith("S3Storage")
        self.endpoint_url: str | None = options.get("endpoint_url")
        self.bucket: str = bucket or options.get("bucket_name", "")
        self.region = options.get("region_name") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.access_key = options.get("access_key") or env.get("AWS_ACCESS_KEY_ID")
        self.secret_key = options.get("secret_key") or env.get("AWS_SECRET_ACCESS_KEY")
        var_dir = Path(env.get("MOTCUA_VAR_DIR") or ROOT / "var")
        default_location = (
            env.get("MOTCUA_MEDIA_ROOT") or str(var_dir / "media")
            if role == "documents"
            else str(var_dir / "exports")
        )
        self.location = Path(options.get("location") or default_location)
        if bucket and not self.s3:
            self.location = Path(bucket)  # a filesystem storage: --bucket names a directory
        self._client: Any = None

    @property
    def configured(self) -> bool:
        return bool(self.bucket) if self.s3 else True

    def describe(self) -> str:
        return f"s3://{self.bucket} at {self.endpoint_url}" if self.s3 else str(self.location)

    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                region_name=self.region,
                config=Config(
                    connect_timeout=5,
                    read_timeout=60,
                    retries={"max_attempts": 5, "mode": "standard"},
                    s3={"addressing_style": "path"},
                ),
            )
        return self._client

    def object_keys(self) -> list[str]:
        if not self.s3:
            if not self.location.exists():
                return []
            return sorted(
                str(p.relative_to(self.location)) for p in self.location.rglob("*") if p.is_file()
            )
        found: list[str] = []
        paginator = self.client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket):
            found.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(found)

    def read(self, key: str) -> bytes:
        if not self.s3:
            return (self.location / key).read_bytes()
        body: bytes = self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def write(self, key: str, content: bytes) -> None:
        if not self.s3:
            path = self.location / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            return
        self.client().put_object(Bucket=self.bucket, Key=key, Body=content, ACL="private")

    def ensure_empty(self) -> None:
        """Create the bucket (or directory) if missing; refuse one that holds anything."""
        if not self.s3:
            self.location.mkdir(parents=True, exist_ok=True)
        else:
            from botocore.exceptions import ClientError

            try:
                self.client().head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if status != 404:
                    raise
                self.client().create_bucket(Bucket=self.bucket)
        listed = self.object_keys()
        if listed:
            raise Refused(
                f"the {self.role} store {self.describe()} is not empty ({len(listed)} objects, "
                f"e.g. {listed[0]}): restore only into an empty one"
            )


# --- the database ----------------------------------------------------------------------------


def connect(url: str, **kwargs: Any) -> Any:
    import psycopg

    return psycopg.connect(url, connect_timeout=10, **kwargs)


def table_exists(cur: Any, table: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
    return bool(cur.fetchone()[0])


def counts(cur: Any) -> dict[str, Any]:
    """What the metadata records and the restore compares."""
    cur.execute("SELECT count(*) FROM dossiers_dossier")
    dossiers = int(cur.fetchone()[0])
    cur.execute("SELECT count(*), coalesce(sum(size), 0) FROM dossiers_dossierdocument")
    documents, document_bytes = (int(v) for v in cur.fetchone())
    cur.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    heads = dict(cur.fetchall())
    audit = 0
    if table_exists(cur, "core_auditentry"):
        cur.execute("SELECT count(*) FROM core_auditentry")
        audit = int(cur.fetchone()[0])
    return {
        "dossiers": dossiers,
        "documents": documents,
        "document_bytes": document_bytes,
        "audit_entries": audit,
        "migration_heads": heads,
    }


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    shown = [
        "--dbname=" + safe_url(c.removeprefix("--dbname=")) if c.startswith("--dbname=") else c
        for c in command
    ]
    log("$ " + " ".join(shlex.quote(c) for c in shown))
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


# --- backup ----------------------------------------------------------------------------------


def backup(env: dict[str, str], out: Path) -> dict[str, Any]:
    database_url = env.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("backup: DATABASE_URL must be a PostgreSQL URL (the primary)")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"backup: {out} is not empty: give a new directory")
    started = dt.datetime.now(dt.UTC)
    # One snapshot for the dump and the counts: the metadata describes exactly the dump.
    with connect(database_url, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            figures = counts(cur)
        dump = out / "db.dump"
        run(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={database_url}",
            ]
        )
        conn.rollback()
    version = run(["pg_dump", "--version"]).stdout.strip()
    manifest: dict[str, Any] = {}
    total_objects = total_bytes = 0
    for role in ROLES:
        store = Store(env, role)
        if not store.configured:
            continue
        entries = []
        for key in store.object_keys():
            content = store.read(key)
            target = out / "objects" / role / key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            entries.append(
                {"key": key, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
            total_bytes += len(content)
        total_objects += len(entries)
        manifest[role] = {
            "s3": store.s3,
            "bucket": store.bucket if store.s3 else None,
            "endpoint_url": store.endpoint_url if store.s3 else None,
            "location": None if store.s3 else str(store.location),
            "objects": entries,
        }
        log(f"{role}: {len(entries)} objects from {store.describe()}")
    metadata = {
        "format": 1,
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": safe_url(database_url),
        "pg_dump": version,
        "dump_bytes": dump.stat().st_size,
        "dump_sha256": hashlib.sha256(dump.read_bytes()).hexdigest(),
        "objects": total_objects,
        "object_bytes": total_bytes,
        **figures,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    (out / "metadata.json").write_text(json.dumps(metadata, indent=1, ensure_ascii=False))
    return metadata


def backup_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deploy/backup",
        description="pg_dump of the primary + a copy of every object of the documents and "
        "exports buckets, with a manifest (key, size, sha256) and metadata.",
    )
    parser.add_argument("--env", required=True, type=Path, help="the environment file")
    parser.add_argument("--out", required=True, type=Path, help="a new (or empty) directory")
    args = parser.parse_args(argv)
    ensure_venv()
    try:
        env = read_env(args.env)
        started = time.monotonic()
        meta = backup(env, args.out)
    except SystemExit as exc:
        log(f"backup FAILED: {exc}")
        return EXIT_USAGE
    except subprocess.CalledProcessError as exc:
        log(f"backup FAILED: {exc.cmd[0]} exited {exc.returncode}: {exc.stderr.strip()}")
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - one line for the operator, non-zero exit
        log(f"backup FAILED: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    log(
        f"backup ok: {args.out} ({meta['dossiers']} dossiers, {meta['documents']} documents, "
        f"{meta['objects']} objects, {meta['object_bytes']} bytes, "
        f"{time.monotonic() - started:.1f} s)"
    )
    return 0


# --- restore ---------------------------------------------------------------------------------


def _database_missing(url: str) -> bool:
    """True if the database does not exist yet; Refused if it has any relation."""
    import psycopg

    try:
        with connect(url) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%%'"
            )
            relations = int(cur.fetchone()[0])
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        return True
    if relations:
        raise Refused(
            f"the database {safe_url(url)} is not empty ({relations} relations): restore "
            "only into an empty database"
        )
    return False


def _database_create(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # the name from the operator's URL
    log(f"created database {name}")


def restore(
    env: dict[str, str],
    source: Path,
    database_url: str,
    bucket: str,
    exports_bucket: str | None,
) -> dict[str, Any]:
    metadata = json.loads((source / "metadata.json").read_text())
    manifest = json.loads((source / "manifest.json").read_text())
    dump = source / "db.dump"
    if hashlib.sha256(dump.read_bytes()).hexdigest() != metadata["dump_sha256"]:
        raise CheckFailed("db.dump does not have the SHA-256 the backup recorded")
    stores = {"documents": Store(env, "documents", bucket)}
    if exports_bucket and "exports" in manifest:
        stores["exports"] = Store(env, "exports", exports_bucket)
    # Refuse before touching anything.
    missing = _database_missing(database_url)
    for store in stores.values():
        store.ensure_empty()
    if missing:
        _database_create(database_url)
    run(
        [
            "pg_restore",
            "--exit-on-error",
            "--no-owner",
            "--no-acl",
            f"--dbname={database_url}",
            str(dump),
        ]
    )
    copied = 0
    for role, store in stores.items():
        for entry in manifest.get(role, {}).get("objects", []):
            content = (source / "objects" / role / entry["key"]).read_bytes()
            if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                raise CheckFailed(f"{role}/{entry['key']}: the backup's copy is damaged")
            store.write(entry["key"], content)
            copied += 1
        log(
            f"{role}: {len(manifest.get(role, {}).get('objects', []))} objects to {store.describe()}"
        )
    return {"metadata": metadata, "copied": copied, "stores": stores}


def verify(
    env: dict[str, str], database_url: str, store: Store, metadata: dict[str, Any]
) -> dict[str, Any]:
    """The restore's checks; raises CheckFailed with every problem found."""
    problems: list[str] = []
    with connect(database_url) as conn, conn.cursor() as cur:
        figures = counts(cur)
        checked = 0
        for table, column in CHECKSUMMED:
            if not table_exists(cur, table):
                continue
            cur.execute(f"SELECT id, {column}, sha256 FROM {table} WHERE {column} <> ''")  # noqa: S608
            for row_id, name, sha256 in cur.fetchall():
                try:
                    content = store.read(name)
                except Exception as exc:  # noqa: BLE001 - reported with the others
                    problems.append(f"{table} {row_id}: {name} cannot be read ({exc})")
                    continue
                if hashlib.sha256(content).hexdigest() != sha256:
                    problems.append(f"{table} {row_id}: {name} has not the recorded SHA-256")
                checked += 1
    if figures["dossiers"] != metadata["dossiers"]:
        problems.append(
            f"dossiers: {figures['dossiers']} restored, {metadata['dossiers']} in the backup"
        )
    if figures["documents"] != metadata["documents"]:
        problems.append(
            f"documents: {figures['documents']} restored, {metadata['documents']} in the backup"
        )
    # The audit's hash chains, by the application itself, on the restored database and bucket.
    options = json.loads(env.get("DJANGO_STORAGE_OPTIONS") or "{}")
    child = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL",)}
    child.update({k: v for k, v in env.items() if k != "DATABASE_REPLICA_URL"})
    child["DATABASE_URL"] = database_url
    if store.s3:
        options["bucket_name"] = store.bucket
        child["DJANGO_STORAGE_OPTIONS"] = json.dumps(options)
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable)
    audit = subprocess.run(
        [python, str(ROOT / "manage.py"), "verify_audit"],
        env=child,
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    )
    log(f"$ manage.py verify_audit → exit {audit.returncode}: {audit.stdout.strip()[-500:]}")
    if audit.returncode != 0:
        problems.append(f"verify_audit failed: {(audit.stdout + audit.stderr).strip()[-1000:]}")
    if problems:
        raise CheckFailed("; ".join(problems))
    return {**figures, "checksums_checked": checked}


def restore_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deploy/restore",
        description="Restore a deploy/backup directory into an EMPTY database and bucket, then "
        "verify it (dossier count, every document's SHA-256, manage.py verify_audit).",
    )
    parser.add_argument("--env", required=True, type=Path, help="the environment file")
    parser.add_argument("--from", dest="source", required=True, type=Path, help="backup dir")
    parser.add_argument("--database", required=True, help="the new database's URL (empty)")
    parser.add_argument("--bucket", required=True, help="the new documents bucket (empty)")
    parser.add_argument("--exports-bucket", help="also restore the exports into this bucket")
    args = parser.parse_args(argv)
    ensure_venv()
    started = time.monotonic()
    try:
        env = read_env(args.env)
        done = restore(env, args.source, args.database, args.bucket, args.exports_bucket)
        figures = verify(env, args.database, done["stores"]["documents"], done["metadata"])
    except Refused as exc:
        log(f"restore REFUSED: {exc}")
        return EXIT_REFUSED
    except CheckFailed as exc:
        log(f"restore FAILED: check: {exc}")
        return EXIT_CHECK
    except subprocess.CalledProcessError as exc:
        log(f"restore FAILED: {exc.cmd[0]} exited {exc.returncode}: {exc.stderr.strip()[-2000:]}")
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - one line for the operator, non-zero exit
        log(f"restore FAILED: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    log(
        f"restore ok: {safe_url(args.database)} + s3://{args.bucket} ({figures['dossiers']} "
        f"dossiers, {figures['checksums_checked']} checksums equal, {done['copied']} objects, "
        f"verify_audit passed, {time.monotonic() - started:.1f} s)"
    )
    return 0
