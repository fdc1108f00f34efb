"""The citizen's notifications and satisfaction ratings (views_notify.py)."""

from django.urls import path

from motcua.portal import views_notify

urlpatterns = [
    path("thong-bao/", views_notify.notification_list, name="notifications"),
    path("danh-gia/<str:code>/", views_notify.rate_dossier, name="rate_dossier"),
    path("danh-gia/<str:code>/cam-on/", views_notify.rate_thanks, name="rate_thanks"),
]
