"""Portal pages of citizen accounts: sign-up, verification, sign-in, profile, passwords."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from motcua.accounts.api import applicant_prefill, citizen_is_verified
from motcua.accounts.models import User
from motcua.core.links import public_base
from motcua.integrations import sms

PASSWORD = "mat-khau-rat-dai-2026"


@pytest.fixture(autouse=True)
def _clean():
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


def _code(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def _sign_up(client, capture, **data):
    form = {
        "kind": "person",
        "contact": "0912345678",
        "password": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Lò Văn Pằng",
        "id_number": "011090001234",
        "date_of_birth": "1990-04-12",
        "address": "Bản Co Mị",
        "commune_code": "3325",
        **data,
    }
    with capture(execute=True):
        return client.post("/dang-ky/", form)


def test_sign_up_then_verify_by_sms(client, db, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/xac-minh/"
    user = User.objects.get()
    assert int(client.session["_auth_user_id"]) == user.pk
    page = client.get("/xac-minh/").content.decode()
    assert "0912345678" in page
    assert not citizen_is_verified(user)
    response = client.post("/xac-minh/", {"channel": "phone", "code": _code(sms.outbox[0].text)})
    assert response.status_code == 302
    assert citizen_is_verified(user)
    assert applicant_prefill(user)["commune_code"] == "3325"
    profile_page = client.get("/tai-khoan/").content.decode()
    assert "Xã Mường Phăng" in profile_page


def test_bad_sign_up_shows_errors_beside_fields_and_keeps_input(client, db):
    response = client.post(
        "/dang-ky/",
        {
            "kind": "person",
            "contact": "0123",
            "password": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Lò Văn Pằng",
            "id_number": "12345",
            "address": "Bản Co Mị",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_contact-error"' in html
    assert 'id="id_id_number-error"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_contact-hint id_contact-error"', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_id_number"', html)
    assert 'value="Bản Co Mị"' in html and 'value="Lò Văn Pằng"' in html
    assert 'href="#id_contact"' in html  # the summary links to the field
    assert not User.objects.exists()


def test_mismatched_passwords(client, db):
    response = client.post(
        "/dang-ky/",
        {
            "kind": "person",
            "contact": "a@example.vn",
            "password": PASSWORD,
            "password2": "x",
            "full_name": "A",
        },
    )
    assert response.status_code == 400
    assert 'id="id_password2-error"' in response.content.decode()
    assert not User.objects.exists()


def test_wrong_code_is_shown_beside_the_field(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    code = _code(sms.outbox[0].text)
    response = client.post(
        "/xac-minh/", {"channel": "phone", "code": "000000" if code != "000000" else "111111"}
    )
    assert response.status_code == 400
    assert 'id="id_code-error"' in response.content.decode()
    assert not citizen_is_verified(User.objects.get())


def test_resend_is_throttled_with_a_message(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    response = client.post("/xac-minh/gui-lai/", {"channel": "phone"}, follow=True)
    assert response.status_code == 200
    assert len(sms.outbox) == 1
    assert 'class="message error"' in response.content.decode()


def test_sign_in_by_phone_or_email_and_throttle(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks, contact="hoa@example.vn")
    client.logout()
    response = client.post("/dang-nhap/", {"username": "HOA@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    for _ in range(5):
        response = client.post("/dang-nhap/", {"username": "hoa@example.vn", "password": "sai"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post("/dang-nhap/", {"username": "hoa@example.vn", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert 'id="login-error"' in html
    assert "15" in html  # the message says how long to wait


def test_profile_edit_changes_prefill(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    client.post("/xac-minh/", {"channel": "phone", "code": _code(sms.outbox[0].text)})
    page = client.get("/tai-khoan/sua/").content.decode()
    assert 'value="011090001234"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tai-khoan/sua/",
            {
                "kind": "organisation",
                "full_name": "Lò Văn Pằng",
                "phone": "0912345678",
                "email": "",
                "organisation_name": "Hợp tác xã Mường Phăng",
                "tax_code": "0100109106",
                "representative": "Lò Văn Pằng",
                "address": "Bản Co Mị",
                "commune_code": "3325",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"  # phone unchanged: still verified
    prefill = applicant_prefill(User.objects.get())
    assert prefill["kind"] == "organisation"
    assert prefill["name"] == "Hợp tác xã Mường Phăng"


def test_profile_needs_sign_in(client, db):
    for url in ("/tai-khoan/", "/tai-khoan/sua/", "/xac-minh/", "/tai-khoan/doi-mat-khau/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")


def test_password_reset_by_email_link(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks, contact="hoa@example.vn")
    client.post("/xac-minh/", {"channel": "email", "code": _code(mail.outbox[0].body)})
    client.logout()
    mail.outbox.clear()
    response = client.post("/quen-mat-khau/", {"email": "hoa@example.vn"})
    assert response["Location"] == "/quen-mat-khau/da-gui/"
    (message,) = mail.outbox
    link = re.search(re.escape(public_base()) + r"(/dat-lai-mat-khau/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"}
    )
    assert response["Location"] == "/dat-lai-mat-khau/xong/"
    assert User.objects.get().check_password("mat-khau-moi-2026")


def test_no_reset_link_for_an_unverified_email(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks, contact="hoa@example.vn")
    client.logout()
    mail.outbox.clear()
    response = client.post("/quen-mat-khau/", {"email": "hoa@example.vn"})
    assert response.status_code == 302  # same answer: no account discovery
    assert mail.outbox == []


def test_password_reset_by_sms_pages(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    client.post("/xac-minh/", {"channel": "phone", "code": _code(sms.outbox[0].text)})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/quen-mat-khau/dien-thoai/", {"phone": "0912 345 678"})
    assert response["Location"] == "/quen-mat-khau/dien-thoai/ma/"
    code = _code(sms.outbox[-1].text)
    response = client.post(
        "/quen-mat-khau/dien-thoai/ma/",
        {"code": code, "new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"},
    )
    assert response["Location"] == "/dang-nhap/"
    assert User.objects.get().check_password("mat-khau-moi-2026")


def test_password_change(client, db, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {
            "old_password": "sai",
            "new_password1": "mat-khau-moi-2026",
            "new_password2": "mat-khau-moi-2026",
        },
    )
    assert response.status_code == 400
    assert 'id="id_old_password-error"' in response.content.decode()
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "mat-khau-moi-2026",
            "new_password2": "mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get().check_password("mat-khau-moi-2026")
    assert "_auth_user_id" in client.session  # still signed in


@pytest.mark.parametrize(
    "url", ["/dang-ky/", "/dang-nhap/", "/quen-mat-khau/", "/quen-mat-khau/dien-thoai/"]
)
def test_public_account_pages_render(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_the_admin_sign_in_goes_through_the_throttled_portal_form(client, db, django_user_model):
    staff = django_user_model.objects.create_user(
        username="quantri", password="pw-12345-x", is_staff=True, is_superuser=True
    )
    response = client.get("/admin/login/?next=/admin/catalog/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/admin/catalog/"
    # The admin's own form does not take a password any more.
    posted = client.post("/admin/login/", {"username": "quantri", "password": "pw-12345-x"})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    # Five wrong passwords on the portal form, then even the right one is refused.
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "quantri", "password": "wrong-password"})
    client.post("/dang-nhap/?next=/admin/", {"username": "quantri", "password": "pw-12345-x"})
    assert "_auth_user_id" not in client.session
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
