"""Citizen accounts: sign-up, verification, profile, passwords, national e-ID sign-in."""

from django.urls import path

from motcua.portal import views_account as v
from motcua.portal import views_privacy

urlpatterns = [
    path("dang-ky/", v.signup, name="signup"),
    path("xac-minh/", v.verify, name="account_verify"),
    path("xac-minh/gui-lai/", v.verify_resend, name="account_verify_resend"),
    path("tai-khoan/", v.account, name="account"),
    path("tai-khoan/sua/", v.account_edit, name="account_edit"),
    path("tai-khoan/doi-mat-khau/", v.password_change, name="password_change"),
    path("tai-khoan/du-lieu-cua-toi/", views_privacy.my_data, name="my_data"),
    path("quen-mat-khau/", v.password_reset, name="password_reset"),
    path("quen-mat-khau/da-gui/", v.password_reset_done, name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        v.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("dat-lai-mat-khau/xong/", v.password_reset_complete, name="password_reset_complete"),
    path("quen-mat-khau/dien-thoai/", v.phone_reset_request, name="phone_reset_request"),
    path("quen-mat-khau/dien-thoai/ma/", v.phone_reset, name="phone_reset"),
    path("dang-nhap/xac-thuc-hai-lop/", v.two_factor_verify_view, name="two_factor_verify"),
    path("dang-nhap/vneid/", v.oidc_login, name="oidc_login"),
    path("dang-nhap/vneid/callback/", v.oidc_callback, name="oidc_callback"),
]
