"""Upload limits over the REST API (docs/adr/0037): 400 naming the file over the limit, in the
API's field names (`files.<i>` for an intake, `file` for a supplement), nothing stored."""

from __future__ import annotations

from motcua.rest.tests.conftest import PDF_B64, act, at, intake_body

BASE = "/api/v1/dossiers"


def test_intake_with_more_files_than_a_dossier_holds(orm, world, api, settings):
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 2
    files = [{"name": f"scan {i}.pdf", "content_base64": PDF_B64} for i in range(3)]
    response = api("desk").post(BASE, intake_body(files=files))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["files.2"]
    assert errors["files.2"][0].startswith(
        "A dossier holds at most 2 files: it has 0 and 3 more were sent."
    )
    assert orm.Dossier.objects.count() == 0
    vi = api("desk", language="vi").post(BASE, intake_body(files=files))
    assert vi.json()["errors"]["files.2"][0].startswith("Mỗi hồ sơ có tối đa 2 tệp")
    ok = api("desk").post(BASE, intake_body(files=files[:2]))
    assert ok.status_code == 201, ok.content


def test_supplement_over_the_limit_names_the_file_field(orm, world, api, receive, settings):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "request_supplement", at(2026, 3, 3, 10, 0), items=["A"], reason="B")
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 0
    r = api("desk").act(
        d.code,
        "receive_supplement",
        at(2026, 3, 16, 10, 0),
        file={"name": "mau.pdf", "content_base64": PDF_B64},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "too_many_files"
    assert list(r.json()["errors"]) == ["file"]
    assert orm.DossierDocument.objects.filter(dossier=d, kind="supplement").count() == 0
    d.refresh_from_db()
    assert d.status == "supplement_requested"
