"""Two-factor sign-in of officers (issue 13 item 6, ADR 0034): setting up an authenticator,
the second step of signing in, recovery codes, the throttle, forced setup for leaders and
holders of a signing credential, the API's token endpoint, the admin's reset, the demo banner.

The test settings do not force two factors (the rest of the suite signs officers in with
force_login); every test here turns MOTCUA_TWO_FACTOR_REQUIRED on, as in production."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
import time_machine
from django.contrib.auth.signals import user_logged_in, user_login_failed

from motcua.accounts.api import role_grant
from motcua.accounts.data import TWO_FACTOR_SESSION_KEY, Role
from motcua.accounts.models import ApiToken, RecoveryCode, TwoFactorDevice
from motcua.core.models import AuditEntry

PASSWORD = "dung-mat-khau-9"
HOME = "10.0.0.7"
TOKEN_URL = "/api/v1/auth/token"
ENROL_URL = "/desk/xac-thuc-hai-lop/"
VERIFY_URL = "/dang-nhap/xac-thuc-hai-lop/"
RESET_URL = "/desk/xac-thuc-hai-lop/dat-lai/"


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.MOTCUA_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def make_user(db: Any, django_user_model: Any, agencies: dict[str, Any]) -> Any:
    def make(username: str, role: Role | None, agency: str = "trade", **extra: Any) -> Any:
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, full_name=username.title(), **extra
        )
        if role is not None:
            role_grant(
                user=user, role=role, agency=None if role == Role.CITIZEN else agencies[agency]
            )
        return user

    return make


@pytest.fixture
def leader(make_user: Any) -> Any:
    return make_user("lanhdao", Role.LEADER)


def password_step(client: Any, username: str, address: str = HOME) -> Any:
    return client.post(
        "/dang-nhap/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address
    )


def secret_of(client: Any) -> str:
    return str(client.session["motcua_two_factor_setup"]["secret"])


def enrol(client: Any) -> tuple[str, list[str]]:
    """Open the setup page, confirm with the app's code; the secret and the recovery codes."""
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    secret = secret_of(client)
    response = client.post(ENROL_URL, {"action": "enrol", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.content.decode()[:2000]
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    return secret, codes


def enrolled_leader(client: Any, leader: Any) -> tuple[str, list[str]]:
    """A leader who has set up the app (a first sign-in, forced), then signed out."""
    password_step(client, leader.username)
    secret, codes = enrol(client)
    client.post("/dang-xuat/")
    return secret, codes


def next_code(secret: str) -> str:
    """The code of the next time step (one step of drift is accepted; never the same step
    twice)."""
    totp = pyotp.TOTP(secret)
    return totp.at(dt.datetime.now(tz=dt.UTC), counter_offset=1)


def signed_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


# --- who must use it --------------------------------------------------------------------------


def test_a_leader_without_an_app_is_sent_to_set_one_up_and_reaches_nothing_else(client, leader):
    response = password_step(client, "lanhdao")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)
    assert signed_in(client)
    for url in ("/desk/", "/desk/tra-cuu/", "/tai-khoan/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(ENROL_URL + "?next=")
    api = client.get("/api/v1/auth/me")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    assert "Xác thực hai lớp" in page.content.decode()
    assert client.post("/dang-xuat/").status_code == 302  # signing out stays open


def test_a_province_admin_and_staff_must_set_one_up_but_not_a_specialist_or_citizen(make_user):
    from motcua.accounts.api import two_factor_required

    assert two_factor_required(user=make_user("qt", Role.PROVINCE_ADMIN, agency="root"))
    assert two_factor_required(user=make_user("staff", None, is_staff=True))
    assert not two_factor_required(user=make_user("cv", Role.SPECIALIST))
    assert not two_factor_required(user=make_user("cd", Role.CITIZEN))


def test_the_setting_off_forces_no_one(client, leader, settings):
    settings.MOTCUA_TWO_FACTOR_REQUIRED = False
    response = password_step(client, "lanhdao")
    assert response.status_code == 302
    assert not response["Location"].startswith(ENROL_URL)
    assert client.get("/desk/").status_code == 200


# --- setting it up ----------------------------------------------------------------------------


def test_setting_up_with_a_right_code_turns_it_on_with_ten_hashed_recovery_codes(client, leader):
    password_step(client, "lanhdao")
    page = client.get(ENROL_URL)
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, no script
    assert "<script" not in body
    assert page["Cache-Control"] == "no-store"
    secret = secret_of(client)
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in body
    wrong = client.post(ENROL_URL, {"action": "enrol", "code": "000000"})
    assert wrong.status_code == 400
    assert "Mã không đúng" in wrong.content.decode()
    assert not TwoFactorDevice.objects.filter(user=leader).exists()
    assert client.get("/desk/").status_code == 302  # still owed
    _secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TwoFactorDevice.objects.get(user=leader)
    assert secret not in device.secret_sealed  # sealed, never in clear
    stored = set(RecoveryCode.objects.filter(user=leader).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert client.session[TWO_FACTOR_SESSION_KEY] == leader.pk
    assert client.get("/desk/").status_code == 200  # the session is verified now
    entry = AuditEntry.objects.get(action="two_factor.enrolled")
    assert entry.actor_id == leader.pk and entry.data == {"recovery_codes": 10}


def test_new_recovery_codes_replace_the_old_ones_and_are_audited(client, leader):
    password_step(client, "lanhdao")
    _secret, old = enrol(client)
    status = client.get(ENROL_URL)
    assert "10 mã khôi phục" in status.content.decode()
    response = client.post(ENROL_URL, {"action": "regenerate"})
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="two_factor.recovery_codes_regenerated").count() == 1
    from motcua.accounts.api import two_factor_verify

    with pytest.raises(Exception, match="không đúng"):
        two_factor_verify(user=leader, code=old[0], address=HOME)
    assert two_factor_verify(user=leader, code=new[0], address=HOME) == "recovery"


# --- the second step ----------------------------------------------------------------------


def test_after_the_password_a_person_with_an_app_gives_a_code_then_is_signed_in(client, leader):
    secret, _codes = enrolled_leader(client, leader)
    signals: list[str] = []

    def on_login(**kwargs: Any) -> None:
        signals.append("in")

    user_logged_in.connect(on_login)
    try:
        response = password_step(client, "lanhdao")
        assert response.status_code == 302 and response["Location"] == VERIFY_URL
        assert not signed_in(client)  # not before the code
        assert signals == []
        page = client.get(VERIFY_URL)
        assert page.status_code == 200
        assert 'autocomplete="one-time-code"' in page.content.decode()
        done = client.post(VERIFY_URL, {"otp": next_code(secret)}, REMOTE_ADDR=HOME)
    finally:
        user_logged_in.disconnect(on_login)
    assert done.status_code == 302
    assert done["Location"] == "/desk/"  # a leader's worklist
    assert signed_in(client) and signals == ["in"]
    assert client.session[TWO_FACTOR_SESSION_KEY] == leader.pk
    assert client.get("/desk/").status_code == 200  # not asked again in this session
    assert client.get("/desk/tra-cuu/").status_code == 200


def test_a_wrong_code_is_refused_counted_and_signalled(client, leader):
    enrolled_leader(client, leader)
    failed: list[dict[str, Any]] = []

    def on_failed(credentials: dict[str, Any], **kwargs: Any) -> None:
        failed.append(credentials)

    password_step(client, "lanhdao")
    user_login_failed.connect(on_failed)
    try:
        response = client.post(VERIFY_URL, {"otp": "123456"}, REMOTE_ADDR=HOME)
    finally:
        user_login_failed.disconnect(on_failed)
    assert response.status_code == 401
    assert "Mã không đúng" in response.content.decode()
    assert not signed_in(client)
    assert failed == [{"username": "lanhdao", "otp": "********************"}]
    assert TwoFactorDevice.objects.get(user=leader).failures == 1


def test_a_code_is_never_accepted_twice(client, leader):
    secret, _codes = enrolled_leader(client, leader)
    code = next_code(secret)
    password_step(client, "lanhdao")
    assert client.post(VERIFY_URL, {"otp": code}, REMOTE_ADDR=HOME).status_code == 302
    client.post("/dang-xuat/")
    password_step(client, "lanhdao")
    assert client.post(VERIFY_URL, {"otp": code}, REMOTE_ADDR=HOME).status_code == 401


def test_a_recovery_code_signs_in_once(client, leader):
    _secret, codes = enrolled_leader(client, leader)
    password_step(client, "lanhdao")
    response = client.post(VERIFY_URL, {"otp": codes[3].upper()}, REMOTE_ADDR=HOME)
    assert response.status_code == 302 and signed_in(client)
    follow = client.get(response["Location"])
    assert "còn 9" in follow.content.decode()
    entry = AuditEntry.objects.get(action="two_factor.recovery_code_used")
    assert entry.data == {"left": 9}
    client.post("/dang-xuat/")
    password_step(client, "lanhdao")
    again = client.post(VERIFY_URL, {"otp": codes[3]}, REMOTE_ADDR=HOME)
    assert again.status_code == 401 and not signed_in(client)


def test_wrong_codes_are_throttled_with_the_password_counters(client, leader):
    secret, _codes = enrolled_leader(client, leader)
    password_step(client, "lanhdao")
    for _i in range(5):
        assert client.post(VERIFY_URL, {"otp": "111111"}, REMOTE_ADDR=HOME).status_code == 401
    # The sixth try, even the right code, is refused: the account's failures at this address.
    refused = client.post(VERIFY_URL, {"otp": next_code(secret)}, REMOTE_ADDR=HOME)
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode()
    assert not signed_in(client)
    # The password counts in the same counters: it is refused too.
    again = password_step(client, "lanhdao")
    assert "quá nhiều lần" in again.content.decode()


def test_wrong_codes_in_a_row_make_the_next_try_wait_even_after_the_window(client, leader):
    from motcua.accounts.api import SignInThrottled, two_factor_verify

    secret, _codes = enrolled_leader(client, leader)
    device = TwoFactorDevice.objects.get(user=leader)
    device.failures = 8
    device.last_failure_at = device.updated_at
    device.save()
    with pytest.raises(SignInThrottled) as caught:
        two_factor_verify(user=leader, code=next_code(secret), address="10.9.9.9")
    assert 60 * 7 < caught.value.retry_after <= 60 * 8
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=9), tick=False):
        assert two_factor_verify(user=leader, code=next_code(secret), address="10.9.9.9") == "totp"
    assert TwoFactorDevice.objects.get(user=leader).failures == 0


def test_the_second_step_expires(client, leader):
    enrolled_leader(client, leader)
    password_step(client, "lanhdao")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=6), tick=False):
        response = client.get(VERIFY_URL)
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"


def test_a_session_begun_without_the_code_must_give_it(client, leader):
    """A sign-in by another door (force_login here; the national e-ID) still owes the code."""
    secret, _codes = enrolled_leader(client, leader)
    client.force_login(leader)
    response = client.get("/desk/tra-cuu/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL + "?next=%2Fdesk%2Ftra-cuu%2F"
    done = client.post(response["Location"], {"otp": next_code(secret)}, REMOTE_ADDR=HOME)
    assert done.status_code == 302
    assert client.get("/desk/tra-cuu/").status_code == 200


def test_an_officer_who_chose_an_app_is_asked_for_it_even_when_not_required(client, make_user):
    make_user("chuyenvien", Role.SPECIALIST)
    password_step(client, "chuyenvien")
    assert client.get(ENROL_URL).status_code == 200
    enrol(client)
    client.post("/dang-xuat/")
    response = password_step(client, "chuyenvien")
    assert response["Location"] == VERIFY_URL


def test_a_citizen_may_not_open_the_setup_page(client, make_user):
    make_user("congdan", Role.CITIZEN)
    password_step(client, "congdan")
    assert client.get(ENROL_URL).status_code == 403


# --- the API's token endpoint -----------------------------------------------------------------


def token(client: Any, body: dict[str, str], address: str = HOME) -> Any:
    return client.post(TOKEN_URL, body, content_type="application/json", REMOTE_ADDR=address)


def test_the_token_endpoint_asks_for_otp_and_takes_a_code_or_a_recovery_code(client, leader):
    secret, codes = enrolled_leader(client, leader)
    base = {"username": "lanhdao", "password": PASSWORD}
    missing = token(client, base)
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required"
    assert list(missing.json()["errors"]) == ["otp"]
    wrong = token(client, {**base, "otp": "222222"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "otp_invalid"
    assert list(wrong.json()["errors"]) == ["otp"]
    assert ApiToken.objects.count() == 0
    right = token(client, {**base, "otp": next_code(secret)})
    assert right.status_code == 200, right.content
    assert token(client, {**base, "otp": codes[0]}).status_code == 200
    assert token(client, {**base, "otp": codes[0]}).status_code == 401  # used up
    assert ApiToken.objects.count() == 2


def test_the_token_endpoint_refuses_a_leader_without_an_app(client, leader):
    response = token(client, {"username": "lanhdao", "password": PASSWORD, "otp": "123456"})
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_enrolment_required"
    assert ApiToken.objects.count() == 0


def test_the_token_endpoint_needs_no_otp_from_a_specialist(client, make_user):
    make_user("chuyenvien", Role.SPECIALIST)
    assert token(client, {"username": "chuyenvien", "password": PASSWORD}).status_code == 200


def test_wrong_otps_on_the_api_are_throttled_by_the_password_counters(client, leader, settings):
    settings.MOTCUA_TWO_FACTOR_FREE_FAILURES = 100  # the counters alone, not the wait
    secret, _codes = enrolled_leader(client, leader)
    base = {"username": "lanhdao", "password": PASSWORD}
    for _i in range(5):
        assert token(client, {**base, "otp": "333333"}).status_code == 401
    # A right password does not forget the wrong codes (only a right code would): the sixth
    # try is refused at the password, even with the right code.
    refused = token(client, {**base, "otp": next_code(secret)})
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert ApiToken.objects.count() == 0


def test_a_right_code_forgets_the_wrong_ones(client, leader, settings):
    settings.MOTCUA_TWO_FACTOR_FREE_FAILURES = 100
    secret, _codes = enrolled_leader(client, leader)
    base = {"username": "lanhdao", "password": PASSWORD}
    for _i in range(4):
        assert token(client, {**base, "otp": "333333"}).status_code == 401
    assert token(client, {**base, "otp": next_code(secret)}).status_code == 200
    for _i in range(4):
        assert token(client, {**base, "otp": "444444"}).status_code == 401


def test_the_openapi_document_names_the_otp_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    token_in = schema["components"]["schemas"]["TokenIn"]
    assert "otp" in token_in["properties"]
    assert "otp" not in token_in.get("required", [])


# --- reset by an administrator ------------------------------------------------------------


def test_an_agency_admin_resets_it_with_a_reason_audited(client, leader, make_user):
    secret, _codes = enrolled_leader(client, leader)
    admin = make_user("qtcq", Role.AGENCY_ADMIN)  # the leader's agency
    client.force_login(admin)
    page = client.get(RESET_URL)
    assert page.status_code == 200
    no_reason = client.post(RESET_URL, {"username": "lanhdao", "reason": ""})
    assert no_reason.status_code == 400
    done = client.post(RESET_URL, {"username": "lanhdao", "reason": "Mất điện thoại, phiếu 12"})
    assert done.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=leader).exists()
    assert not RecoveryCode.objects.filter(user=leader).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.actor_id == admin.pk
    assert entry.object_id == str(leader.pk)
    assert entry.data["reason"] == "Mất điện thoại, phiếu 12"
    client.post("/dang-xuat/")
    # At the next sign-in the leader sets up a new app.
    assert password_step(client, "lanhdao")["Location"].startswith(ENROL_URL)


def test_an_admin_of_another_agency_may_not_reset_it(client, leader, make_user):
    enrolled_leader(client, leader)
    other = make_user("qtkhac", Role.AGENCY_ADMIN, agency="build")
    client.force_login(other)
    response = client.post(RESET_URL, {"username": "lanhdao", "reason": "x"})
    assert response.status_code == 400
    assert "không được đặt lại" in response.content.decode()
    assert TwoFactorDevice.objects.filter(user=leader).exists()
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


def test_a_specialist_may_not_open_the_reset_page(client, make_user):
    make_user("chuyenvien", Role.SPECIALIST)
    password_step(client, "chuyenvien")
    assert client.get(RESET_URL).status_code == 403
    assert client.get(ENROL_URL).status_code == 200  # may set up an app for himself
    enrol(client)
    assert RESET_URL not in client.get(ENROL_URL).content.decode()


def test_an_admins_two_factor_page_links_the_reset_page(client, make_user):
    make_user("qtcq", Role.AGENCY_ADMIN)
    password_step(client, "qtcq")
    enrol(client)
    assert RESET_URL in client.get(ENROL_URL).content.decode()


# --- demo accounts ------------------------------------------------------------------------


def test_a_demo_leader_signs_in_with_the_password_and_sees_the_banner(client, leader, settings):
    leader.two_factor_exempt = True
    leader.save()
    response = password_step(client, "lanhdao")
    assert response["Location"] == "/desk/"
    page = client.get("/desk/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="two-factor-demo-off"' in body
    assert "Xác thực hai lớp đang tắt cho tài khoản demo này" in body


def test_the_demo_exemption_is_ignored_where_demo_data_is_not_allowed(client, leader, settings):
    settings.MOTCUA_ALLOW_DEMO_DATA = False
    leader.two_factor_exempt = True
    leader.save()
    response = password_step(client, "lanhdao")
    assert response["Location"].startswith(ENROL_URL)


def test_an_officer_who_is_not_a_demo_account_sees_no_banner(client, make_user):
    make_user("chuyenvien", Role.SPECIALIST)
    password_step(client, "chuyenvien")
    assert 'id="two-factor-demo-off"' not in client.get("/desk/").content.decode()


def test_account_ensure_sets_the_exemption(db):
    from django.contrib.auth.hashers import make_password

    from motcua.accounts.api import account_ensure

    user = account_ensure(
        username="ld.demo",
        full_name="Demo",
        password_hash=make_password("x"),
        two_factor_exempt=True,
    )
    user.refresh_from_db()
    assert user.two_factor_exempt


def test_the_app_and_the_recovery_codes_survive_a_secret_key_rotation(leader, settings):
    from motcua.accounts.api import (
        SecondFactorRejected,
        two_factor_enrol,
        two_factor_setup_new,
        two_factor_verify,
    )

    setup = two_factor_setup_new(user=leader)
    codes = two_factor_enrol(user=leader, secret=setup.secret, code=pyotp.TOTP(setup.secret).now())
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    with pytest.raises(SecondFactorRejected):  # without the old key, nothing opens
        two_factor_verify(user=leader, code=codes[0], address="10.1.1.1")
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert two_factor_verify(user=leader, code=codes[1], address="10.1.1.2") == "recovery"
    assert two_factor_verify(user=leader, code=next_code(setup.secret), address="10.1.1.3") == (
        "totp"
    )


def test_staff_reach_the_admin_site_only_after_setting_up_an_app(client, make_user):
    make_user("quantri", None, is_staff=True, is_superuser=True)
    response = password_step(client, "quantri")
    assert response["Location"].startswith(ENROL_URL)
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(ENROL_URL)
    enrol(client)
    assert client.get("/admin/").status_code == 200


def test_a_province_admin_resets_it_for_an_agency_below_and_no_one_resets_their_own(
    client, leader, make_user
):
    from motcua.accounts.api import two_factor_reset

    enrolled_leader(client, leader)
    province = make_user("qttinh", Role.PROVINCE_ADMIN, agency="root")
    with pytest.raises(Exception, match="không được đặt lại"):
        two_factor_reset(actor=leader, user=leader, reason="tự đặt lại")
    two_factor_reset(actor=province, user=leader, reason="Mất điện thoại")
    assert not TwoFactorDevice.objects.filter(user=leader).exists()
    assert AuditEntry.objects.filter(action="two_factor.reset", actor_id=province.pk).exists()
