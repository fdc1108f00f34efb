"""Feedback and recommendations on the portal (phản ánh, kiến nghị; views_pakn.py)."""

from django.urls import path

from motcua.portal import views_pakn

urlpatterns = [
    path("phan-anh-kien-nghi/", views_pakn.published_list, name="pakn_list"),
    path("phan-anh-kien-nghi/gui/", views_pakn.send, name="pakn_send"),
    path("phan-anh-kien-nghi/da-gui/", views_pakn.sent, name="pakn_sent"),
    path("phan-anh-kien-nghi/tra-cuu/", views_pakn.follow, name="pakn_follow"),
    path("phan-anh-kien-nghi/<str:code>/", views_pakn.published_detail, name="pakn_detail"),
    path(
        "phan-anh-kien-nghi/<str:code>/tep/<int:attachment_id>/",
        views_pakn.published_attachment,
        name="pakn_attachment",
    ),
]
