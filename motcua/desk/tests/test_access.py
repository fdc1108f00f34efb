"""Every desk page declares who may see it: anonymous people go to the sign-in page, people
without the role get 403, officers of another agency get 404 on a dossier they may not see."""

from __future__ import annotations

import pytest

from .conftest import PDF, act, at, at_time

NOON = at(2026, 3, 2, 12, 0)


def _urls(d):
    doc = d.documents.first()
    return {
        "worklist": "/desk/",
        "search": "/desk/tra-cuu/?q=H11",
        "intake": "/desk/tiep-nhan/",
        "intake_form": "/desk/tiep-nhan/?thu-tuc=2.000004",
        "deadlines": "/desk/han-xu-ly/",
        "notices": "/desk/thong-bao/",
        "dossier": f"/desk/ho-so/{d.code}/",
        "receipt": f"/desk/ho-so/{d.code}/giay-tiep-nhan/",
        "document": f"/desk/ho-so/{d.code}/tep/{doc.pk}/",
    }


@pytest.fixture
def d(receive):
    return receive(at(2026, 3, 2, 9, 0), files=[PDF])


# Who may open which page (the rest get 403).
ALLOWED = {
    "worklist": {"desk", "cv", "ld"},
    "search": {"desk", "cv", "ld"},
    "intake": {"desk"},
    "intake_form": {"desk"},
    "deadlines": {"desk", "ld"},
    "notices": {"desk", "cv", "ld"},
    "dossier": {"desk", "cv", "ld"},
    # The papers and files hold the applicant's personal data whole: only whoever handles the
    # dossier (here the receiving desk: the dossier is still at intake) or gave a reason on the
    # dossier page (ADR 0036; motcua/privacy/tests/test_desk_personal_data.py).
    "receipt": {"desk"},
    "document": {"desk"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_anonymous_is_sent_to_sign_in(client, users, d, page):
    url = _urls(d)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/desk/")


@pytest.mark.parametrize("page", sorted(ALLOWED))
@pytest.mark.parametrize("who", ["desk", "cv", "ld", "citizen", "nobody"])
def test_each_page_for_each_role(as_user, d, page, who):
    client = as_user(who)
    with at_time(NOON):
        response = client.get(_urls(d)[page])
    expected = 200 if who in ALLOWED[page] else 403
    assert response.status_code == expected, (page, who)


@pytest.mark.parametrize("page", ["dossier", "receipt", "document"])
def test_officer_of_another_agency_gets_404(as_user, d, page):
    client = as_user("cv_build")  # specialist of Sở Xây dựng: not this dossier's agency
    with at_time(NOON):
        response = client.get(_urls(d)[page])
    assert response.status_code == 404


def test_officer_of_another_agency_cannot_act(orm, as_user, d, users):
    client = as_user("ld_build")
    with at_time(NOON):
        response = client.post(f"/desk/ho-so/{d.code}/thao-tac/forward/", {})
    assert response.status_code == 404
    assert list(orm.DossierEvent.objects.filter(dossier=d).values_list("action", flat=True)) == [
        "accept"
    ]


def test_document_download_streams_the_file_to_the_dossiers_officers(as_user, d):
    doc = d.documents.get()
    with at_time(NOON):
        response = as_user("desk").get(f"/desk/ho-so/{d.code}/tep/{doc.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF.content


def test_document_of_another_dossier_is_not_served(as_user, d, receive):
    other = receive(at(2026, 3, 2, 9, 30), files=[PDF])
    doc = other.documents.get()
    with at_time(NOON):
        response = as_user("desk").get(f"/desk/ho-so/{d.code}/tep/{doc.pk}/")
    assert response.status_code == 404


def test_document_refused_to_a_citizen(as_user, d):
    doc = d.documents.get()
    with at_time(NOON):
        response = as_user("citizen").get(f"/desk/ho-so/{d.code}/tep/{doc.pk}/")
    assert response.status_code == 403


def test_actions_need_post(as_user, d):
    with at_time(NOON):
        response = as_user("desk").get(f"/desk/ho-so/{d.code}/thao-tac/forward/")
    assert response.status_code == 405


def test_unknown_action_is_404(as_user, d):
    with at_time(NOON):
        response = as_user("desk").post(f"/desk/ho-so/{d.code}/thao-tac/explode/", {})
    assert response.status_code == 404


def test_a_consulted_agency_sees_the_dossier(as_user, d, users):
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(
        d,
        users["cv"],
        "consult",
        at(2026, 3, 2, 11, 0),
        agencies=["H11.07"],
        question="Ý kiến?",
        budget_hours="8",
    )
    with at_time(NOON):
        response = as_user("cv_build").get(f"/desk/ho-so/{d.code}/")
    assert response.status_code == 200


def test_form_pdfs_render_on_demand(client, world, receive, tmp_path, settings):
    """The receipt PDF is rendered on first use when no job rendered it (demo data), and only
    for officers who may see the dossier."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    d = receive(at(2026, 3, 2, 9, 0))
    client.force_login(world["users"]["desk"])
    response = client.get(f"/desk/ho-so/{d.code}/mau/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert d.documents.filter(kind="receipt").count() == 1
    client.get(f"/desk/ho-so/{d.code}/mau/receipt.pdf")
    assert d.documents.filter(kind="receipt").count() == 1  # stored once
    assert client.get(f"/desk/ho-so/{d.code}/mau/nonsense.pdf").status_code == 404
    client.force_login(world["users"]["cv_build"])
    assert client.get(f"/desk/ho-so/{d.code}/mau/receipt.pdf").status_code == 404
