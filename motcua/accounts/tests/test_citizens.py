"""Citizen accounts: sign-up, verification codes, profile, prefill, sign-in throttle, reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import translation

from motcua.accounts.api import (
    applicant_prefill,
    citizen_authenticate,
    citizen_is_verified,
    citizen_profile_update,
    citizen_sign_up,
    citizen_verify_contact,
    password_reset_code_send,
    password_reset_with_code,
    verification_code_send,
)
from motcua.accounts.models import CitizenProfile, RoleAssignment, User, VerificationCode
from motcua.core import clock
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.integrations import sms

PASSWORD = "mat-khau-rat-dai-2026"


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the msgids), whatever the catalogue holds."""
    with translation.override("en"):
        yield


T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _code_from(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def _sign_up_email(capture, **extra):
    with capture(execute=True):
        user = citizen_sign_up(
            contact="Hoa.Quang@Example.vn", password=PASSWORD, full_name="Quàng Thị Hoa", **extra
        )
    return user


def test_sign_up_with_email_sends_a_code_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = citizen_sign_up(
            contact="Hoa.Quang@Example.vn", password=PASSWORD, full_name="Quàng Thị Hoa"
        )
    assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hoa.quang@example.vn"]
    assert "Quàng Thị Hoa" in message.body
    code = _code_from(message.body)
    row = VerificationCode.objects.get(user=user)
    assert code not in row.code_hash  # only a keyed hash is stored
    assert user.username == "hoa.quang@example.vn"
    assert user.email == "hoa.quang@example.vn"
    assert user.check_password(PASSWORD)
    assert RoleAssignment.objects.filter(user=user, role="citizen").exists()
    assert citizen_is_verified(user) is False


def test_the_right_code_verifies_the_email(db, django_capture_on_commit_callbacks):
    user = _sign_up_email(django_capture_on_commit_callbacks)
    code = _code_from(mail.outbox[0].body)
    profile = citizen_verify_contact(user=user, channel="email", code=code)
    assert profile.email_verified_at is not None
    assert citizen_is_verified(user) is True
    # used once
    with pytest.raises(ValidationFailed):
        citizen_verify_contact(user=user, channel="email", code=code)


def test_sign_up_with_phone_sends_an_sms(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = citizen_sign_up(
            contact="+84 912 345 678", password=PASSWORD, full_name="Lò Văn Pằng"
        )
    assert user.phone == "0912345678"
    assert [m.phone for m in sms.outbox] == ["0912345678"]
    citizen_verify_contact(user=user, channel="phone", code=_code_from(sms.outbox[0].text))
    assert CitizenProfile.objects.get(user=user).phone_verified_at is not None
    assert citizen_is_verified(user)


def test_wrong_codes_count_and_five_lock_the_code(db, django_capture_on_commit_callbacks):
    user = _sign_up_email(django_capture_on_commit_callbacks)
    code = _code_from(mail.outbox[0].body)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 6):
        with pytest.raises(ValidationFailed) as exc:
            citizen_verify_contact(user=user, channel="email", code=wrong)
        assert "code" in exc.value.field_errors
        assert VerificationCode.objects.get(user=user).attempts == attempt  # committed
    with pytest.raises(ValidationFailed) as exc:
        citizen_verify_contact(user=user, channel="email", code=code)
    assert exc.value.field_errors["code"] == ["Too many wrong codes: ask for a new one."]
    assert not citizen_is_verified(user)


def test_an_expired_code_is_refused(db, django_capture_on_commit_callbacks):
    with clock.at(T0):
        user = _sign_up_email(django_capture_on_commit_callbacks)
    code = _code_from(mail.outbox[0].body)
    with clock.at(T0 + dt.timedelta(minutes=16)), pytest.raises(ValidationFailed) as exc:
        citizen_verify_contact(user=user, channel="email", code=code)
    assert exc.value.field_errors["code"] == ["The code has expired: ask for a new one."]
    with clock.at(T0 + dt.timedelta(minutes=14)):
        assert citizen_verify_contact(user=user, channel="email", code=code).email_verified_at


def test_resend_is_throttled_and_replaces_the_old_code(db, django_capture_on_commit_callbacks):
    with clock.at(T0):
        user = _sign_up_email(django_capture_on_commit_callbacks)
        with pytest.raises(Conflict):
            verification_code_send(user=user, channel="email")
    first = _code_from(mail.outbox[0].body)
    with clock.at(T0 + dt.timedelta(seconds=61)), django_capture_on_commit_callbacks(execute=True):
        verification_code_send(user=user, channel="email")
    second = _code_from(mail.outbox[1].body)
    with clock.at(T0 + dt.timedelta(seconds=62)):
        if first != second:
            with pytest.raises(ValidationFailed):
                citizen_verify_contact(user=user, channel="email", code=first)
        citizen_verify_contact(user=user, channel="email", code=second)
    # at most 5 an hour
    for i in range(2, 5):
        with clock.at(T0 + dt.timedelta(minutes=2 * i)):
            verification_code_send(user=user, channel="email")
    with clock.at(T0 + dt.timedelta(minutes=20)), pytest.raises(Conflict) as exc:
        verification_code_send(user=user, channel="email")
    assert exc.value.code == "resend_too_many"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"contact": "not-an-email@", "full_name": "A"}, "contact"),
        ({"contact": "0123", "full_name": "A"}, "contact"),
        ({"contact": "a@example.vn", "full_name": ""}, "full_name"),
        ({"contact": "a@example.vn", "full_name": "A", "id_number": "12345"}, "id_number"),
        ({"contact": "a@example.vn", "full_name": "A", "commune_code": 99999}, "commune_code"),
        ({"contact": "a@example.vn", "full_name": "A", "kind": "organisation"}, "tax_code"),
        (
            {"contact": "a@example.vn", "full_name": "A", "kind": "organisation", "tax_code": "12"},
            "tax_code",
        ),
        ({"contact": "a@example.vn", "full_name": "A", "password": "123"}, "password"),
        # The same checks as a dossier's applicant (core.identifiers): a wrong check digit, an
        # ID number whose birth year contradicts the date of birth.
        (
            {
                "contact": "a@example.vn",
                "full_name": "A",
                "kind": "organisation",
                "tax_code": "5600123456",
            },
            "tax_code",
        ),
        (
            {
                "contact": "a@example.vn",
                "full_name": "A",
                "id_number": "011190001234",
                "date_of_birth": dt.date(1991, 5, 17),
            },
            "id_number",
        ),
    ],
)
def test_bad_sign_up_creates_nothing(db, data, field):
    data = {"password": PASSWORD, **data}
    with pytest.raises(ValidationFailed) as exc:
        citizen_sign_up(**data)
    assert field in exc.value.field_errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_contact_has_one_account(db, django_capture_on_commit_callbacks):
    _sign_up_email(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as exc:
        citizen_sign_up(contact="hoa.quang@example.VN", password=PASSWORD, full_name="X")
    assert "contact" in exc.value.field_errors
    assert User.objects.count() == 1


def test_prefill_of_a_person(db, django_capture_on_commit_callbacks):
    user = _sign_up_email(
        django_capture_on_commit_callbacks,
        id_number="011190001234",
        date_of_birth=dt.date(1990, 4, 12),
        address="Bản Che Căn",
        commune_code=3325,
    )
    assert applicant_prefill(user) == {
        "kind": "person",
        "full_name": "Quàng Thị Hoa",
        "id_number": "011190001234",
        "date_of_birth": "1990-04-12",
        "email": "hoa.quang@example.vn",
        "address": "Bản Che Căn",
        "commune_code": "3325",
    }


def test_prefill_of_an_organisation(db, django_capture_on_commit_callbacks):
    user = _sign_up_email(
        django_capture_on_commit_callbacks,
        kind="organisation",
        organisation_name="Hợp tác xã Chè Tủa Chùa",
        tax_code="0100109106",
        representative="Giàng A Dình",
    )
    assert applicant_prefill(user) == {
        "kind": "organisation",
        "name": "Hợp tác xã Chè Tủa Chùa",
        "tax_code": "0100109106",
        "representative": "Giàng A Dình",
        "email": "hoa.quang@example.vn",
    }


def test_prefill_and_verified_for_anonymous_and_officers(db, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert applicant_prefill(AnonymousUser()) == {}
    assert citizen_is_verified(AnonymousUser()) is False
    officer = django_user_model.objects.create_user("desk", password=PASSWORD, full_name="Mai")
    assert citizen_is_verified(officer) is False
    assert applicant_prefill(officer) == {"kind": "person", "full_name": "Mai"}


def test_changing_the_email_makes_it_unverified(db, django_capture_on_commit_callbacks):
    user = _sign_up_email(django_capture_on_commit_callbacks)
    citizen_verify_contact(user=user, channel="email", code=_code_from(mail.outbox[0].body))
    with django_capture_on_commit_callbacks(execute=True):
        profile = citizen_profile_update(
            user=user,
            full_name="Quàng Thị Hoa",
            email="moi@example.vn",
            phone="0987 654 321",
            address="Tổ 5",
            commune_code=3334,
        )
    assert profile.email_verified_at is None
    assert profile.phone_verified_at is None
    assert not citizen_is_verified(user)
    user.refresh_from_db()
    assert (user.email, user.phone) == ("moi@example.vn", "0987654321")
    assert mail.outbox[-1].to == ["moi@example.vn"]
    assert sms.outbox[-1].phone == "0987654321"


def test_sign_in_by_email_phone_or_username_and_throttle(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = citizen_sign_up(contact="0912345678", password=PASSWORD, full_name="Lò Văn Pằng")
    for identifier in ("0912345678", "+84912345678", user.username):
        assert (
            citizen_authenticate(
                request=None, identifier=identifier, password=PASSWORD, ip="10.0.0.1"
            )
            == user
        )
    for _ in range(5):
        with pytest.raises(PermissionDenied) as exc:
            citizen_authenticate(
                request=None, identifier="0912 345 678", password="x", ip="10.0.0.1"
            )
        assert exc.value.code == "bad_credentials"
    with pytest.raises(PermissionDenied) as exc:
        citizen_authenticate(
            request=None, identifier="0912345678", password=PASSWORD, ip="10.0.0.1"
        )
    assert exc.value.code == "throttled"
    # another address is not blocked
    assert (
        citizen_authenticate(
            request=None, identifier="0912345678", password=PASSWORD, ip="10.0.0.2"
        )
        == user
    )


def test_password_reset_by_sms(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = citizen_sign_up(contact="0912345678", password=PASSWORD, full_name="Lò Văn Pằng")
    citizen_verify_contact(user=user, channel="phone", code=_code_from(sms.outbox[0].text))
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_code_send(phone="0912 345 678")
        password_reset_code_send(phone="0987000000")  # unknown: silently nothing
    assert [m.phone for m in sms.outbox] == ["0912345678", "0912345678"]
    code = _code_from(sms.outbox[-1].text)
    with pytest.raises(ValidationFailed):
        password_reset_with_code(
            phone="0912345678",
            code="999999" if code != "999999" else "1",
            new_password="moi-mat-khau-2026",
        )
    password_reset_with_code(phone="0912345678", code=code, new_password="moi-mat-khau-2026")
    user.refresh_from_db()
    assert user.check_password("moi-mat-khau-2026")


def test_unverified_phone_gets_no_reset_code(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizen_sign_up(contact="0912345678", password=PASSWORD, full_name="Lò Văn Pằng")
        password_reset_code_send(phone="0912345678")
    assert len(sms.outbox) == 1  # only the sign-up code
    assert not VerificationCode.objects.filter(purpose="reset").exists()


def test_profile_import_is_verified_and_sends_nothing(
    db, django_user_model, django_capture_on_commit_callbacks
):
    from motcua.accounts.api import citizen_profile_import

    profile = {
        "email": "quang.thi.hoa@example.vn",
        "phone": "0915286147",
        "kind": "person",
        "full_name": "Quàng Thị Hoa",
        "id_number": "011188004321",
        "date_of_birth": dt.date(1988, 6, 15),
        "address": "Số nhà 27, tổ dân phố 9",
        "commune_code": 3127,
    }

    user = django_user_model.objects.create_user("congdan", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        citizen_profile_import(user=user, verified=True, **profile)
        citizen_profile_import(user=user, verified=True, **profile)  # idempotent
    assert mail.outbox == [] and sms.outbox == []
    user.refresh_from_db()
    assert citizen_is_verified(user)
    assert applicant_prefill(user) == {
        "kind": "person",
        "full_name": "Quàng Thị Hoa",
        "id_number": "011188004321",
        "date_of_birth": "1988-06-15",
        "phone": "0915286147",
        "email": "quang.thi.hoa@example.vn",
        "address": "Số nhà 27, tổ dân phố 9",
        "commune_code": "3127",
    }
    assert RoleAssignment.objects.filter(user=user, role="citizen").count() == 1
