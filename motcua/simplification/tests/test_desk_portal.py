"""The desk pages (cost breakdown, build / edit / submit / approve / apply, export) and the
portal's public summary: who may open them, what they show, and that the Excel export adds up
to the page."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from motcua.simplification.api import plan_approve, plan_create, plan_submit
from motcua.simplification.data import ItemInput

from .conftest import CODES


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _form(name, rows):
    data = {
        "name": name,
        "items-TOTAL_FORMS": str(max(len(rows), 3)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{i}-{key}"] = value
    return data


def test_cost_page(procedures, people):
    r = _client(people["editor"]).get("/desk/don-gian-hoa/chi-phi/", {"code": CODES[0]})
    assert r.status_code == 200
    text = r.content.decode()
    assert "3.200.000" in text and "32.000.000" in text
    assert "10 ngày làm việc × 8 giờ = 80 giờ × 40.000 đ/giờ = 3.200.000 đ" in text
    r = _client(people["editor"]).get("/desk/don-gian-hoa/chi-phi/", {"code": "9.9"})
    assert r.status_code == 404


def test_pages_deny_by_default(procedures, people):
    for who in ("officer", "nobody"):
        for url in (
            "/desk/don-gian-hoa/",
            "/desk/don-gian-hoa/moi/",
            "/desk/don-gian-hoa/chi-phi/",
        ):
            assert _client(people[who]).get(url).status_code == 403, (who, url)
    assert _client(None).get("/desk/don-gian-hoa/").status_code == 302
    # The province admin sees the plans but may not build one.
    assert _client(people["admin2"]).get("/desk/don-gian-hoa/").status_code == 200


def test_build_submit_approve_export(procedures, people):
    editor = _client(people["editor"])
    r = editor.post(
        "/desk/don-gian-hoa/moi/",
        _form(
            "Phương án 2026",
            [
                {"procedure": CODES[0], "change": "shorten_time", "processing_working_days": "9"},
                {"procedure": CODES[1], "change": "drop_documents", "documents": "2"},
            ],
        ),
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    url = r["Location"]
    page = editor.get(url).content.decode()
    assert "28.800.000" in page and "10,00 %" in page
    assert editor.post(url + "thao-tac/submit/").status_code == 302
    admin = _client(people["admin"])
    assert admin.post(url + "thao-tac/approve/", {"decision": "QĐ 1/QĐ-UBND"}).status_code == 302
    page = admin.get(url).content.decode()
    assert "Đã phê duyệt" in page
    wb = load_workbook(io.BytesIO(admin.get(url + "phuong-an.xlsx").content))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    total = next(r for r in rows if r[2] == "Tổng cộng" or r[2] == "Total")
    assert total[5:8] == (64_000_000, 28_800_000 + 32_000_000, 3_200_000)
    assert any(
        isinstance(r[0], str) and r[0].startswith("Chi phí tuân thủ trước: 64.000.000 đồng/năm")
        for r in rows
    )


def test_form_errors_name_the_row(procedures, people):
    r = _client(people["editor"]).post(
        "/desk/don-gian-hoa/moi/",
        _form(
            "P",
            [{"procedure": CODES[0], "change": "shorten_time", "processing_working_days": "12"}],
        ),
    )
    assert r.status_code == 400
    assert "phải ngắn hơn thời hạn hiện hành" in r.content.decode()


def test_public_summary_shows_only_approved(procedures, people):
    draft = plan_create(
        name="Bản nháp bí mật",
        items=[ItemInput(procedure=CODES[0], change="abolish")],
        actor=people["editor"],
    )
    approved = plan_create(
        name="Phương án đã duyệt",
        items=[ItemInput(procedure=CODES[1], change="abolish")],
        actor=people["editor"],
    )
    plan_submit(plan=approved, actor=people["editor"])
    plan_approve(plan=approved, actor=people["admin"])
    r = Client().get("/don-gian-hoa/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Phương án đã duyệt" in text and draft.name not in text
    assert "100,00 %" in text
    assert "<script" not in text.split("<main", 1)[1] and " style=" not in text


def test_editor_changes_the_cost_inputs(procedures, people, orm):
    url = f"/desk/don-gian-hoa/chi-phi/?code={CODES[0]}"
    editor = _client(people["editor"])
    page = editor.get(url).content.decode()
    assert 'name="doc_1"' in page and 'name="doc_2"' in page
    data = {
        "visits": "2",
        "hours_per_visit": "1",
        "travel_hours_per_visit": "0.5",
        "out_of_pocket_vnd": "10000",
        "default_document_hours": "0",
        "doc_2": "3",
        "dossiers_per_year": "10",
        "note": "Khảo sát tại Bộ phận Một cửa",
    }
    r = editor.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    inputs = orm.CostInputs.objects.get(procedure_code=CODES[0])
    assert (inputs.visits, inputs.estimated, inputs.document_hours) == (2, False, {"2": "3"})
    page = editor.get(url).content.decode()
    # 3 h document + 2 h visits + 1 h travel + 80 h = 86 h × 40.000 + 10.000
    assert f"{86 * 40_000 + 10_000:,}".replace(",", ".") + " đ" in page
    assert orm.AuditEntry.objects.filter(action="simplification.cost_inputs_saved").exists()
    bad = editor.post(url, {**data, "hours_per_visit": "-1"})
    assert bad.status_code == 400
    assert "id_hours_per_visit-error" in bad.content.decode()
    assert _client(people["officer"]).post(url, data).status_code == 403
