"""Fees: paying a dossier online, the gateway's return and IPN, the fee receipt."""

from django.urls import path

from motcua.portal import views_pay

urlpatterns = [
    path("ho-so-cua-toi/<str:code>/thanh-toan/", views_pay.pay_dossier, name="pay_dossier"),
    path(
        "ho-so-cua-toi/<str:code>/thanh-toan/bien-lai.pdf",
        views_pay.pay_receipt,
        name="pay_receipt",
    ),
    path("thanh-toan/ket-qua/", views_pay.pay_return, name="pay_return"),
    path("thanh-toan/ipn/", views_pay.pay_ipn, name="pay_ipn"),
]
