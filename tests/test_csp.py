"""Content-Security-Policy (issue 13 item 9, docs/adr/0037): the header on every response, and
pages that need nothing the policy forbids — no inline script, no `on…=` handler, no `style=`
attribute, no `<style>` block, no `javascript:` link. Walks every address of the URLconf that
takes no argument, anonymously, as a desk officer, as a citizen and as an administrator, plus
the pages of one dossier (desk, papers, the citizen's) and the admin's lists and forms; and the
report endpoint. The browser check (no violation in Chromium's console, the print button
working) is in test_csp_browser.py."""

from __future__ import annotations

import json
import logging
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.core import csp
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    at,
    receive,
    world,
)

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; report-uri /csp-report/"
)
#: Script types that are data, never run (the API docs' settings, the admin's constants).
DATA_SCRIPTS = {"application/json", "application/ld+json"}


class _Inline(HTMLParser):
    """Everything in a page that a strict policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:160]
        if tag == "script" and not names.get("src") and names.get("type") not in DATA_SCRIPTS:
            self.problems.append("inline script " + where)
        if tag == "style":
            self.problems.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}= in {where}")
            if name == "style":
                self.problems.append(f"style= in {where}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in {where}")


def inline_problems(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.problems


def test_the_checker_finds_what_the_policy_would_block():
    page = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json">{}</script><p style="color:red" onclick="x()">'
        '<a href="javascript:go()">x</a><style>p{}</style><button onmouseover="y()">'
    )
    assert len(inline_problems(page)) == 6
    assert inline_problems('<script src="/static/js/print.js"></script><p class="x">') == []


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if "<" not in route and "(" not in route and "^" not in route:
                found.append("/" + route)
    return found


#: Addresses left out of the walk: the API (JSON, checked below with one request), the
#: admin (walked with a staff user below), sign-out (signs the walker out).
SKIPPED = ("/api/", "/admin/", "/dang-xuat/")


def _check(client: Any, urls: list[str]) -> tuple[int, list[str]]:
    problems: list[str] = []
    html_pages = 0
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("application/pdf"):
            continue
        if response.headers.get("Content-Security-Policy") != POLICY:
            problems.append(f"{url}: header {response.headers.get('Content-Security-Policy')!r}")
        if content_type.startswith("text/html") and response.status_code == 200:
            html_pages += 1
            problems += [f"{url}: {p}" for p in inline_problems(response.content.decode())]
    return html_pages, problems


@pytest.fixture
def walk_world(world, receive, django_user_model):  # noqa: F811
    dossier = receive(at(2026, 3, 2))
    citizen = django_user_model.objects.create_user(
        username="dan", password="pw-12345-x", full_name="Quàng Văn Đức"
    )
    admin = django_user_model.objects.create_superuser(
        username="root", password="pw-12345-x", email="root@example.vn"
    )
    return {"dossier": dossier, "citizen": citizen, "admin": admin, **world}


def test_every_page_has_the_policy_and_nothing_inline(client, walk_world):
    cache.clear()  # the walk must not run into the rate limits of earlier tests
    routes = [r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED)]
    assert len(routes) > 40
    d = walk_world["dossier"]
    dossier_pages = [
        f"/desk/ho-so/{d.code}/",
        f"/desk/ho-so/{d.code}/giay-tiep-nhan/",
        f"/thu-tuc/{d.procedure_version.procedure.code}/",
        f"/tra-cuu-ho-so/{d.code}/",
        "/no-such-page/",
    ]
    pages = 0
    problems: list[str] = []
    for who in (
        None,
        walk_world["users"]["desk"],
        walk_world["users"]["ld"],
        walk_world["citizen"],
    ):
        client.logout()
        if who is not None:
            client.force_login(who)
        n, found = _check(client, routes + dossier_pages)
        pages += n
        problems += [f"{who or 'anonymous'} {p}" for p in found]
    client.force_login(walk_world["admin"])
    admin_pages = [
        "/admin/",
        "/admin/dossiers/dossier/",
        f"/admin/dossiers/dossier/{d.pk}/change/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{walk_world['citizen'].pk}/change/",
        f"/admin/accounts/user/{walk_world['citizen'].pk}/password/",
        "/admin/catalog/procedureversion/",
        "/admin/password_change/",
    ]
    n, found = _check(client, admin_pages)
    pages += n
    problems += [f"admin {p}" for p in found]
    assert problems == []
    assert pages > 60  # the walk really rendered pages, not just redirects


def test_the_api_and_its_documentation_page(client, db):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert docs.headers["Content-Security-Policy"] == POLICY
    html = docs.content.decode()
    assert inline_problems(html) == []
    assert "cdn." not in html  # Swagger UI from our own static files, not a CDN
    assert "/static/ninja/swagger-ui-bundle.js" in html
    api = client.get("/api/v1/procedures")
    assert api.headers["Content-Security-Policy"] == POLICY


def test_report_only_by_setting_and_the_payment_gateway_origin(rf, settings):
    settings.MOTCUA_CSP_REPORT_ONLY = True
    settings.MOTCUA_PAYMENT_GATEWAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    settings.MOTCUA_CSP_REPORT_URI = ""
    from django.http import HttpResponse

    middleware = csp.ContentSecurityPolicyMiddleware(lambda request: HttpResponse("<p>x</p>"))
    response = middleware(rf.get("/"))
    assert "Content-Security-Policy" not in response.headers
    policy = response.headers["Content-Security-Policy-Report-Only"]
    assert "form-action 'self' https://sandbox.vnpayment.vn;" in policy
    assert "report-uri" not in policy
    # A view's own policy is kept; a PDF (shown by the browser's viewer) gets none.
    own = csp.ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse(headers={"Content-Security-Policy": "sandbox"})
    )(rf.get("/"))
    assert own.headers["Content-Security-Policy"] == "sandbox"
    assert "Content-Security-Policy-Report-Only" not in own.headers
    pdf = csp.ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse(b"%PDF-", content_type="application/pdf")
    )(rf.get("/"))
    assert "Content-Security-Policy-Report-Only" not in pdf.headers


def test_reports_are_logged_and_rate_limited(client, db, caplog):
    cache.clear()
    report = {
        "csp-report": {
            "document-uri": "https://dichvucong.example.vn/thu-tuc/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="motcua.csp"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "script-src-elem" in caplog.text
    assert client.get("/csp-report/").status_code == 405
    assert client.post("/csp-report/", "not json", content_type="text/plain").status_code == 400
    statuses = [
        client.post("/csp-report/", "{}", content_type="application/csp-report").status_code
        for _ in range(csp.REPORT_LIMIT)
    ]
    assert statuses.count(204) == csp.REPORT_LIMIT - 2  # two already counted above
    assert statuses[-2:] == [429, 429]
