"""Exports of the official report from the desk: the report page's Excel and PDF buttons (the
file at once when small, a background job when large), the person's exports page
(/desk/bao-cao/tai-ve/: progress bar, reloading itself only while a job runs, the download
link when done) and the download (their own jobs only, while they may still see the
agencies) — on the reports API tests' history (Sở Công Thương, 2–6 March 2026)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import storages

from motcua.reports.tests.test_api import history  # noqa: F401 - the fixture

# The desk reaches reports only through its api.py; the tests read and set the job's row
# (a worker's half-way state) through the app registry.
ExportJob = apps.get_model("reports", "ExportJob")
STORAGE_ALIAS = "exports"

EXPORT, LIST, REPORT = "/desk/bao-cao/xuat/", "/desk/bao-cao/tai-ve/", "/desk/bao-cao/"
WEEK = {"from": "02/03/2026", "to": "06/03/2026"}
REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture(autouse=True)
def fresh_storage(monkeypatch):
    monkeypatch.delitem(storages._storages, STORAGE_ALIAS, raising=False)
    yield
    storages._storages.pop(STORAGE_ALIAS, None)


def _as(client: Any, world: dict[str, Any], name: str) -> Any:
    client.force_login(world["users"][name])
    return client


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF-"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
@pytest.mark.usefixtures("history")
def test_a_small_export_is_the_response_itself(client, world, fmt, content_type, magic):
    c = _as(client, world, "ld")
    response = c.post(EXPORT, {**WEEK, "group_by": "agency", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="bieu-06-20260302-20260306.{fmt}"'
    )
    assert response.content.startswith(magic)
    assert ExportJob.objects.count() == 0


@pytest.mark.usefixtures("history")
def test_a_large_export_becomes_a_job_and_its_file_is_downloaded(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS = 0  # every non-empty report is "large"
    c = _as(client, world, "ld")
    page = c.get(REPORT, {**WEEK, "group_by": "procedure"})
    assert page.context["export_background"] == {"xlsx": True, "pdf": True}
    html = page.content.decode()
    assert f'action="{EXPORT}"' in html and 'name="format" value="pdf"' in html
    assert f'href="{LIST}"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(EXPORT, {**WEEK, "group_by": "procedure", "format": "pdf"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?moi={job.pk}#export-{job.pk}"
    assert job.requested_by == world["users"]["ld"] and job.status == "done"
    assert job.params["group_by"] == "procedure" and job.params["format"] == "pdf"
    assert job.params["agency_ids"] == [world["agencies"]["trade"].pk]

    listing = c.get(response["Location"])
    html = listing.content.decode()
    assert listing.status_code == 200
    assert REFRESH not in html and "<progress" not in html
    url = f"/desk/bao-cao/tai-ve/{job.pk}/"
    assert f'href="{url}"' in html and "bieu-06-20260302-20260306.pdf" in html
    assert 'class="export-new"' in html

    download = c.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="bieu-06-20260302-20260306.pdf"' in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.usefixtures("history")
def test_the_page_reloads_itself_only_while_a_job_runs(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS = 0
    c = _as(client, world, "ld")
    assert REFRESH not in c.get(LIST).content.decode()  # no job at all
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        c.post(EXPORT, {**WEEK, "group_by": "procedure", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == "queued"
    html = c.get(LIST).content.decode()
    assert f'{REFRESH} content="3">' in html
    assert re.search(rf'<progress id="export-progress-{job.pk}" max="1" value="0">', html)
    # Half-way (as a worker would leave it): the bar shows the steps done.
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=2, total=4)
    html = c.get(LIST).content.decode()
    assert f'{REFRESH} content="3">' in html
    assert f'<progress id="export-progress-{job.pk}" max="4" value="2">50%</progress>' in html
    assert f'href="/desk/bao-cao/tai-ve/{job.pk}/"' not in html
    assert c.get(f"/desk/bao-cao/tai-ve/{job.pk}/").status_code == 404  # no file yet
    ExportJob.objects.filter(pk=job.pk).update(status="queued", progress=0, total=0)
    for callback in callbacks:
        callback()
    html = c.get(LIST).content.decode()
    assert REFRESH not in html and "<progress" not in html
    assert f'href="/desk/bao-cao/tai-ve/{job.pk}/"' in html


@pytest.mark.usefixtures("history")
def test_a_failed_job_shows_its_message(client, world, settings):
    from django.utils import timezone

    c = _as(client, world, "ld")
    ExportJob.objects.create(
        kind="resolution",
        params={"format": "pdf", "agency_ids": [world["agencies"]["trade"].pk]},
        requested_by=world["users"]["ld"],
        status="failed",
        error="Không lưu được tệp. Vui lòng xuất lại sau.",
        created_at=timezone.now(),
    )
    html = c.get(LIST).content.decode()
    assert "Không lưu được tệp. Vui lòng xuất lại sau." in html
    assert REFRESH not in html


@pytest.mark.usefixtures("history")
def test_who_may_reach_a_job(client, world, settings, django_capture_on_commit_callbacks):
    from django.test import Client

    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role
    from motcua.accounts.models import RoleAssignment

    settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS = 0
    c = _as(client, world, "cv")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(EXPORT, {**WEEK, "group_by": "procedure", "format": "xlsx"})
    job = ExportJob.objects.get()
    url = f"/desk/bao-cao/tai-ve/{job.pk}/"
    assert c.get(url).status_code == 200

    # Another officer, even of the same department: 404, and not listed.
    other = Client()
    other.force_login(world["users"]["ld"])
    assert other.get(url).status_code == 404
    assert url not in other.get(LIST).content.decode()
    # Signed out: to the sign-in page, for the list, the file and the export alike.
    anonymous = Client()
    for response in (
        anonymous.get(LIST),
        anonymous.get(url),
        anonymous.post(EXPORT, {**WEEK, "format": "pdf"}),
    ):
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    # No reporting role: 403 everywhere.
    nobody = Client()
    nobody.force_login(world["users"]["cv"].__class__.objects.create_user(username="x0"))
    assert nobody.get(LIST).status_code == 403
    assert nobody.get(url).status_code == 403
    # Moved to another department: the file is refused.
    RoleAssignment.objects.filter(user=world["users"]["cv"]).delete()
    role_grant(user=world["users"]["cv"], role=Role.SPECIALIST, agency=world["agencies"]["build"])
    assert c.get(url).status_code == 403
    assert ExportJob.objects.count() == 1


@pytest.mark.usefixtures("history")
def test_bad_requests_to_the_export(client, world):
    c = _as(client, world, "ld")
    response = c.post(EXPORT, {**WEEK, "format": "docx"})
    assert response.status_code == 302 and response["Location"].startswith(REPORT)
    response = c.post(EXPORT, {"from": "31/02/2026", "format": "pdf"})
    assert response.status_code == 302 and response["Location"].startswith(REPORT)
    assert c.get(EXPORT).status_code == 405
    assert ExportJob.objects.count() == 0
