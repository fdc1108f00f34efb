"""The citizen's own drafts and dossiers."""

from django.urls import path

from motcua.portal import views_me as v

urlpatterns = [
    path("ho-so-cua-toi/", v.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<uuid:reference>/", v.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<uuid:reference>/ket-qua.pdf", v.my_dossier_result, name="my_result"),
    path("ho-so-cua-toi/<uuid:reference>/<slug:action>/", v.my_dossier_act, name="my_dossier_act"),
]
