"""Online submission by a signed-in citizen: drafts, one dossier per draft, form fields,
delivery, the applicant's answers (completion, supplement, withdrawal) and who may act."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from conftest import run_at_once
from motcua.core import clock
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ONLINE_APPLICANT, act, at, online_world

PDF = b"%PDF-1.4\n% test\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64

FORM_FIELDS = [
    {"name": "program_name", "label": "Tên chương trình", "type": "text", "required": True},
    {"name": "start_date", "label": "Ngày bắt đầu", "type": "date", "required": True},
    {"name": "prize_value", "label": "Tổng giá trị giải thưởng", "type": "number"},
    {
        "name": "area",
        "label": "Địa bàn",
        "type": "choice",
        "choices": ["Một tỉnh", "Nhiều tỉnh"],
        "required": True,
    },
    {"name": "agree", "label": "Tôi cam đoan", "type": "checkbox", "required": True},
]
GOOD_VALUES = {
    "program_name": "  Khuyến mại  mùa xuân ",
    "start_date": "20/03/2026",
    "prize_value": "1.500.000",
    "area": "Một tỉnh",
    "agree": "on",
}
APPLICANT = ONLINE_APPLICANT


@pytest.fixture
def online(world: dict[str, Any], media_on_disk: Any) -> dict[str, Any]:
    """The promotion procedure republished with form fields; a citizen and another one."""
    return online_world(world, form_fields=FORM_FIELDS)


def _ready_draft(world: dict[str, Any], user: Any = None) -> Any:
    from motcua.dossiers import api

    user = user or world["citizen"]
    with clock.at(at(2026, 3, 2, 9)):
        draft = api.online_draft_start(owner=user, procedure_code="2.000004")
        api.online_draft_save_applicant(draft_id=draft.pk, owner=user, data=APPLICANT)
        api.online_draft_save_fields(draft_id=draft.pk, owner=user, values=GOOD_VALUES)
        for position in (1, 2):
            api.online_draft_file_add(
                draft_id=draft.pk,
                owner=user,
                file=UploadedFile(name=f"../../tờ khai {position}.pdf", content=PDF),
                checklist_position=position,
            )
        api.online_draft_save_delivery(
            draft_id=draft.pk, owner=user, delivery="post", address="Số 1, Mường Thanh"
        )
    return draft


def test_draft_to_submitted_dossier(online):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    assert dossier.status == "submitted"
    assert dossier.channel == "online"
    assert dossier.applicant_user == online["citizen"]
    assert dossier.applicant_name == "Công ty TNHH Thương mại Mường Thanh"
    assert dossier.form_data == {
        "program_name": "Khuyến mại mùa xuân",
        "start_date": "2026-03-20",
        "prize_value": "1500000",
        "area": "Một tỉnh",
        "agree": True,
    }
    assert (dossier.result_delivery, dossier.result_delivery_address) == (
        "post",
        "Số 1, Mường Thanh",
    )
    docs = list(dossier.documents.order_by("checklist_position"))
    assert [(d.name, d.checklist_position, d.kind) for d in docs] == [
        ("tờ khai 1.pdf", 1, "attachment"),
        ("tờ khai 2.pdf", 2, "attachment"),
    ]
    assert [row["received"] for row in dossier.checklist] == [True, True]
    draft.refresh_from_db()
    assert draft.dossier_id == dossier.pk
    assert draft.files.count() == 0
    assert dossier.form_data_rows[1] == ("Ngày bắt đầu", "20/03/2026")
    # The desk accepts it without ticking again: the uploaded checklist is the dossier's.
    accepted = act(dossier, online["users"]["desk"], "accept", at(2026, 3, 2, 11))
    assert accepted.status == "received"
    assert accepted.received_at == at(2026, 3, 2, 10)


def test_double_submit_creates_one_dossier(online):
    from motcua.dossiers import api
    from motcua.dossiers.models import Dossier

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        first = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
        second = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1
    assert first.events.filter(action="submit").count() == 1


def test_another_citizen_cannot_touch_the_draft(online):
    from motcua.dossiers import api
    from motcua.dossiers.models import Dossier

    draft = _ready_draft(online)
    with pytest.raises(NotFound):
        api.online_draft_submit(draft_id=draft.pk, owner=online["other"])
    with pytest.raises(NotFound):
        api.online_draft_save_fields(draft_id=draft.pk, owner=online["other"], values={})
    with pytest.raises(NotFound):
        api.access_draft_for_owner(user=online["other"], draft_id=draft.pk)
    assert Dossier.objects.count() == 0


def test_form_fields_are_checked_with_a_message_each(online):
    from motcua.dossiers import api

    user = online["citizen"]
    draft = api.online_draft_start(owner=user, procedure_code="2.000004")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_save_fields(
            draft_id=draft.pk,
            owner=user,
            values={
                "program_name": "",
                "start_date": "31/02/2026",
                "prize_value": "nhiều",
                "area": "Cả nước",
            },
        )
    errors = exc.value.field_errors
    assert set(errors) == {
        "form.program_name",
        "form.start_date",
        "form.prize_value",
        "form.area",
        "form.agree",
    }
    assert errors["form.program_name"] == ["Enter “Tên chương trình”."]
    draft.refresh_from_db()
    assert draft.form_data == {}


def test_submit_lists_every_missing_part(online):
    from motcua.dossiers import api

    user = online["citizen"]
    draft = api.online_draft_start(owner=user, procedure_code="2.000004")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_submit(draft_id=draft.pk, owner=user)
    errors = exc.value.field_errors
    assert "documents.1" in errors and "documents.2" in errors
    assert "delivery" in errors
    assert "form.program_name" in errors
    assert "applicant.tax_code" in errors


def test_post_delivery_needs_an_address(online):
    from motcua.dossiers import api

    user = online["citizen"]
    draft = api.online_draft_start(owner=user, procedure_code="2.000004")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_save_delivery(draft_id=draft.pk, owner=user, delivery="post")
    assert list(exc.value.field_errors) == ["delivery_address"]
    with pytest.raises(ValidationFailed):
        api.online_draft_save_delivery(draft_id=draft.pk, owner=user, delivery="drone")


def test_upload_refused_by_content_and_by_the_scanner(online, monkeypatch):
    from motcua.dossiers import api
    from motcua.integrations import scanning

    user = online["citizen"]
    draft = api.online_draft_start(owner=user, procedure_code="2.000004")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_file_add(
            draft_id=draft.pk,
            owner=user,
            file=UploadedFile(name="virus.pdf", content=b"MZ\x90\x00 not a pdf"),
            checklist_position=1,
        )
    assert "is not a PDF, JPEG or PNG file" in exc.value.field_errors["documents.1"][0]

    monkeypatch.setattr(scanning, "scan_upload", lambda data, *, name: "Eicar-Test-Signature")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_file_add(
            draft_id=draft.pk,
            owner=user,
            file=UploadedFile(name="a.pdf", content=PDF),
            checklist_position=1,
        )
    assert "malicious" in exc.value.field_errors["documents.1"][0]

    def down(data: bytes, *, name: str) -> str | None:
        raise scanning.ScannerUnavailable("clamd down")

    monkeypatch.setattr(scanning, "scan_upload", down)
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_file_add(
            draft_id=draft.pk,
            owner=user,
            file=UploadedFile(name="a.pdf", content=PDF),
            checklist_position=1,
        )
    assert "cannot be checked for viruses right now" in exc.value.field_errors["documents.1"][0]
    assert draft.files.count() == 0


def test_desk_uploads_are_scanned_too(online, monkeypatch, receive):
    from motcua.dossiers.models import Dossier
    from motcua.integrations import scanning

    monkeypatch.setattr(scanning, "scan_upload", lambda data, *, name: "Win.Test.EICAR")
    with pytest.raises(ValidationFailed):
        receive(at(2026, 3, 2, 9), files=[UploadedFile(name="x.pdf", content=PDF)])
    assert Dossier.objects.count() == 0


def test_resubmit_after_completion_request(online):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    act(
        dossier,
        online["users"]["desk"],
        "request_completion",
        at(2026, 3, 2, 14),
        missing=["Thể lệ có chữ ký"],
    )
    with pytest.raises(PermissionDenied):
        api.dossier_resubmit(
            dossier_id=dossier.pk,
            actor=online["other"],
            files=[UploadedFile(name="the le.pdf", content=PDF, checklist_position=2)],
        )
    with clock.at(at(2026, 3, 3, 9)):
        again = api.dossier_resubmit(
            dossier_id=dossier.pk,
            actor=online["citizen"],
            files=[UploadedFile(name="the le.png", content=PNG, checklist_position=2)],
            note="Đã ký",
        )
    assert again.status == "submitted"
    assert again.submitted_at == at(2026, 3, 3, 9)
    assert again.review_due_at == at(2026, 3, 4, 9)  # 8 working hours later
    assert again.missing == []
    event = again.events.order_by("-id").first()
    assert (event.action, event.from_status, event.to_status) == (
        "submit",
        "completion_requested",
        "submitted",
    )
    assert event.data["asked"] == ["Thể lệ có chữ ký"]
    assert again.documents.filter(kind="supplement").count() == 1
    accepted = act(again, online["users"]["desk"], "accept", at(2026, 3, 3, 10))
    assert accepted.received_at == at(2026, 3, 3, 9)


def test_resubmit_needs_a_file_and_the_right_status(online):
    from motcua.dossiers import api
    from motcua.dossiers.workflow import InvalidTransition

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    with pytest.raises(ValidationFailed):
        api.dossier_resubmit(dossier_id=dossier.pk, actor=online["citizen"], files=[])
    with pytest.raises(InvalidTransition):
        api.dossier_resubmit(
            dossier_id=dossier.pk,
            actor=online["citizen"],
            files=[UploadedFile(name="a.pdf", content=PDF)],
        )


def test_applicant_answers_a_supplement_request(online):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    users = online["users"]
    act(dossier, users["desk"], "accept", at(2026, 3, 2, 11))
    act(dossier, users["desk"], "forward", at(2026, 3, 2, 11, 30))
    act(dossier, users["cv"], "take", at(2026, 3, 2, 14))
    act(
        dossier,
        users["cv"],
        "request_supplement",
        at(2026, 3, 3, 9),
        items=["Bản sao hợp đồng"],
        reason="Thiếu hợp đồng",
    )
    dossier.refresh_from_db()
    assert api.applicant_actions(user=online["citizen"], dossier=dossier) == [
        "supplement",
        "withdraw",
    ]
    assert api.applicant_actions(user=online["other"], dossier=dossier) == []
    with pytest.raises(PermissionDenied):
        api.dossier_supplement_upload(
            dossier_id=dossier.pk,
            actor=online["other"],
            files=[UploadedFile(name="hd.pdf", content=PDF)],
        )
    with clock.at(at(2026, 3, 4, 9)):
        resumed = api.dossier_supplement_upload(
            dossier_id=dossier.pk,
            actor=online["citizen"],
            files=[UploadedFile(name="hợp đồng.pdf", content=PDF)],
        )
    assert resumed.status == "processing"
    assert resumed.paused_at is None
    assert resumed.paused_seconds == 8 * 3600  # one working day paused
    event = resumed.events.order_by("-id").first()
    assert (event.action, event.actor_id) == ("receive_supplement", online["citizen"].pk)
    assert resumed.documents.filter(kind="supplement", name="hợp đồng.pdf").count() == 1


def test_applicant_withdraws_and_others_cannot(online):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    with pytest.raises(PermissionDenied):
        api.dossier_withdraw_by_applicant(
            dossier_id=dossier.pk, actor=online["other"], reason="không cần nữa"
        )
    with clock.at(at(2026, 3, 2, 11)):
        stopped = api.dossier_withdraw_by_applicant(
            dossier_id=dossier.pk, actor=online["citizen"], reason="Không cần nữa"
        )
    assert stopped.status == "withdrawn"


def test_access_to_own_dossiers_only(online):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    assert (
        api.access_dossier_for_applicant(user=online["citizen"], reference=str(dossier.reference))
        == dossier
    )
    with pytest.raises(NotFound):
        api.access_dossier_for_applicant(user=online["other"], reference=str(dossier.reference))
    with pytest.raises(NotFound):
        api.access_dossier_for_applicant(user=online["citizen"], reference="not-a-uuid")
    assert list(api.applicant_dossiers(user=online["citizen"])) == [dossier]
    assert list(api.applicant_dossiers(user=online["other"])) == []


def test_a_second_start_returns_the_open_draft(online):
    from motcua.dossiers import api

    user = online["citizen"]
    first = api.online_draft_start(owner=user, procedure_code="2.000004", applicant=APPLICANT)
    second = api.online_draft_start(owner=user, procedure_code="2.000004")
    assert first.pk == second.pk
    assert first.applicant["tax_code"] == "0100109106"
    api.online_draft_discard(draft_id=first.pk, owner=user)
    assert list(api.applicant_drafts(user=user)) == []


def test_not_online_procedure_cannot_be_started(online):
    from conftest import BIRTH
    from motcua.catalog.api import catalog_import
    from motcua.dossiers import api
    from motcua.dossiers.models import OnlineDraft

    raw = copy.deepcopy(BIRTH)
    raw["online_level"] = "none"
    catalog_import(content=json.dumps([raw]).encode(), filename="b.json", actor=None)
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_start(owner=online["citizen"], procedure_code="1.001193")
    assert exc.value.field_errors == {"procedure": ["This procedure is not offered online."]}
    with pytest.raises(NotFound):
        api.online_draft_start(owner=online["citizen"], procedure_code="9.999999")
    assert OnlineDraft.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_submits_create_one_dossier(online):
    """Two requests submit the same draft at the same moment: the draft row lock makes the
    second wait and then return the first one's dossier."""
    from motcua.dossiers import api
    from motcua.dossiers.models import Dossier

    draft = _ready_draft(online)

    def submit() -> int:
        with clock.at(at(2026, 3, 2, 10)):
            return api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"]).pk

    results = run_at_once(submit)
    assert len(results) == 2 and results[0] == results[1]
    assert Dossier.objects.count() == 1


def test_desk_page_and_rest_show_the_form_data(online, client):
    from motcua.dossiers import api

    draft = _ready_draft(online)
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
    dossier = act(dossier, online["users"]["desk"], "accept", at(2026, 3, 2, 11))
    client.force_login(online["users"]["desk"])
    body = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert body["form_data"]["program_name"] == "Khuyến mại mùa xuân"
    assert body["result_delivery"] == "post"
    from django.urls import reverse

    page = client.get(reverse("desk:dossier", args=[dossier.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tên chương trình" in html and "Khuyến mại mùa xuân" in html
    assert "Số 1, Mường Thanh" in html


def test_the_commune_chosen_routes_a_commune_procedure(online):
    """A procedure every commune handles: the applicant picks the agency ("Choose…" is not an
    answer, even with a commune given: the applicant step preselects the commune's agency);
    a commune outside the province is refused."""
    from conftest import BIRTH
    from motcua.accounts.api import agency_upsert
    from motcua.accounts.data import AgencyKind
    from motcua.catalog.api import catalog_import
    from motcua.dossiers import api

    second = agency_upsert(
        code="H11.03334",
        name="Ủy ban nhân dân phường Mường Thanh",
        kind=AgencyKind.COMMUNE,
        parent=online["agencies"]["root"],
        admin_unit_code=3334,
    )
    catalog_import(content=json.dumps([BIRTH]).encode(), filename="b.json", actor=None)
    user = online["citizen"]
    person = {
        "kind": "person",
        "full_name": "Lò Văn Minh",
        "id_number": "011095001234",
        "phone": "0912345678",
        "address": "Tổ 5",
    }
    draft = api.online_draft_start(owner=user, procedure_code="1.001193")
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_save_applicant(draft_id=draft.pk, owner=user, data=person)
    assert set(exc.value.field_errors) == {"applicant.agency"}
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_save_applicant(
            draft_id=draft.pk, owner=user, data=dict(person, commune_code="70")
        )  # Phường Hoàn Kiếm, Hà Nội: not in the province
    assert set(exc.value.field_errors) == {"applicant.commune_code", "applicant.agency"}
    with pytest.raises(ValidationFailed) as exc:
        api.online_draft_save_applicant(
            draft_id=draft.pk, owner=user, data=dict(person, commune_code="3334")
        )
    assert exc.value.field_errors == {
        "applicant.agency": ["Choose the agency that handles your dossier."]
    }
    draft.refresh_from_db()
    assert draft.applicant == {"kind": "person"}  # nothing saved: the prefill only
    assert api.commune_agency_code(draft.procedure_version, "3334") == "H11.03334"
    api.online_draft_save_applicant(
        draft_id=draft.pk, owner=user, data=dict(person, commune_code="3334", agency="H11.03334")
    )
    api.online_draft_file_add(
        draft_id=draft.pk,
        owner=user,
        file=UploadedFile(name="to-khai.pdf", content=PDF),
        checklist_position=1,
    )
    api.online_draft_save_delivery(draft_id=draft.pk, owner=user, delivery="desk")
    with clock.at(at(2026, 3, 2, 10)):
        dossier = api.online_draft_submit(draft_id=draft.pk, owner=user)
    assert dossier.deciding_agency == second
    assert dossier.commune_code == 3334
