from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("co-quan/", views.agency_index, name="agency_index"),
    path("linh-vuc/", views.field_index, name="field_index"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
]
