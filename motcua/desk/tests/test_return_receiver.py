"""The person who collects a result at the desk shows an ID document: its number is checked
like the applicant's at intake (core.identifiers) — `12345` is refused, on the desk form and
through `dossier_act` alike, and nothing changes."""

from __future__ import annotations

import pytest

from motcua.core.errors import ValidationFailed

from .conftest import PDF, act, at, at_time

THU_8 = at(2026, 3, 5, 8, 0)


@pytest.fixture
def ready(receive, users):
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(d, users["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=users["ld"].pk)
    act(d, users["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    d.refresh_from_db()
    assert d.status == "result_ready"
    return d


def _unchanged(orm, d, events_before):
    d.refresh_from_db()
    assert (d.status, d.returned_at, d.returned_to, d.return_method) == (
        "result_ready",
        None,
        "",
        "",
    )
    assert orm.DossierEvent.objects.filter(dossier=d).count() == events_before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "Số định danh cá nhân gồm đúng 12 chữ số."),
        ("999080000123", "Ba chữ số đầu (999) không phải mã tỉnh."),
    ],
)
def test_the_desk_form_refuses_a_receiver_id_that_is_not_one(orm, as_user, ready, typed, message):
    events = orm.DossierEvent.objects.filter(dossier=ready).count()
    with at_time(THU_8):
        response = as_user("desk").post(
            f"/desk/ho-so/{ready.code}/thao-tac/return_result/",
            {
                "return_result-method": "desk",
                "return_result-receiver_name": "Quàng Văn Đức",
                "return_result-receiver_id_number": typed,
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split('id="id_return_result-receiver_id_number-error"', 1)[1].split("</p>")[0]
    assert message in error
    assert f'value="{typed}"' in html  # what was typed is kept
    _unchanged(orm, ready, events)


def test_the_service_refuses_it_too_and_accepts_a_real_number(orm, ready, users):
    events = orm.DossierEvent.objects.filter(dossier=ready).count()
    with pytest.raises(ValidationFailed) as exc:
        act(
            ready,
            users["desk"],
            "return_result",
            THU_8,
            method="desk",
            receiver_name="Quàng Văn Đức",
            receiver_id_number="12345",
        )
    assert exc.value.field_errors == {
        "receiver_id_number": ["Số định danh cá nhân gồm đúng 12 chữ số."]
    }
    _unchanged(orm, ready, events)
    act(
        ready,
        users["desk"],
        "return_result",
        THU_8,
        method="desk",
        receiver_name="Quàng Văn Đức",
        receiver_id_number="0110 8000 0123",
    )
    d = orm.Dossier.objects.get(pk=ready.pk)
    assert (d.status, d.returned_to) == ("returned", "Quàng Văn Đức 011080000123")
