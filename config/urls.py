"""Mounts portal (/), REST (/api/v1/), admin (/admin/) and i18n."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from motcua.core.access import public
from motcua.core.csp import csp_report
from motcua.core.health import healthz, readyz
from motcua.core.metrics import metrics
from motcua.portal import views_account
from motcua.rest.v1.urls import api_urlpatterns

# Translated on each request (lazy), in the page's language.
admin.site.site_header = format_lazy(
    _("One-stop system administration — {province} province"),
    province=settings.MOTCUA_PROVINCE_NAME,
)
admin.site.site_title = _("One-stop system administration")
admin.site.index_title = _("Administration home")

urlpatterns = [
    # Before the admin's own: staff sign in on the portal's throttled form; a signed-in
    # non-staff user gets a 403 page, not a redirect loop.
    path("admin/login/", views_account.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    # No CSRF token: switching the language changes nothing but the language cookie, and
    # `next` is checked against the allowed hosts; without a token, an anonymous catalog page
    # sets no cookie and needs no per-visitor secret, so it is served from the page cache as
    # is (docs/adr/0042).
    path("i18n/setlang/", csrf_exempt(public(set_language)), name="set_language"),
    # Browsers report Content-Security-Policy violations here (docs/adr/0037).
    path("csp-report/", csp_report, name="csp_report"),
    # Liveness for monitoring and the benchmarks' bare view: no database (core/health.py).
    path("healthz", healthz, name="healthz"),
    # Readiness: the database (503 when down), replica, cache, broker, storage, workers.
    path("readyz", readyz, name="readyz"),
    # Prometheus metrics: loopback/configured networks or a bearer token, else 404 (ADR 0047).
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include(api_urlpatterns)),
    path("desk/", include("motcua.desk.urls")),
    # The sandbox payment gateway's "bank" pages: 404 unless MOTCUA_PAYMENT_SANDBOX.
    path("sandbox-gateway/", include("motcua.integrations.payment_sandbox")),
    path("", include("motcua.portal.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Errors: JSON with a code under /api/, the site's pages elsewhere; 503 for a busy database
# (core/http_errors.py, docs/adr/0021).
handler400 = "motcua.core.http_errors.bad_request"
handler403 = "motcua.core.http_errors.permission_denied"
handler404 = "motcua.core.http_errors.page_not_found"
handler500 = "motcua.core.http_errors.server_error"
