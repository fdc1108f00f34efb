"""Where people land: after signing in each role goes to its own start page (an explicit safe
`next` wins); supervisors and admins have a desk overview, and the header's "Desk" link
(/desk/) works for every officer role; /admin/ for a signed-in non-staff user is a clear 403
page, not a redirect loop."""

from __future__ import annotations

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role

PASSWORD = "pw-12345-x"


@pytest.fixture
def people(users, agencies, django_user_model):
    """The world's officers plus a supervisor, a province admin (staff), an agency admin, a
    citizen and a staff member holding no role."""
    people = dict(users)

    def make(name, role=None, agency=None, **extra):
        user = django_user_model.objects.create_user(
            username=name, password=PASSWORD, full_name=name.upper(), **extra
        )
        if role is not None:
            role_grant(user=user, role=role, agency=agency)
        people[name] = user
        return user

    make("giamsat", Role.SUPERVISOR, agencies["root"])
    make("quantri", Role.PROVINCE_ADMIN, agencies["root"], is_staff=True)
    make("qtcoquan", Role.AGENCY_ADMIN, agencies["trade"])
    make("nhanvien", is_staff=True)
    return people


def _sign_in(client, username, url="/dang-nhap/"):
    user = {"citizen": "dan"}.get(username, username)  # the desk fixtures' citizen
    return client.post(url, {"username": user, "password": PASSWORD})


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("desk", "/desk/"),
        ("cv", "/desk/"),
        ("ld", "/desk/"),
        ("giamsat", "/desk/tong-quan/"),
        ("quantri", "/desk/tong-quan/"),
        ("qtcoquan", "/desk/tong-quan/"),
        ("citizen", "/ho-so-cua-toi/"),
        ("nhanvien", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_page(client, people, username, landing):
    response = _sign_in(client, username)
    assert response.status_code == 302
    assert response["Location"] == landing
    assert int(client.session["_auth_user_id"]) == people[username].pk


def test_an_explicit_safe_next_wins_and_an_unsafe_one_is_ignored(client, people):
    response = _sign_in(client, "desk", "/dang-nhap/?next=/tra-cuu-ho-so/")
    assert response["Location"] == "/tra-cuu-ho-so/"
    client.logout()
    response = _sign_in(client, "desk", "/dang-nhap/?next=https://evil.example/")
    assert response["Location"] == "/desk/"


def test_a_citizen_goes_back_to_the_page_that_sent_them_to_sign_in(client, people):
    page = client.get("/dang-nhap/", HTTP_REFERER="http://testserver/thu-tuc/2.000004/")
    assert page.status_code == 200
    response = _sign_in(client, "citizen")
    assert response["Location"] == "/thu-tuc/2.000004/"


def test_an_officer_coming_from_the_home_page_still_lands_on_the_desk(client, people):
    client.get("/dang-nhap/", HTTP_REFERER="http://testserver/")
    assert _sign_in(client, "desk")["Location"] == "/desk/"


def test_the_home_page_another_site_or_an_account_page_is_not_where_a_citizen_goes_back(
    client, people
):
    client.get("/dang-nhap/", HTTP_REFERER="http://testserver/")
    assert _sign_in(client, "citizen")["Location"] == "/ho-so-cua-toi/"
    client.logout()
    client.get("/dang-nhap/", HTTP_REFERER="https://evil.example/thu-tuc/")
    assert _sign_in(client, "citizen")["Location"] == "/ho-so-cua-toi/"
    client.logout()
    client.get("/dang-nhap/", HTTP_REFERER="http://testserver/dang-ky/")
    assert _sign_in(client, "citizen")["Location"] == "/ho-so-cua-toi/"


def test_the_sign_in_page_sends_a_signed_in_officer_to_the_desk(client, people):
    client.force_login(people["giamsat"])
    response = client.get("/dang-nhap/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/tong-quan/"


def test_desk_link_works_for_a_supervisor_and_the_overview_lists_what_they_may_open(client, people):
    client.force_login(people["giamsat"])
    home = client.get("/")
    assert 'href="/desk/"' in home.content.decode()  # the header's link
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/tong-quan/"
    page = client.get("/desk/tong-quan/")
    assert page.status_code == 200
    html = page.content.decode()
    main = html.split('id="main"', 1)[1]
    tiles = main.split('class="overview-tiles"', 1)[1].split("</ul>", 1)[0]
    assert "Giám sát — Ủy ban nhân dân tỉnh Điện Biên" in main
    hrefs = [part.split('"', 1)[0] for part in tiles.split('href="')[1:]]
    assert hrefs == ["/desk/tra-cuu/", "/desk/han-xu-ly/", "/desk/bao-cao/", "/desk/hai-long/"]
    for url in hrefs:
        assert client.get(url).status_code == 200, url


def test_a_staff_province_admin_also_sees_payments_and_the_admin_site(client, people):
    client.force_login(people["quantri"])
    html = client.get("/desk/tong-quan/").content.decode()
    tiles = html.split('class="overview-tiles"', 1)[1].split("</ul>", 1)[0]
    hrefs = [part.split('"', 1)[0] for part in tiles.split('href="')[1:]]
    assert hrefs == [
        "/desk/tra-cuu/",
        "/desk/han-xu-ly/",
        "/desk/bao-cao/",
        "/desk/hai-long/",
        "/desk/thanh-toan/doi-soat/",
        "/admin/",
    ]
    for url in hrefs:
        assert client.get(url).status_code == 200, url


def test_workers_keep_their_worklist_at_desk_and_citizens_may_not_open_the_overview(client, people):
    client.force_login(people["cv"])
    assert client.get("/desk/").status_code == 200
    client.force_login(people["citizen"])
    assert client.get("/desk/tong-quan/").status_code == 403
    assert client.get("/desk/").status_code == 403


@pytest.mark.parametrize(
    ("username", "link"), [("desk", "/desk/"), ("giamsat", "/desk/tong-quan/")]
)
def test_admin_for_a_signed_in_officer_who_is_not_staff_is_a_clear_page_not_a_loop(
    client, people, username, link
):
    client.force_login(people[username])
    response = client.get("/admin/", follow=True)
    assert [url for url, _status in response.redirect_chain] == ["/admin/login/?next=/admin/"]
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Khu vực quản trị chỉ dành cho quản trị viên</h1>" in html
    assert f'<a class="button" href="{link}">Đến trang làm việc của bạn</a>' in html
    # The sign-in page with next=/admin/ ends on the same page, not in a loop.
    again = client.get("/dang-nhap/?next=/admin/", follow=True)
    assert again.status_code == 403
    assert again.redirect_chain == [("/admin/", 302), ("/admin/login/?next=/admin/", 302)]


def test_admin_for_a_citizen_links_to_their_dossiers(client, people):
    client.force_login(people["citizen"])
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert (
        '<a class="button" href="/ho-so-cua-toi/">Đến hồ sơ của bạn</a>'
        in response.content.decode()
    )


def test_anonymous_admin_still_goes_to_the_portal_sign_in(client, people):
    response = client.get("/admin/login/?next=/admin/catalog/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/admin/catalog/"
