"""Online submission: start from a procedure's page, then the draft's steps."""

from django.urls import path

from motcua.portal import views_submit as v

urlpatterns = [
    path("nop-truc-tuyen/<str:code>/", v.submit_start, name="submit_start"),
    path("ho-so-nhap/<int:draft_id>/xoa/", v.draft_discard, name="draft_discard"),
    path("ho-so-nhap/<int:draft_id>/<slug:slug>/", v.draft_step, name="draft_step"),
]
