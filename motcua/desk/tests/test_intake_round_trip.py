"""Desk intake (issue 17, item 11): every problem shows at once beside its field — the
form's own parsing and the service's rules in one pass — and scans chosen once stay attached
across the round trips (held server-side under a random form token, only for the officer who
chose them), until the dossier is received or the holding expires."""

# ruff: noqa: F811 - media_on_disk is a fixture imported from the dossier tests
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.desk import holding
from motcua.dossiers.tests.conftest import media_on_disk  # noqa: F401

from .conftest import PDF_BYTES, at, at_time

URL = "/desk/tiep-nhan/?thu-tuc=2.000004"
BIRTH_URL = "/desk/tiep-nhan/?thu-tuc=1.001193"
MONDAY = at(2026, 3, 2, 9, 0)


def _person(**extra):
    data = {
        "kind": "person",
        "full_name": "Lò Văn Minh",
        "id_number": "011095001234",
        "date_of_birth": "17/05/1995",
        "phone": "0912345678",
        "email": "minh@example.vn",
        "address": "Bản Phăng, xã Mường Phăng",
        "commune": "3325",
        "channel": "desk",
        "doc_1_received": "on",
        "doc_1_originals": "1",
        "doc_1_copies": "0",
        "decision": "accept",
    }
    data.update(extra)
    return data


def _pdf(name="don.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _held_on_disk(media: Path) -> list[str]:
    root = media / holding.PREFIX
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "no form token"
    return match.group(1)


def _summary(html: str) -> list[tuple[str, str]]:
    block = html.split('class="error-summary-list"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block)


def test_every_problem_shows_at_once_beside_its_field(orm, as_user):
    data = _person(
        date_of_birth="31/02/1995",  # the form's parsing
        id_number="12345",  # the service's rules, all in the same pass
        phone="12",
        email="khong-phai-email",
        doc_1_copies="150",
    )
    with at_time(MONDAY):
        response = as_user("desk").post(BIRTH_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert orm.Dossier.objects.count() == 0
    assert _summary(html) == [
        ("id_id_number", "Số định danh cá nhân: Số định danh cá nhân gồm đúng 12 chữ số."),
        (
            "id_date_of_birth",
            "Ngày sinh: Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 17/05/1995.",
        ),
        ("id_phone", "Số điện thoại: Hãy nhập số điện thoại Việt Nam, ví dụ 0912345678."),
        ("id_email", "Thư điện tử: Hãy nhập địa chỉ thư điện tử hợp lệ."),
        ("id_doc_1_copies", "“Tờ khai đăng ký khai sinh”: số bản sao là số nguyên từ 0 đến 99."),
    ]
    for field in ("id_number", "date_of_birth", "phone", "email", "doc_1_copies"):
        assert f'id="id_{field}-error"' in html, field
        widget = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in widget and f"id_{field}-error" in widget, field
    assert 'value="150"' in html and 'value="khong-phai-email"' in html  # kept


def test_a_scan_stays_attached_across_the_round_trip_then_goes_with_the_dossier(
    orm, as_user, users, media_on_disk, django_capture_on_commit_callbacks
):
    client = as_user("desk")
    with at_time(MONDAY):
        first = client.post(BIRTH_URL, {**_person(id_number="12345"), "uploads": [_pdf()]})
    assert first.status_code == 400
    html = first.content.decode()
    token = _token(html)
    held = html.split('id="held-files"', 1)[1].split("</div>", 1)[0]
    assert '<span class="held-name">don.pdf</span>' in held
    assert f"{users['desk'].pk}/{token}/" in _held_on_disk(media_on_disk)[0]
    assert orm.Dossier.objects.count() == 0 and orm.DossierDocument.objects.count() == 0
    with at_time(MONDAY), django_capture_on_commit_callbacks(execute=True):
        second = client.post(BIRTH_URL, {**_person(), "form_token": token})
    assert second.status_code == 302
    d = orm.Dossier.objects.get()
    assert second["Location"] == f"/desk/ho-so/{d.code}/giay-tiep-nhan/"
    assert [doc.name for doc in d.documents.filter(kind="attachment")] == ["don.pdf"]
    assert _held_on_disk(media_on_disk) == []  # released once received


def test_a_held_scan_ticked_for_removal_is_left_out(orm, as_user, media_on_disk):
    client = as_user("desk")
    with at_time(MONDAY):
        first = client.post(
            BIRTH_URL,
            {**_person(phone="1"), "uploads": [_pdf("a.pdf"), _pdf("b.pdf", PDF_BYTES + b"b")]},
        )
    html = first.content.decode()
    token = _token(html)
    ids = {
        name: file_id
        for file_id, name in re.findall(
            r'name="remove_held" value="([0-9a-f]{32})" id="remove-held-[0-9a-f]{32}"><label '
            r'for="remove-held-[0-9a-f]{32}">Bỏ tệp “([^”]+)”',
            html,
        )
    }
    assert sorted(ids) == ["a.pdf", "b.pdf"]
    with at_time(MONDAY):
        response = client.post(
            BIRTH_URL, {**_person(), "form_token": token, "remove_held": [ids["a.pdf"]]}
        )
    assert response.status_code == 302
    assert [doc.name for doc in orm.Dossier.objects.get().documents.all()] == ["b.pdf"]


def test_nobody_can_claim_another_officers_held_scan(orm, as_user, users, agencies, media_on_disk):
    other = users["nobody"]
    role_grant(user=other, role=Role.DESK_OFFICER, agency=agencies["center"])
    with at_time(MONDAY):
        first = as_user("desk").post(BIRTH_URL, {**_person(phone="1"), "uploads": [_pdf()]})
    token = _token(first.content.decode())
    before = _held_on_disk(media_on_disk)
    with at_time(MONDAY):
        response = as_user("nobody").post(BIRTH_URL, {**_person(), "form_token": token})
    assert response.status_code == 302
    assert list(orm.Dossier.objects.get().documents.all()) == []  # not the other officer's file
    assert _held_on_disk(media_on_disk) == before  # still held for its owner


def test_a_scan_that_is_refused_is_not_held_and_says_why_beside_the_files(
    orm, as_user, media_on_disk
):
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf")
    with at_time(MONDAY):
        response = as_user("desk").post(BIRTH_URL, {**_person(), "uploads": [bad]})
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split('id="id_uploads-error"', 1)[1].split("</p>", 1)[0]
    assert "virus.exe" in error
    assert 'id="held-files"' not in html
    assert _held_on_disk(media_on_disk) == []
    assert orm.Dossier.objects.count() == 0


def test_a_forged_token_cannot_reach_outside_the_officers_folder(as_user, users, media_on_disk):
    with at_time(MONDAY):
        response = as_user("desk").post(
            BIRTH_URL, {**_person(phone="1"), "form_token": "../../../etc", "uploads": [_pdf()]}
        )
    assert response.status_code == 400
    token = _token(response.content.decode())
    assert token != "../../../etc" and holding.valid_token(token) == token
    paths = _held_on_disk(media_on_disk)
    assert len(paths) == 2  # the content and its note
    for path in paths:
        assert ".." not in path and path.startswith(f"{users['desk'].pk}/{token}/")


def test_holdings_older_than_a_day_are_swept_on_next_use(as_user, media_on_disk):
    with at_time(MONDAY):
        as_user("desk").post(BIRTH_URL, {**_person(phone="1"), "uploads": [_pdf()]})
    assert len(_held_on_disk(media_on_disk)) == 2  # the content and its note
    with at_time(MONDAY + dt.timedelta(hours=23)):
        assert holding.sweep_expired(force=True) == 0
    assert len(_held_on_disk(media_on_disk)) == 2
    with at_time(MONDAY + dt.timedelta(hours=25)):
        assert holding.sweep_expired(force=True) == 2
    assert _held_on_disk(media_on_disk) == []


@pytest.mark.parametrize("field", ["originals", "copies"])
def test_a_count_error_names_its_document_and_sits_in_its_cell(as_user, field):
    with at_time(MONDAY):
        response = as_user("desk").post(BIRTH_URL, _person(**{f"doc_1_{field}": "-2"}))
    assert response.status_code == 400
    html = response.content.decode()
    words = {"originals": "số bản chính", "copies": "số bản sao"}[field]
    message = f"“Tờ khai đăng ký khai sinh”: {words} là số nguyên từ 0 đến 99."
    cell = html.split(f'id="id_doc_1_{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in cell
    assert (f"id_doc_1_{field}", message) in _summary(html)


def test_a_radio_left_empty_says_choose(orm, as_user):
    data = _person()
    del data["kind"], data["channel"]
    with at_time(MONDAY):
        response = as_user("desk").post(BIRTH_URL, data)
    assert response.status_code == 400
    summary = dict(_summary(response.content.decode()))
    assert summary["id_kind_0"] == ("Người nộp là: Vui lòng chọn người nộp là cá nhân hay tổ chức.")
    assert summary["id_channel_0"].endswith(": Vui lòng chọn hình thức nộp hồ sơ.")
    assert "Vui lòng nhập" not in response.content.decode()
    assert orm.Dossier.objects.count() == 0
