"""Mounts portal (/), REST (/api/v1/), admin (/admin/) and i18n."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from motcua.core.access import public
from motcua.portal import views as portal_views
from motcua.rest.v1.urls import api_urlpatterns

admin.site.site_header = "motcua"
admin.site.site_title = "motcua"

urlpatterns = [
    # Before the admin's own: staff sign in on the portal's throttled form.
    path("admin/login/", portal_views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include(api_urlpatterns)),
    path("desk/", include("motcua.desk.urls")),
    path(
        "sandbox-gateway/", include("motcua.payments.sandbox")
    ),  # 404 unless MOTCUA_PAYMENT_SANDBOX
    path("", include("motcua.portal.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
