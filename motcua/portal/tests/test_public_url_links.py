"""Absolute links of the portal come from MOTCUA_PUBLIC_URL (issue 17, item 5), never from the
Host header of the request: the password-reset link e-mailed, the national e-ID's callback
address, the signature-check address shown beside an online result."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.core import mail

from motcua.accounts.models import User
from motcua.accounts.tests.conftest import _oidc_server, oidc_provider  # noqa: F401 - fixtures
from motcua.dossiers.tests.conftest import media_on_disk, world  # noqa: F401 - fixtures
from motcua.portal.tests.test_account_pages import _code, _sign_up
from motcua.portal.tests.test_submit_pages import PDF, _fill, _steps, site  # noqa: F401

pytestmark = pytest.mark.django_db

PUBLIC = "https://dichvucong.example.vn"


@pytest.fixture
def public(settings):
    settings.MOTCUA_PUBLIC_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.5"]
    return PUBLIC


def test_the_password_reset_link_uses_the_public_address(
    client, public, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks, contact="hoa@example.vn")
    client.post("/xac-minh/", {"channel": "email", "code": _code(mail.outbox[0].body)})
    client.logout()
    mail.outbox.clear()
    response = client.post(
        "/quen-mat-khau/", {"email": "hoa@example.vn"}, HTTP_HOST="10.0.0.5:8000"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    links = re.findall(r"\S+://\S+", message.body)
    assert len(links) == 1
    assert links[0].startswith("https://dichvucong.example.vn/dat-lai-mat-khau/")
    assert "10.0.0.5" not in message.body
    # The link works (its path, on this test server).
    response = client.get(urllib.parse.urlsplit(links[0]).path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"}
    )
    assert response["Location"] == "/dat-lai-mat-khau/xong/"
    assert User.objects.get().check_password("mat-khau-moi-2026")


def test_the_e_id_callback_address_is_the_public_one(client, public, oidc_provider):  # noqa: F811
    response = client.get("/dang-nhap/vneid/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))
    assert query["redirect_uri"] == "https://dichvucong.example.vn/dang-nhap/vneid/callback/"


def test_the_signature_check_address_beside_an_online_result_is_the_public_one(
    orm,
    client,
    public,
    site,  # noqa: F811
):
    from django.core.files.base import ContentFile

    client.force_login(site["citizen"])
    _fill(orm, client)
    client.post(_steps(client, orm.OnlineDraft.objects.get().pk)["review"])
    dossier = orm.Dossier.objects.get()
    doc = orm.DossierDocument(
        dossier=dossier,
        kind="result",
        name="kq.pdf",
        sha256="0" * 64,
        size=len(PDF),
        content_type="application/pdf",
        signed=True,
    )
    doc.file.save("kq.pdf", ContentFile(PDF), save=False)
    doc.save()
    orm.Dossier.objects.filter(pk=dossier.pk).update(
        status="result_ready", code="H11.01.01-260302-0001"
    )
    page = client.get(
        f"/ho-so-cua-toi/{dossier.reference}/", HTTP_HOST="10.0.0.5:8000"
    ).content.decode()
    link = "https://dichvucong.example.vn/xac-thuc/H11.01.01-260302-0001/"
    assert f'<a href="{link}">{link}</a>' in page
    assert "10.0.0.5" not in page
