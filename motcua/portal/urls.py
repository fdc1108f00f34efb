from django.urls import include, path

from motcua.portal import (
    public_dossiers,
    views,
    views_qa,
    views_simplification,
    views_stats,
    views_surveys,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("co-quan/", views.agency_index, name="agency_index"),
    path("linh-vuc/", views.field_index, name="field_index"),
    path("tra-cuu-ho-so/", public_dossiers.track, name="track"),
    path("tra-cuu-ho-so/<str:code>/", public_dossiers.track, name="track_code"),
    path("kiosk/", public_dossiers.kiosk, name="kiosk"),
    path("thong-ke/", views_stats.statistics, name="statistics"),
    path("don-gian-hoa/", views_simplification.simplification, name="simplification"),
    path("xac-thuc/", public_dossiers.verify, name="verify"),
    path("xac-thuc/<str:code>/", public_dossiers.verify_registered, name="verify_code"),
    path("verify/<str:code>/", public_dossiers.verify_registered, name="verify_code_en"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    # Each area below lives in its own module (citizen accounts, online submission, fees,
    # the citizen's own dossiers, notifications and ratings); names stay in "portal:".
    path("", include("motcua.portal.urls_account")),
    path("", include("motcua.portal.urls_submit")),
    path("", include("motcua.portal.urls_pay")),
    path("", include("motcua.portal.urls_me")),
    path("", include("motcua.portal.urls_notify")),
    path("", include(views_surveys.urlpatterns)),  # khao-sat/<token>/ (ADR 0041)
    path("", include(views_qa.urlpatterns)),  # hoi-dap/<code>/gui/ + the procedure block
    path("", include("motcua.portal.urls_pakn")),
]
