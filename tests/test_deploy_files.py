"""The configuration files a province installs (issue 16, docs/adr/0048), checked statically:
the nginx site passes `nginx -t`, the systemd units start commands that exist, the environment
template documents every variable the settings read, compose.yaml is consistent (no Docker
engine runs here: it is never started), and the rehearsal settings refuse a public host."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.test import override_settings

from motcua.core.checks import check_rehearsal_loopback_only

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"
SETTING_READ = re.compile(r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"")
#: Where the units expect the code (a checkout with its .venv).
INSTALL_DIR = "/opt/motcua"


def load_prodctl(monkeypatch: pytest.MonkeyPatch, instance: Path) -> ModuleType:
    """deploy/prodctl as a module (it has no .py suffix), for an instance in `instance`."""
    monkeypatch.setenv("MOTCUA_PROD_DIR", str(instance))
    monkeypatch.setenv("MOTCUA_PROD_PORT_OFFSET", "300")
    loader = importlib.machinery.SourceFileLoader("prodctl_under_test", str(DEPLOY / "prodctl"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, loader.name, module)  # its dataclasses look it up
    loader.exec_module(module)
    return module


def documented_variables() -> set[str]:
    """Names given a value in deploy/env.example, commented out (default shown) or not."""
    return set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    )


# --- environment ---------------------------------------------------------------------------------


def test_env_example_documents_every_variable_the_settings_read():
    read: set[str] = set()
    for path in sorted((ROOT / "config" / "settings").glob("*.py")):
        read |= set(SETTING_READ.findall(path.read_text(encoding="utf-8")))
    assert len(read) > 50  # the pattern still finds the settings' reads
    missing = sorted(read - documented_variables())
    assert not missing, f"deploy/env.example lacks {missing}"


def test_the_rehearsal_environment_is_documented_and_readable_by_a_shell(tmp_path, monkeypatch):
    prodctl = load_prodctl(monkeypatch, tmp_path / "inst")
    values = prodctl.write_env_file()
    assert not sorted(set(values) - documented_variables())
    # Ports shifted by the offset, the instance's own directory.
    assert values["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5742/motcua"
    assert values["MOTCUA_PUBLIC_URL"] == "http://127.0.0.1:8388"
    assert values["MOTCUA_VAR_DIR"] == str(tmp_path / "inst" / "var")
    # The JSON options survive `set -a; . file` (faults, load and backup scripts source it).
    done = subprocess.run(  # noqa: S603
        [
            "bash",
            "-c",
            'set -a; . "$0"; printf %s "$DJANGO_STORAGE_OPTIONS"',
            str(prodctl.ENV_FILE),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert done.stdout == values["DJANGO_STORAGE_OPTIONS"]
    assert '"endpoint_url": "http://127.0.0.1:9400"' in done.stdout
    # Run again: the secret key and a line added by hand are kept.
    with prodctl.ENV_FILE.open("a") as fh:
        fh.write("MOTCUA_SMS_BACKEND=file\n")
    again = prodctl.write_env_file()
    assert again["DJANGO_SECRET_KEY"] == values["DJANGO_SECRET_KEY"]
    assert again["MOTCUA_SMS_BACKEND"] == "file"


# --- nginx ---------------------------------------------------------------------------------------


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "motcua.conf").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_nginx_site_passes_nginx_t(tmp_path, monkeypatch):
    prodctl = load_prodctl(monkeypatch, tmp_path / "inst")
    main = prodctl.render_nginx(tmp_path / "nginx")
    (tmp_path / "inst" / "log").mkdir(parents=True)
    (tmp_path / "inst" / "run").mkdir(parents=True)
    done = subprocess.run(  # noqa: S603
        [shutil.which("nginx") or "nginx", "-t", "-p", str(tmp_path / "nginx"), "-c", str(main)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    rendered = (tmp_path / "nginx" / "motcua.conf").read_text()
    assert "server 127.0.0.1:8401" in rendered and "server 127.0.0.1:8402" in rendered
    assert "listen 127.0.0.1:8388;" in rendered


def test_nginx_body_limit_matches_django_and_the_proxy_headers_are_set():
    site = nginx_site()
    size = re.search(r"^\s*client_max_body_size\s+(\d+)([kKmM]?);", site, re.M)
    assert size is not None
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2).lower()]
    assert int(size.group(1)) * factor == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for directive in (
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header Host $http_host;",
        "proxy_read_timeout",
        "proxy_connect_timeout",
        "error_page 502 503 504",
        "alias ${MOTCUA_NGINX_STATIC_ROOT}/;",
    ):
        assert directive in site, directive
    # nginx keeps no idle upstream connection: a kept connection that gunicorn closes is reset
    # under a POST, which nginx does not retry (a 502 seen in the load run).
    upstream = re.search(r"upstream motcua_app \{(.*?)\n\}", site, re.S)
    assert upstream is not None
    assert not re.search(r"^\s*keepalive\b", upstream.group(1), re.M)
    # The app's own 503 (database busy, with Retry-After) must reach the client unchanged.
    assert "proxy_intercept_errors on" not in site
    errors = DEPLOY / "nginx" / "errors"
    assert (errors / "maintenance.html").read_text().startswith("<!doctype html>")
    assert set(yaml.safe_load((errors / "maintenance.json").read_text())) == {
        "detail",
        "code",
        "errors",
    }


# --- systemd -------------------------------------------------------------------------------------


def unit_entries(path: Path) -> list[tuple[str, str]]:
    """(key, value) of a unit file, repeated keys kept (ExecStart of a oneshot)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            entries.append((key.strip(), value.strip()))
    return entries


def check_command(argv: list[str], where: str) -> None:
    """The program exists in this checkout, and what it is asked to run exists too."""
    program = argv[0]
    if program.startswith(INSTALL_DIR + "/"):
        program = str(ROOT / program.removeprefix(INSTALL_DIR + "/"))
    if program in ("gunicorn", "celery", "python"):
        program = str(ROOT / ".venv" / "bin" / program)
    assert os.access(program, os.X_OK), f"{where}: {argv[0]} is not an executable here"
    name = Path(program).name
    args = [arg.replace(INSTALL_DIR + "/", "") for arg in argv[1:]]
    if name.startswith("python"):
        assert args[0] == "manage.py", where
        assert args[1] in get_commands(), f"{where}: no manage.py {args[1]}"
    elif name == "gunicorn":
        assert "config.wsgi:application" in args, where
        assert (ROOT / args[args.index("-c") + 1]).exists(), where
    elif name == "celery":
        assert args[:2] == ["-A", "config"] and (ROOT / "config" / "celery.py").exists(), where
        assert args[2] in ("worker", "beat"), where
        if args[2] == "worker":
            assert args[args.index("--concurrency") + 1] == "1", where
    else:
        pytest.fail(f"{where}: unexpected program {argv[0]}")


def test_systemd_units_start_existing_commands():
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert len(units) >= 6
    for unit in units:
        entries = unit_entries(unit)
        keys = [key for key, _ in entries]
        assert "EnvironmentFile" in keys and ("User", "motcua") in entries, unit.name
        starts = [value for key, value in entries if key == "ExecStart"]
        assert starts, unit.name
        for start in starts:
            check_command(shlex.split(start.replace("%%", "%")), unit.name)
    workers = {
        unit.name: dict(unit_entries(unit))["ExecStart"]
        for unit in units
        if unit.name.startswith("motcua-worker-")
    }
    queues = [re.search(r"-Q (\S+)", start).group(1) for start in workers.values()]  # type: ignore[union-attr]
    assert sorted(",".join(queues).split(",")) == sorted(
        ["signing", "rendering", "notifications", "exchange", "reports", "default"]
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """systemd's own parser accepts every unit (the code's path pointed at this checkout)."""
    for unit in (DEPLOY / "systemd").iterdir():
        name = unit.name.replace("@.service", "@8101.service")
        (tmp_path / name).write_text(unit.read_text().replace(INSTALL_DIR, str(ROOT)))
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_target_wants_units_that_exist():
    target = dict(unit_entries(DEPLOY / "systemd" / "motcua.target"))
    for wanted in target["Wants"].split():
        template = re.sub(r"@[^.]+\.service$", "@.service", wanted)
        assert (DEPLOY / "systemd" / template).exists(), wanted


# --- containers ----------------------------------------------------------------------------------


def test_compose_file_is_consistent():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    expected = {
        "db-primary",
        "db-replica",
        "redis",
        "s3",
        "app1",
        "app2",
        "worker-signing",
        "worker-notify",
        "worker-default",
        "beat",
        "relay",
        "nginx",
        "migrate",
    }
    assert expected <= set(services)
    documented = documented_variables()
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency in service.get("depends_on", []):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source}"
            else:
                assert source in compose["volumes"], f"{name}: volume {source}"
        for config in service.get("configs", []):
            assert config["source"] in compose["configs"], name
        if service.get("build") == ".":
            assert set(service["environment"]) <= documented, name
            command = service["command"]
            if command[:2] == ["sh", "-c"]:
                for part in command[2].split("&&"):
                    check_command(shlex.split(part), f"compose {name}")
            else:
                check_command(command, f"compose {name}")
    # nginx fills the same site template the systemd hosts and the rehearsal use.
    placeholders = set(re.findall(r"\$\{(MOTCUA_NGINX_[A-Z_]+)\}", _uncommented(nginx_site())))
    assert placeholders == set(services["nginx"]["environment"])


def _uncommented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_dockerfile_runs_gunicorn_as_a_user_on_debian_python_311():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", dockerfile, re.M)
    assert "libpango-1.0-0" in dockerfile  # WeasyPrint
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^CMD \["gunicorn"', dockerfile, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)


# --- the rehearsal settings ----------------------------------------------------------------------


@override_settings(MOTCUA_REHEARSAL=True, ALLOWED_HOSTS=["127.0.0.1", "localhost"])
def test_rehearsal_settings_on_the_loopback_pass_the_check():
    assert check_rehearsal_loopback_only() == []


@override_settings(MOTCUA_REHEARSAL=True, ALLOWED_HOSTS=["127.0.0.1", "dichvucong.dienbien.gov.vn"])
def test_rehearsal_settings_with_a_public_host_are_refused():
    errors = check_rehearsal_loopback_only()
    assert [error.id for error in errors] == ["core.E001"]
    assert "dichvucong.dienbien.gov.vn" in errors[0].msg


def test_rehearsal_settings_module_loads_demo_and_plain_http(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOTCUA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.rehearsal",
        DJANGO_SECRET_KEY="rehearsal-" + "k" * 40,
        MOTCUA_VAR_DIR=str(tmp_path),
    )
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.MOTCUA_ALLOW_DEMO_DATA, s.USE_DEMO_PKI, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.MOTCUA_MALWARE_SCANNER, "
        "s.MOTCUA_ENVIRONMENT)"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", show],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False", "0", "False", "none", "production"]


@pytest.mark.parametrize("given", ["KILL", "sigkill", "9", "-9"])
def test_prodctl_kill_takes_a_signal_by_name_or_number(tmp_path, monkeypatch, given):
    prodctl = load_prodctl(monkeypatch, tmp_path / "inst")
    sent: list[int] = []
    monkeypatch.setattr(prodctl.PARTS["worker-signing"], "kill", sent.append)
    monkeypatch.setattr(prodctl.os, "geteuid", lambda: 0)
    assert prodctl.main(["kill", "worker-signing", given]) == 0
    assert sent == [9]


def test_rehearsal_settings_refuse_a_public_host_at_import(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOTCUA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.rehearsal",
        DJANGO_SECRET_KEY="rehearsal-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,dichvucong.dienbien.gov.vn",
        MOTCUA_VAR_DIR=str(tmp_path),
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import config.wsgi"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "dichvucong.dienbien.gov.vn" in done.stderr


def test_prodctl_reuses_the_static_files_another_instance_collected(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_PROD_STATIC_CACHE", str(tmp_path / "cache"))
    prodctl = load_prodctl(monkeypatch, tmp_path / "inst")
    (tmp_path / "inst" / "log").mkdir(parents=True)
    (tmp_path / "inst" / "var").mkdir(parents=True)
    fingerprint = prodctl.static_fingerprint()
    shared = tmp_path / "cache" / fingerprint / "css"
    shared.mkdir(parents=True)
    (shared / "motcua.abc123.css").write_text("body{}")
    ran: list[str] = []
    monkeypatch.setattr(prodctl, "run", lambda cmd, **kw: ran.append(cmd[2]))
    monkeypatch.setattr(
        prodctl.subprocess, "Popen", lambda *a, **kw: pytest.fail("collectstatic ran")
    )
    prodctl.prepare_data()
    assert ran == ["migrate", "loaddemo"]
    assert (prodctl.STATIC_ROOT / "css" / "motcua.abc123.css").read_text() == "body{}"
    assert (tmp_path / "inst" / "var" / "static.stamp").read_text() == fingerprint
