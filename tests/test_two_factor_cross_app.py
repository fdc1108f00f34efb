"""Two-factor sign-in where it meets other apps (ADR 0034): a signing credential (documents)
makes an officer need an authenticator; the demo loader marks its accounts exempt. Here, not in
motcua/accounts/tests: accounts sits below documents and demo in the import layers."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role

PASSWORD = "dung-mat-khau-9"
ENROL_URL = "/desk/xac-thuc-hai-lop/"


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.MOTCUA_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def make_user(db: Any, django_user_model: Any, agencies: dict[str, Any]) -> Any:
    def make(username: str, role: Role, agency: str = "trade") -> Any:
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, full_name=username.title()
        )
        role_grant(user=user, role=role, agency=None if role == Role.CITIZEN else agencies[agency])
        return user

    return make


def password_step(client: Any, username: str) -> Any:
    return client.post(
        "/dang-nhap/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )


def test_a_holder_of_a_signing_credential_is_sent_to_set_one_up(client, make_user):
    from motcua.documents.models import SigningCredential

    specialist = make_user("chuyenvien", Role.SPECIALIST)
    password_step(client, "chuyenvien")
    assert client.get("/desk/").status_code == 200  # no credential: the password suffices
    SigningCredential.objects.create(user=specialist, kind="pkcs12", pkcs12_path="/x.p12")
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)


def test_the_demo_loader_marks_the_demo_accounts_of_an_earlier_load(db, make_user):
    """`make run` on a database loaded before two-factor sign-in: "already loaded", and the
    demo accounts still sign in with the password only."""
    from motcua.demo.accounts import demo_usernames
    from motcua.demo.loader import demo_load

    make_user("desk", Role.DESK_OFFICER, agency="center")
    lanhdao = make_user("lanhdao", Role.LEADER)
    stranger = make_user("someone", Role.LEADER)
    assert {"desk", "lanhdao", "quantri", "giamsat", "ld.datdai"} <= set(demo_usernames())
    assert demo_load() == ["Demo data already loaded."]
    lanhdao.refresh_from_db()
    stranger.refresh_from_db()
    assert lanhdao.two_factor_exempt
    assert not stranger.two_factor_exempt
