"""No English and no jargon in the Vietnamese interface (issue 17, item 17): Django's password
messages, the admin's and the API's titles."""

from __future__ import annotations

from pathlib import Path

import django
import polib
import pytest
from django.contrib.auth import password_validation
from django.utils import translation

SHORT = "Mật khẩu này quá ngắn: mật khẩu phải có ít nhất 8 ký tự."
COMMON = "Mật khẩu này quá phổ biến."
NUMERIC = "Mật khẩu này hoàn toàn là số."


def _errors(password: str, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except Exception as exc:  # noqa: BLE001 - ValidationError, messages read below
        return list(exc.messages)  # type: ignore[attr-defined]
    return []


def test_every_password_message_is_vietnamese():
    with translation.override("vi"):
        assert _errors("abc12") == [SHORT]
        assert _errors("iloveyou") == [COMMON]
        assert _errors("1234") == [SHORT, COMMON, NUMERIC]
        help_texts = password_validation.password_validators_help_texts()
    assert help_texts == [
        "Mật khẩu của bạn không được quá giống với thông tin cá nhân khác.",
        "Mật khẩu của bạn phải chứa ít nhất 8 ký tự.",
        "Mật khẩu của bạn không được là mật khẩu được dùng phổ biến.",
        "Mật khẩu của bạn không được hoàn toàn bằng số.",
    ]


def _django_catalog(app: str, language: str) -> list[polib.POEntry]:
    path = Path(django.__file__).parent / app / "locale" / language / "LC_MESSAGES" / "django.po"
    return list(polib.pofile(str(path)))


def _shown(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
    return translation.gettext(entry.msgid)


# Django messages no page of ours shows: language names, the welcome and debug pages, the
# date-based generic views, static serving, admindocs' field descriptions, time spans, file
# sizes and symbols that read the same in Vietnamese, the argon2/scrypt hasher details.
NEVER_SHOWN = (
    "Afrikaans", "Algerian Arabic", "Asturian", "Central Kurdish", "Lower Sorbian",
    "British English", "Argentinian Spanish", "Colombian Spanish", "Mexican Spanish",
    "Scottish Gaelic", "Upper Sorbian", "Armenian", "Igbo", "Ido", "Georgian", "Kabyle",
    "Kyrgyz", "Marathi", "Malay", "Norwegian Bokmål", "Punjabi", "Brazilian Portuguese",
    "Serbian Latin", "Telugu", "Tajik", "Turkmen", "Udmurt", "Uyghur", "Urdu", "Uzbek",
    "Messages", "Syndication", "…", "IPv4", "IPv6", "String (unlimited)", "Duration",
    "Big (8 byte) integer", "Positive big integer", "Universally unique identifier", "Image",
    "A JSON object", "%(from)s-%(to)s relationship", ":?.!", ":", "%(size)d byte", "%s KB",
    "%s MB", "%s GB", "%s TB", "%s PB", "p.m.", "a.m.", "%(truncated_text)s…", ", ",
    "%(num)d ", "Date out of range", "Invalid date string", "Page is not “last”",
    "Empty list and", "“%(path)s” does not exist", "The install worked", "View <a href",
    "You are seeing this page because", "Django Documentation", "Topics, references",
    "Tutorial: A Polling App", "Get started with Django", "Django Community",
    "Connect, get help", "LogEntry Object", "%(class_name)s %(instance)s", "variety",
    "memory cost", "time cost", "parallelism", "block size",
)  # fmt: skip


@pytest.mark.parametrize("app", ["contrib/admin", "contrib/auth", "conf"])
def test_every_django_message_we_may_show_is_vietnamese(app):
    """Django's vi catalog and ours (motcua/accounts/django_vi.py) together translate every
    message of the admin, auth and core Django that a page of ours may show. Fails after a
    Django upgrade that adds messages: list them in django_vi.py and translate them."""
    entries = [
        e
        for e in _django_catalog(app, "en")
        if not e.msgctxt and not e.msgid.startswith(NEVER_SHOWN)
    ]
    assert len(entries) > 80
    with translation.override("vi"):
        untranslated = [e.msgid for e in entries if _shown(e) in (e.msgid, e.msgid_plural)]
    assert untranslated == []


def test_django_vi_lists_djangos_exact_messages():
    from motcua.accounts import django_vi

    django_msgids = {
        e.msgid for app in ("contrib/admin", "contrib/auth", "conf")
        for e in _django_catalog(app, "en")
    }  # fmt: skip
    ours = list(django_vi.MESSAGES) + [m._kw["singular"] for m in django_vi.PLURAL]
    assert len(ours) == 90
    assert set(ours) <= django_msgids
    with translation.override("vi"):
        assert translation.gettext("Models in the %(name)s application") == (
            "Các mục trong %(name)s"
        )  # Django's own reads "Các mô models trong %(name)s"


SIGN_UP = {
    "kind": "person",
    "contact": "0912345678",
    "full_name": "Lò Văn Pằng",
    "id_number": "011090001234",
    "date_of_birth": "1990-04-12",
    "address": "Bản Co Mị",
    "commune_code": "3325",
}


@pytest.mark.parametrize(
    ("password", "messages"),
    [("abc12", [SHORT]), ("iloveyou", [COMMON])],
)
def test_sign_up_explains_a_weak_password_in_vietnamese(client, db, password, messages):
    from motcua.accounts.models import User

    response = client.post("/dang-ky/", {**SIGN_UP, "password": password, "password2": password})
    assert response.status_code == 400
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert "This password" not in html
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "messages"),
    [("abc12", [SHORT]), ("iloveyou", [COMMON])],
)
def test_password_change_explains_a_weak_password_in_vietnamese(
    client, django_user_model, password, messages
):
    user = django_user_model.objects.create_user(username="hoa", password="mat-khau-cu-2026")
    client.force_login(user)
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {
            "old_password": "mat-khau-cu-2026",
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert "This password" not in html
    user.refresh_from_db()
    assert user.check_password("mat-khau-cu-2026")


def test_admin_titles_name_the_system_and_the_province(client, django_user_model):
    admin = django_user_model.objects.create_user(
        username="quantri", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "<title>Trang quản trị | Quản trị hệ thống Một cửa</title>" in html
    assert '<a href="/admin/">Quản trị hệ thống Một cửa — tỉnh Điện Biên</a>' in html
    assert "<h1>Trang quản trị</h1>" in html
    assert "motcua" not in html.split("<body", 1)[1].split('id="content"', 1)[0]


def test_openapi_title_is_meaningful_vietnamese(client, db):
    info = client.get("/api/v1/openapi.json").json()["info"]
    assert info["title"] == ("API Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Điện Biên")
    client.cookies["django_language"] = "en"
    info = client.get("/api/v1/openapi.json").json()["info"]
    assert info["title"] == (
        "API of the administrative procedure information system of Điện Biên province"
    )
