"""Production settings pass Django's deployment check with the environment the README documents
(issue 13 item 9): HTTPS only (HSTS with subdomains and preload, plain HTTP redirected), secure
cookies; and the proxy header is trusted only when told to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _production(tmp_path: Path, code: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOTCUA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-production-test-key-" + "q7Zx" * 15,
        DJANGO_ALLOWED_HOSTS="dichvucong.dienbien.gov.vn",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, *code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    done = _production(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_https_only_by_default_and_the_proxy_header_only_when_told(tmp_path):
    show = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    default = _production(tmp_path, ["-c", show])
    assert default.stdout.split() == ["31536000", "True", "True", "True", "None"], default.stderr
    proxied = _production(tmp_path, ["-c", show], DJANGO_SECURE_PROXY_SSL_HEADER="true")
    assert proxied.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")
    # Turning HTTPS off takes an explicit setting, and the check then says so.
    plain = _production(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SSL_REDIRECT="false",
        DJANGO_HSTS_SECONDS="0",
    )
    assert plain.returncode != 0
    assert "security.W008" in plain.stdout + plain.stderr
