"""Every absolute URL is built from one setting, MOTCUA_PUBLIC_URL, by `core.links.public_url`
(issue 17, item 5). A link built from the request's Host header (`build_absolute_uri`, the
`{{ protocol }}://{{ domain }}` of Django's e-mails, `request.get_host` in a template), from the
setting read directly, or from a fixed local address, differs from the address people are given
(behind a proxy, on another port) — this scan of the source keeps them out."""

from __future__ import annotations

import re
from pathlib import Path

MOTCUA = Path(__file__).resolve().parent.parent / "motcua"
#: The one place that may read the setting and join it with a path.
ALLOWED = {MOTCUA / "core" / "links.py"}

FORBIDDEN = [
    (re.compile(r"build_absolute_uri\s*\("), "build_absolute_uri()"),
    (re.compile(r"settings\.MOTCUA_PUBLIC_URL|['\"]MOTCUA_PUBLIC_URL['\"]\s*[,)\]]"), "setting"),
    (re.compile(r"https?://(?:127\.0\.0\.1|localhost|testserver)\b"), "a local address"),
    (re.compile(r"\{\{\s*(?:protocol|domain)\s*\}\}"), "{{ protocol }}/{{ domain }}"),
    (re.compile(r"request\.(?:get_host|scheme|build_absolute_uri)\b"), "the request's host"),
]
#: `request.get_host()` may be read to compare a Referer or `next` with this site (not to
#: build a link): in Python code only the link-building patterns above apply to it.
TEMPLATE_ONLY = {"the request's host", "{{ protocol }}/{{ domain }}"}


def _sources() -> list[Path]:
    files = []
    for suffix in ("*.py", "*.html", "*.txt"):
        for path in MOTCUA.rglob(suffix):
            parts = set(path.relative_to(MOTCUA).parts)
            if "tests" in parts or "migrations" in parts or path in ALLOWED:
                continue
            files.append(path)
    return sorted(files)


def _name(path: Path) -> str:
    return str(path.relative_to(MOTCUA.parent)) if path.is_relative_to(MOTCUA.parent) else path.name


def absolute_url_violations(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        is_python = path.suffix == ".py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in FORBIDDEN:
                if is_python and what in TEMPLATE_ONLY:
                    continue
                if pattern.search(line):
                    found.append(f"{_name(path)}:{number}: {what}")
    return found


def test_every_absolute_url_is_built_by_public_url():
    assert absolute_url_violations(_sources()) == []


def test_the_scan_finds_each_way_of_building_a_link_elsewhere(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "url = request.build_absolute_uri(reverse('portal:pay_return'))\n"
        "base = settings.MOTCUA_PUBLIC_URL\n"
        "other = getattr(settings, 'MOTCUA_PUBLIC_URL', '')\n"
        'fixed = "http://127.0.0.1:8000/tra-cuu-ho-so/"\n'
        "same_site = url_has_allowed_host_and_scheme(next, {request.get_host()})\n",
        encoding="utf-8",
    )
    mail = tmp_path / "mail.txt"
    mail.write_text(
        "{{ protocol }}://{{ domain }}/x/\n<a>{{ request.scheme }}://{{ request.get_host }}</a>\n",
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[1] for line in absolute_url_violations([view, mail])]
    assert found == [
        "build_absolute_uri()",
        "setting",
        "setting",
        "a local address",
        "{{ protocol }}/{{ domain }}",
        "the request's host",
    ]
