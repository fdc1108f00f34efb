"""Logs as JSON lines, and the request id that ties a request's lines together (issue 16,
docs/adr/0047).

- `RequestIdMiddleware` gives every request an id: the caller's `X-Request-ID` when it is a
  sane token (nginx sends its `$request_id`), else a new one. The response carries it back in
  `X-Request-ID`, and every log line written while the request runs carries it too, with the
  signed-in user's id once the request has loaded its user (never loaded just for a log line:
  that could cost a query).
- `JsonFormatter`: one JSON object per line — `time` (UTC, ISO 8601, milliseconds), `level`,
  `logger`, `message`, `request_id`, `user_id`, `exc` (the traceback, when there is one) and
  the `extra=` fields a caller passed. Vietnamese text is written as is (UTF-8).
- `formatter()`: the formatter the LOGGING setting names. `MOTCUA_LOG_FORMAT` = `json` or
  `plain`; empty (the default) means JSON except in the local demo and the tests.
- `gunicorn_json_logger()`: gunicorn's access and error logs in the same shape
  (deploy/gunicorn.conf.py uses it when the log format is JSON).
- `celery_logging_keep`: Celery workers and beat keep Django's LOGGING instead of installing
  their own handlers (connected to Celery's `setup_logging` in `CoreConfig.ready`).

Nothing here reads the settings at import time: gunicorn's config file imports this module
before Django is set up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import re
import secrets
import traceback
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

#: The header read and written.
HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
#: A caller's id is kept only if it looks like an id (no spaces, quotes or control characters,
#: which would let a client forge log content); otherwise a new one is made.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

#: The request being served by this thread (or task), for log lines written meanwhile.
_current_request: ContextVar[HttpRequest | None] = ContextVar(
    "motcua_current_request", default=None
)
_current_request_id: ContextVar[str] = ContextVar("motcua_request_id", default="")


class _Ids:
    """Request ids of 32 hex digits: 16 random per process, then a counter. Unique, not
    secret, and far cheaper than uuid4 (no system call per request). `next(counter)` is
    atomic under the GIL, so the threads of a worker share it safely."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.prefix = secrets.token_hex(8)
        self.counter = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_ids = _Ids()
# A forked worker (gunicorn, Celery) draws its own prefix, or it would repeat its parent's ids.
os.register_at_fork(after_in_child=_ids.reset)


def request_id() -> str:
    """The id of the request being served, or "" outside a request."""
    return _current_request_id.get()


def _user_id(request: Any = None) -> int | None:
    """The signed-in user's id, only when the request already loaded its user (Django's
    AuthenticationMiddleware caches it on `_cached_user` once something asked for it)."""
    request = request if request is not None else _current_request.get()
    if request is None:
        return None
    user = getattr(request, "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestIdMiddleware:
    """Propagates or creates `X-Request-ID` and exposes it to the log formatters.

    Outermost but for the metrics: lines logged by the error middleware carry the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get(_META_KEY, "")
        rid = given if given and _SANE_ID.fullmatch(given) else _ids.new()
        request.request_id = rid  # type: ignore[attr-defined]
        token_request = _current_request.set(request)
        token_id = _current_request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token_request)
            _current_request_id.reset(token_id)
        response[HEADER] = rid
        return response


#: LogRecord attributes that are not `extra=` fields. Django's request loggers pass the
#: request itself as `extra`: left out (its text has the query string, which may hold a
#: tracking PIN; the request id already ties the line to the request).
_RECORD_FIELDS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "user_id", "request"}
)


def _utc(created: float) -> str:
    instant = dt.datetime.fromtimestamp(created, tz=dt.UTC)
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    """An `extra=` value as JSON can hold it (anything else as its str)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (newlines inside a message or a traceback are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware has returned,
        # with the request as `extra`: its id and user are read from it then.
        request = getattr(record, "request", None)
        rid = (
            getattr(record, "request_id", None)
            or _current_request_id.get()
            or getattr(request, "request_id", None)
        )
        if rid:
            entry["request_id"] = rid
        uid = getattr(record, "user_id", None) or _user_id(request)
        if uid is not None:
            entry["user_id"] = uid
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_") and key not in entry:
                entry[key] = _plain(value)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The human format of the local demo and the tests, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = _current_request_id.get()
        return f"{line} [{rid}]" if rid and "\n" not in line else line


def log_format(*, configured: str, environment: str) -> str:
    """`json` or `plain`: the configured one, else JSON except in local and test."""
    chosen = configured.strip().lower()
    if chosen in ("json", "plain"):
        return chosen
    return "plain" if environment in ("local", "test") else "json"


def formatter() -> logging.Formatter:
    """The formatter of the LOGGING setting's handlers (`"()": "motcua.core.logging.formatter"`).

    Called by Django's logging set-up, after the settings are loaded."""
    from django.conf import settings

    chosen = log_format(
        configured=str(getattr(settings, "MOTCUA_LOG_FORMAT", "")),
        environment=str(getattr(settings, "MOTCUA_ENVIRONMENT", "")),
    )
    if chosen != "json":
        return PlainFormatter()
    # Python's warnings (a library's DeprecationWarning, whitenoise's missing directory) go
    # through logging too (logger "py.warnings"), or they would be plain lines among the JSON.
    logging.captureWarnings(True)
    return JsonFormatter()


def celery_logging_keep(**_kwargs: Any) -> None:
    """Celery's `setup_logging` receiver: with one connected, a worker or beat installs no
    handler of its own and the LOGGING setting (JSON in production) stays in force."""


def gunicorn_log_format(environ: Mapping[str, str] | None = None) -> str:
    """The log format for gunicorn's config file, from the environment alone (Django is not set
    up yet): MOTCUA_LOG_FORMAT, else JSON unless DJANGO_SETTINGS_MODULE is the local demo's
    (the default of config/wsgi.py) or the tests'."""
    environ = os.environ if environ is None else environ
    module = environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local")
    environment = module.rsplit(".", 1)[-1]
    return log_format(configured=environ.get("MOTCUA_LOG_FORMAT", ""), environment=environment)


def gunicorn_json_logger() -> type:
    """gunicorn's `logger_class` (gunicorn calls a function given there): its Logger with the
    error log in JsonFormatter's shape and one JSON object per access-log line — method, path
    (without the query string, which may hold a tracking PIN or an ID number), status, bytes,
    duration, client address, user agent, referrer and the request id the application
    answered with. Built on demand so that importing this module does not import gunicorn."""
    from gunicorn.glogging import Logger

    class GunicornJsonLogger(Logger):  # type: ignore[misc]
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())
            for handler in self.access_log.handlers:
                handler.setFormatter(logging.Formatter("%(message)s"))

        def access(
            self, resp: Any, req: Any, environ: Mapping[str, Any], request_time: dt.timedelta
        ) -> None:
            if not self.access_log_enabled:
                return
            try:
                self.access_log.info(access_line(resp, environ, request_time))
            except Exception:  # gunicorn's own access() does the same
                self.error(traceback.format_exc())

    return GunicornJsonLogger


def access_line(resp: Any, environ: Mapping[str, Any], request_time: dt.timedelta) -> str:
    """One access-log line as JSON (see gunicorn_json_logger)."""
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
    rid = ""
    for key, value in headers or ():
        if str(key).lower() == "x-request-id":
            rid = str(value)
    method = str(environ.get("REQUEST_METHOD", ""))
    path = str(environ.get("PATH_INFO", ""))
    entry: dict[str, Any] = {
        "time": _utc(dt.datetime.now(dt.UTC).timestamp()),
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": f"{method} {path} {status}",
        "method": method,
        "path": path,
        "status": int(status) if str(status).isdigit() else str(status),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 3),
        "remote_addr": str(environ.get("REMOTE_ADDR", "")),
        "user_agent": str(environ.get("HTTP_USER_AGENT", "")),
        "referer": str(environ.get("HTTP_REFERER", "")),
    }
    if rid:
        entry["request_id"] = rid
    return json.dumps(entry, ensure_ascii=False)
