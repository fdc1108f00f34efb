"""Files held across the round trips of the desk's intake form (a holding area).

A browser cannot fill a file input again, so when the form comes back with errors the scans
the officer chose would be lost. Instead each uploaded scan is checked (type by content,
size, malware scan — `dossiers.api.upload_problem`) and kept in the default storage under

    intake-holding/<officer's user id>/<form token>/<file id>.bin   (the content)
    intake-holding/<officer's user id>/<form token>/<file id>.json  (name, size, owner, time)

The form token is random (a hidden field of the form); every read goes through the signed-in
officer's own folder and checks the owner written beside the file, so nobody can claim
another officer's held file by sending their token. Holdings are deleted when the dossier is
received, and any holding older than HOLD_HOURS is deleted the next time someone uses the
intake form (no background job needed). Interface state only: nothing here is a dossier's
document until `dossier_intake` stores it (and scans it again)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.dossiers.api import max_files_per_dossier, upload_problem
from motcua.dossiers.data import UploadedFile

PREFIX = "intake-holding"
#: A holding older than this is deleted (the form was left; the officer started again).
HOLD_HOURS = 24
#: Sweep every officer's expired holdings at most this often per process (seconds).
SWEEP_EVERY = 600

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_FILE_ID = re.compile(r"^[0-9a-f]{32}$")
_last_sweep = 0.0


@dataclass(frozen=True)
class HeldFile:
    id: str
    name: str
    size: int
    held_at: dt.datetime


def new_token() -> str:
    return secrets.token_urlsafe(24)


def valid_token(value: str | None) -> str | None:
    return value if value and _TOKEN.match(value) else None


def _folder(user_id: int, token: str) -> str:
    assert _TOKEN.match(token) and isinstance(user_id, int)
    return f"{PREFIX}/{user_id}/{token}"


def _storage() -> Storage:
    return default_storage


def _meta(storage: Storage, path: str) -> dict[str, Any] | None:
    try:
        with storage.open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def held_files(*, user_id: int, token: str) -> list[HeldFile]:
    """The files held for this officer's form, oldest first (only the officer's own)."""
    storage = _storage()
    folder = _folder(user_id, token)
    try:
        _dirs, names = storage.listdir(folder)
    except (OSError, FileNotFoundError):
        return []
    files = []
    for name in names:
        file_id = name.removesuffix(".json")
        if not name.endswith(".json") or not _FILE_ID.match(file_id):
            continue
        meta = _meta(storage, f"{folder}/{name}")
        if meta is None or meta.get("owner") != user_id or meta.get("token") != token:
            continue
        files.append(
            HeldFile(
                id=file_id,
                name=str(meta.get("name") or "tep"),
                size=int(meta.get("size") or 0),
                held_at=dt.datetime.fromisoformat(str(meta["held_at"])),
            )
        )
    files.sort(key=lambda f: (f.held_at, f.id))
    return files


def hold(
    *, user_id: int, token: str, uploads: list[UploadedFile]
) -> tuple[list[HeldFile], list[str]]:
    """Check and keep each uploaded file; returns those kept and the problems of the others
    (each names its file)."""
    storage = _storage()
    folder = _folder(user_id, token)
    kept: list[HeldFile] = []
    problems: list[str] = []
    count = len(held_files(user_id=user_id, token=token))
    for upload in uploads:
        problem = upload_problem(upload.name, upload.content)
        if problem:
            problems.append(problem)
            continue
        if count >= max_files_per_dossier():  # MOTCUA_MAX_FILES_PER_DOSSIER (ADR 0037)
            problems.append(_("At most %(n)d files per dossier.") % {"n": max_files_per_dossier()})
            break
        file_id = secrets.token_hex(16)
        now = clock.now()
        name = (upload.name or "tep")[:255]
        storage.save(f"{folder}/{file_id}.bin", ContentFile(upload.content))
        meta = {
            "name": name,
            "size": len(upload.content),
            "owner": user_id,
            "token": token,
            "held_at": now.isoformat(),
        }
        storage.save(f"{folder}/{file_id}.json", ContentFile(json.dumps(meta).encode()))
        kept.append(HeldFile(id=file_id, name=name, size=len(upload.content), held_at=now))
        count += 1
    return kept, problems


def read_all(*, user_id: int, token: str) -> list[UploadedFile]:
    """The held files' contents, oldest first, for `dossier_intake`."""
    storage = _storage()
    folder = _folder(user_id, token)
    result = []
    for f in held_files(user_id=user_id, token=token):
        with storage.open(f"{folder}/{f.id}.bin", "rb") as fh:
            result.append(UploadedFile(name=f.name, content=bytes(fh.read())))
    return result


def remove(*, user_id: int, token: str, file_ids: list[str]) -> None:
    """Stop holding these files (ids not held for this officer's form are ignored)."""
    storage = _storage()
    folder = _folder(user_id, token)
    mine = {f.id for f in held_files(user_id=user_id, token=token)}
    for file_id in file_ids:
        if file_id in mine:
            _delete(storage, [f"{folder}/{file_id}.bin", f"{folder}/{file_id}.json"])


def release(*, user_id: int, token: str) -> None:
    """Delete everything held for this form (the dossier was received)."""
    storage = _storage()
    folder = _folder(user_id, token)
    with contextlib.suppress(OSError, FileNotFoundError):
        _dirs, names = storage.listdir(folder)
        _delete(storage, [f"{folder}/{n}" for n in names])
    _remove_empty_dir(storage, folder)


def sweep_expired(*, force: bool = False) -> int:
    """Delete every holding older than HOLD_HOURS (all officers); at most every SWEEP_EVERY
    seconds per process unless forced. Returns the number of files deleted."""
    global _last_sweep
    now_mono = time.monotonic()
    if not force and now_mono - _last_sweep < SWEEP_EVERY:
        return 0
    _last_sweep = now_mono
    storage = _storage()
    limit = clock.now() - dt.timedelta(hours=HOLD_HOURS)
    deleted = 0
    try:
        users, _files = storage.listdir(PREFIX)
    except (OSError, FileNotFoundError):
        return 0
    for user in users:
        try:
            tokens, _files = storage.listdir(f"{PREFIX}/{user}")
        except (OSError, FileNotFoundError):
            continue
        for token in tokens:
            folder = f"{PREFIX}/{user}/{token}"
            try:
                _dirs, names = storage.listdir(folder)
            except (OSError, FileNotFoundError):
                continue
            for name in names:
                if not name.endswith(".json"):
                    continue
                meta = _meta(storage, f"{folder}/{name}")
                held_at = _parse(meta.get("held_at") if meta else None)
                if held_at is None or held_at < limit:
                    stem = name.removesuffix(".json")
                    deleted += _delete(storage, [f"{folder}/{stem}.bin", f"{folder}/{name}"])
            _remove_empty_dir(storage, folder)
    return deleted


def _parse(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _delete(storage: Storage, paths: list[str]) -> int:
    done = 0
    for path in paths:
        with contextlib.suppress(OSError, FileNotFoundError):
            storage.delete(path)
            done += 1
    return done


def _remove_empty_dir(storage: Storage, folder: str) -> None:
    """On a local disk, remove the form's folder once empty (other storages have none)."""
    path_of = getattr(storage, "path", None)
    if path_of is None:
        return
    with contextlib.suppress(OSError, NotImplementedError):
        os.rmdir(path_of(folder))
