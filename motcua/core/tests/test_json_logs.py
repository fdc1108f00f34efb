"""JSON-lines logs and the request id (issue 16, docs/adr/0047), and gunicorn started with
deploy/gunicorn.conf.py: JSON access log, request counts added up across its workers."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

from motcua.core.access import public
from motcua.core.logging import (
    HEADER,
    JsonFormatter,
    PlainFormatter,
    RequestIdMiddleware,
    formatter,
    gunicorn_log_format,
    log_format,
    request_id,
)

ROOT = Path(__file__).resolve().parents[3]

_seen: dict[str, Any] = {}


@public
def _logging_view(request: HttpRequest) -> HttpResponse:
    if request.GET.get("user"):
        _seen["user"] = request.user.is_authenticated  # loads the user, as a real view does
    logging.getLogger("motcua.test").warning("xử lý hồ sơ %s", "H11-0001")
    _seen["request_id"] = request_id()
    return HttpResponse("ok")


@public
def _failing_view(request: HttpRequest) -> HttpResponse:
    try:
        raise ValueError("hỏng")
    except ValueError:
        logging.getLogger("motcua.test").exception("it failed")
    return HttpResponse("ok")


urlpatterns = [path("log/", _logging_view), path("fail/", _failing_view)]


class _Capture(logging.Handler):
    """Formats each record with JsonFormatter while the request still runs (the request id
    and user are read from the running request, as the real stream handler does)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Any:
    handler = _Capture()
    log = logging.getLogger("motcua.test")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield handler
    log.removeHandler(handler)


# --- The formatter ----------------------------------------------------------------------------


def test_a_json_line_has_the_fields_and_stays_one_line():
    record = logging.LogRecord("motcua.x", logging.ERROR, __file__, 1, "a\nb %s", ("đ",), None)
    record.dossier = "H11-0001"  # an extra= field
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "motcua.x"
    assert entry["message"] == "a\nb đ"
    assert entry["dossier"] == "H11-0001"
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert "request_id" not in entry  # outside a request
    assert "đ" in line  # UTF-8, not \\u escapes


def test_the_exception_text_is_in_the_line():
    try:
        raise KeyError("missing")
    except KeyError:
        record = logging.LogRecord(
            "motcua.x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert "Traceback" in entry["exc"]
    assert "KeyError: 'missing'" in entry["exc"]


@pytest.mark.parametrize(
    ("configured", "environment", "chosen"),
    [
        ("", "production", "json"),
        ("", "rehearsal", "json"),
        ("", "local", "plain"),
        ("", "test", "plain"),
        ("json", "local", "json"),
        ("PLAIN", "production", "plain"),
    ],
)
def test_the_log_format_by_setting_and_environment(configured, environment, chosen):
    assert log_format(configured=configured, environment=environment) == chosen


def test_the_logging_setting_builds_the_chosen_formatter(settings):
    settings.MOTCUA_LOG_FORMAT = ""
    settings.MOTCUA_ENVIRONMENT = "production"
    assert isinstance(formatter(), JsonFormatter)
    settings.MOTCUA_LOG_FORMAT = "plain"
    assert isinstance(formatter(), PlainFormatter)


def test_production_settings_log_json():
    """config.settings.production, as deployed: the LOGGING handler's formatter is JSON."""
    code = (
        "import django, logging; django.setup(); "
        "print(type(logging.getLogger().handlers[0].formatter).__name__)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
    }
    env.pop("MOTCUA_LOG_FORMAT", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "JsonFormatter"


def test_gunicorn_follows_the_settings_module():
    assert gunicorn_log_format({"DJANGO_SETTINGS_MODULE": "config.settings.production"}) == "json"
    assert gunicorn_log_format({"DJANGO_SETTINGS_MODULE": "config.settings.rehearsal"}) == "json"
    assert gunicorn_log_format({}) == "plain"  # config/wsgi.py's default: the local demo
    assert gunicorn_log_format({"MOTCUA_LOG_FORMAT": "json"}) == "json"


# --- The request id ---------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=__name__)
def test_each_request_gets_an_id_returned_and_logged(client, db, captured):
    first = client.get("/log/")
    second = client.get("/log/")
    assert first[HEADER] != second[HEADER]
    assert len(first[HEADER]) == 32
    entries = [json.loads(line) for line in captured.lines]
    assert [e["request_id"] for e in entries] == [first[HEADER], second[HEADER]]
    assert entries[0]["message"] == "xử lý hồ sơ H11-0001"
    assert "user_id" not in entries[0]  # anonymous
    assert request_id() == ""  # reset once the request is over


@override_settings(ROOT_URLCONF=__name__)
def test_a_sane_incoming_id_is_kept_and_a_hostile_one_replaced(client, db, captured):
    kept = client.get("/log/", HTTP_X_REQUEST_ID="abc-123.DEF_4")
    assert kept[HEADER] == "abc-123.DEF_4"
    assert json.loads(captured.lines[-1])["request_id"] == "abc-123.DEF_4"
    forged = client.get("/log/", HTTP_X_REQUEST_ID='x" "level": "CRITICAL')
    assert forged[HEADER] != 'x" "level": "CRITICAL'
    assert len(forged[HEADER]) == 32
    too_long = client.get("/log/", HTTP_X_REQUEST_ID="a" * 200)
    assert len(too_long[HEADER]) == 32


@override_settings(ROOT_URLCONF=__name__)
def test_the_user_id_once_the_request_loaded_its_user(client, db, captured, django_user_model):
    user = django_user_model.objects.create_user(username="canbo1", password="x")
    client.force_login(user)
    client.get("/log/?user=1")
    assert _seen["user"] is True
    assert json.loads(captured.lines[-1])["user_id"] == user.pk


def test_django_request_lines_leave_out_the_request_and_its_query(client, db):
    """django.request logs a 404 with the request as an extra field; its text would carry the
    query string (a tracking PIN)."""
    handler = _Capture()
    log = logging.getLogger("django.request")
    log.addHandler(handler)
    try:
        response = client.get("/khong-co-trang-nay/?ma=H11-0001&pin=123456")
    finally:
        log.removeHandler(handler)
    entry = json.loads(handler.lines[-1])
    assert entry["message"] == "Not Found: /khong-co-trang-nay/"
    assert entry["status_code"] == 404
    assert entry["request_id"] == response[HEADER]
    assert "123456" not in handler.lines[-1]


@override_settings(ROOT_URLCONF=__name__)
def test_an_exception_logged_in_a_request(client, db, captured):
    response = client.get("/fail/")
    entry = json.loads(captured.lines[-1])
    assert entry["request_id"] == response[HEADER]
    assert "ValueError: hỏng" in entry["exc"]


def test_the_middleware_resets_the_id_when_the_view_raises(rf):
    def boom(_request: Any) -> HttpResponse:
        raise RuntimeError

    with pytest.raises(RuntimeError):
        RequestIdMiddleware(boom)(rf.get("/"))
    assert request_id() == ""


# --- gunicorn with deploy/gunicorn.conf.py ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=90) as answer:  # noqa: S310 (loopback)
        return answer.status, dict(answer.headers), answer.read()


def test_gunicorn_logs_json_and_adds_up_its_workers_metrics(tmp_path):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MOTCUA_LOG_FORMAT": "json",
        "MOTCUA_VAR_DIR": str(tmp_path / "var"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_99999.db").write_bytes(b"stale")  # emptied at start
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "1"]
            # Workers replaced every few requests: their counts must survive them.
            + ["--max-requests", "15"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        ids = []
        for _ in range(40):
            status, headers, _body = _get(base + "/healthz")
            assert status == 200
            ids.append(headers[HEADER])
        counts = []
        for _ in range(4):  # answered by one worker or the other: always the sum of both
            _status, _headers, body = _get(base + "/metrics")
            line = next(
                li
                for li in body.decode().splitlines()
                if li.startswith("motcua_http_request_duration_seconds_count")
                and 'view="healthz"' in li
            )
            counts.append(float(line.rsplit(" ", 1)[1]))
        # The 40 above and the first probe, from both workers and the ones they replaced.
        assert min(counts) >= 41
        assert counts == sorted(counts)
        files = {p.name for p in (tmp_path / "metrics").glob("histogram_*.db")}
        assert "histogram_archive.db" in files  # replaced workers' counts, merged
        assert len(files) <= 3  # the archive and the two live workers' files
        assert not (tmp_path / "metrics" / "counter_99999.db").exists()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    lines = [li for li in log.read_text().splitlines() if li.strip()]
    entries = [json.loads(li) for li in lines]  # every line is JSON, gunicorn's own included
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert {e["request_id"] for e in access} >= set(ids)
    one = next(e for e in access if e["request_id"] == ids[0])
    assert one["method"] == "GET" and one["path"] == "/healthz" and one["status"] == 200
    assert one["duration_ms"] >= 0
    assert any(
        e["logger"] == "gunicorn.error" and "Booting worker" in e["message"] for e in entries
    )
