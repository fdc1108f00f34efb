"""The desk's satisfaction page: officers see aggregates of their agencies, never a rating."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.desk.views.satisfaction import satisfaction
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401
from motcua.feedback.tests.conftest import finished  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


ANSWERS = {"access": "5", "procedure": "4", "staff": "5", "result": "4", "comment": "Nhanh gọn"}


def _track(client, d, factor):
    return client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": factor})


def test_officers_see_only_aggregates(client, finished, world, settings):  # noqa: F811
    settings.MOTCUA_RATING_MIN_COUNT = 2
    leader = world["users"]["ld"]
    dossiers = [finished(at(2026, 3, 2, 9, i)) for i in range(3)]
    for i, d in enumerate(dossiers):
        visitor = client.__class__()
        _track(visitor, d, d.lookup_pin)
        answers = {**ANSWERS, "access": str(5 - 2 * i), "comment": f"Ý kiến {i}"}
        with clock.at(at(2026, 3, 5, 10, i)):
            assert visitor.post(f"/danh-gia/{d.code}/", answers).status_code == 302
    request = RequestFactory().get("/desk/hai-long/", {"tu": "2026-01", "den": "2026-03"})
    request.user = leader
    request.session = {}
    html = satisfaction(request).content.decode()
    # access 5, 3, 1 → 1 of 3 satisfied; procedure, staff, result all satisfied; the fifth
    # factor unanswered. Index = (33.3 + 100 + 100 + 100) / 4.
    assert re.search(r">33[.,]3 %<", html)
    assert re.search(r"83[.,]3 %", html)
    # Outside the chosen months there is nothing.
    later = RequestFactory().get("/desk/hai-long/", {"tu": "2026-04", "den": "2026-12"})
    later.user, later.session = leader, {}
    assert "83" not in satisfaction(later).content.decode().split("<main", 1)[1].split("</main>")[0]
    for d in dossiers:
        assert d.code not in html and d.applicant_name not in html
    # Comments are listed in alphabetical order, never next to a score or a date.
    assert html.index("Ý kiến 0") < html.index("Ý kiến 1") < html.index("Ý kiến 2")


def test_the_satisfaction_page_is_for_officers(client, world, django_user_model):  # noqa: F811
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    citizen = django_user_model.objects.create_user(username="cd", password="pw-12345-x")
    role_grant(user=citizen, role=Role.CITIZEN, agency=None)
    request = RequestFactory().get("/desk/hai-long/")
    request.user = citizen
    with pytest.raises(DjangoPermissionDenied):
        satisfaction(request)
