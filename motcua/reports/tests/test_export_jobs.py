"""Report exports as background jobs (reports/export_jobs.py): the rule that sends an export to
a job, the lifecycle queued → running → done with the stored file and its progress, the
failure path with its Vietnamese message, idempotence, who may reach a job, and the periodic
cleaning of old jobs and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.core import clock
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.models import AuditEntry
from motcua.reports import export_jobs
from motcua.reports.api import (
    access_export_job,
    export_is_large,
    export_job_create,
    export_job_file,
    export_jobs_for,
    resolution_report,
)
from motcua.reports.exports import FORM_FIGURES
from motcua.reports.models import ExportJob
from motcua.reports.tasks import exports_clean_task
from motcua.reports.tests.test_api import history  # noqa: F401 - the fixture
from motcua.reports.tests.test_export_pdf import numbers_of, pdf_text, vi

WEEK = (dt.date(2026, 3, 2), dt.date(2026, 3, 6))


@pytest.fixture(autouse=True)
def fresh_storage(monkeypatch):
    """An empty in-memory `exports` storage for each test (the handler caches instances)."""
    from django.core.files.storage import storages

    monkeypatch.delitem(storages._storages, export_jobs.STORAGE_ALIAS, raising=False)
    yield
    storages._storages.pop(export_jobs.STORAGE_ALIAS, None)


def _create(world: dict[str, Any], fmt: str = "pdf", user: str = "ld", **kw: Any) -> ExportJob:
    return export_job_create(
        user=world["users"][user],
        fmt=fmt,
        date_from=WEEK[0],
        date_to=WEEK[1],
        agency_ids=[world["agencies"]["trade"].pk],
        group_by=kw.pop("group_by", "procedure"),
        unit_name="Sở Công Thương",
        place="Điện Biên",
        **kw,
    )


def test_the_rule_for_background_exports(settings):
    settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS = 60
    assert not export_is_large(fmt="pdf", rows=60)
    assert export_is_large(fmt="pdf", rows=61)
    assert not export_is_large(fmt="xlsx", rows=60 * export_jobs.XLSX_ROWS_FACTOR)
    assert export_is_large(fmt="xlsx", rows=60 * export_jobs.XLSX_ROWS_FACTOR + 1)
    settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS = 0
    assert not export_is_large(fmt="pdf", rows=0)
    assert export_is_large(fmt="pdf", rows=1)


@pytest.mark.usefixtures("history")
def test_a_job_goes_queued_running_done_with_its_file(
    world, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    seen: list[tuple[str, int, int]] = []
    real = export_jobs.render_html_pdf

    def watching(*, html: str) -> bytes:
        job = ExportJob.objects.get()
        seen.append((job.status, job.progress, job.total))
        return real(html=html)

    monkeypatch.setattr(export_jobs, "render_html_pdf", watching)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _create(world)
    job.refresh_from_db()
    assert (job.status, job.progress, job.total, job.file_path) == ("queued", 0, 0, "")
    assert job.params["agency_ids"] == [world["agencies"]["trade"].pk]
    audit = AuditEntry.objects.get(action="report.export_requested")
    assert audit.object_id == str(job.pk) and audit.actor_id == world["users"]["ld"].pk
    assert len(callbacks) == 1 and seen == []

    callbacks[0]()  # the job sent after commit (eager here)

    report = resolution_report(
        date_from=WEEK[0],
        date_to=WEEK[1],
        agency_ids=[world["agencies"]["trade"].pk],
        group_by="procedure",
    )
    rows = len(report.rows)
    assert rows >= 1
    # While rendering: running, the report and its rows done, the rendering and storing not.
    assert seen == [("running", rows + 1, rows + 3)]
    job.refresh_from_db()
    assert job.status == "done" and job.error == ""
    assert (job.progress, job.total) == (rows + 3, rows + 3)
    assert job.finished_at is not None
    assert job.file_name == "bieu-06-20260302-20260306.pdf"
    assert job.file_path.startswith("reports/") and job.file_path.endswith(".pdf")
    with export_job_file(job=job) as handle:
        content = handle.read()
    text = pdf_text(content, tmp_path)[0]
    total = next(line for line in text.splitlines() if "Tổng cộng" in line)
    assert numbers_of(total) == [vi(getattr(report.total, n)) for n in FORM_FIGURES]
    assert "Đơn vị báo cáo: Sở Công Thương" in " ".join(text.split())

    # Sent again (a worker's redelivery): nothing changes.
    before = (job.file_path, job.finished_at)
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.file_path, job.finished_at) == before and len(seen) == 1


@pytest.mark.usefixtures("history")
def test_an_excel_job_stores_the_workbook(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _create(world, fmt="xlsx", group_by="agency")
    job.refresh_from_db()
    assert job.status == "done" and job.file_name.endswith(".xlsx")
    with export_job_file(job=job) as handle:
        book = load_workbook(handle)
    assert book.worksheets[0]["A1"].value == "Biểu số 06/VPCP/KSTT"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RuntimeError("boom"), "Không tạo được tệp do lỗi của hệ thống. Vui lòng thử lại sau."),
        (OSError("disk full"), "Không lưu được tệp. Vui lòng xuất lại sau."),
    ],
)
@pytest.mark.usefixtures("history")
def test_a_failing_job_is_marked_failed_with_a_vietnamese_message(
    world, monkeypatch, django_capture_on_commit_callbacks, error, message
):
    def failing(*, html: str) -> bytes:
        raise error

    monkeypatch.setattr(export_jobs, "render_html_pdf", failing)
    with django_capture_on_commit_callbacks(execute=True):
        job = _create(world)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == message
    assert job.file_path == "" and job.finished_at is not None
    assert 0 < job.progress < job.total  # it stopped where it failed
    assert export_jobs.export_storage().listdir("") == ([], [])
    with pytest.raises(NotFound):
        export_job_file(job=job)
    # A failed job is not run again by a redelivery.
    monkeypatch.setattr(export_jobs, "render_html_pdf", lambda *, html: b"%PDF-")
    export_jobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"


def test_a_storage_failure_after_rendering_leaves_no_file(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    storage = export_jobs.export_storage()

    def full(name: str, content: Any) -> str:
        raise OSError("no space left")

    monkeypatch.setattr(storage, "save", full)
    with django_capture_on_commit_callbacks(execute=True):
        job = _create(world, fmt="xlsx")
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "Không lưu được tệp. Vui lòng xuất lại sau.")


@pytest.mark.usefixtures("history")
def test_only_the_requester_reaches_a_job_while_they_see_its_agencies(
    world, django_capture_on_commit_callbacks
):
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role
    from motcua.accounts.models import RoleAssignment

    with django_capture_on_commit_callbacks(execute=True):
        job = _create(world, user="cv")
    users = world["users"]
    assert access_export_job(user=users["cv"], job_id=job.pk) == job
    assert export_jobs_for(user=users["cv"]) == [job]
    assert export_jobs_for(user=users["ld"]) == []
    for other in ("ld", "ld_build"):  # the same agency's leader too: not their job
        with pytest.raises(NotFound):
            access_export_job(user=users[other], job_id=job.pk)
    with pytest.raises(NotFound):
        access_export_job(user=users["cv"], job_id=job.pk + 1000)
    # Moved to another department: the job stays listed, its file is refused.
    RoleAssignment.objects.filter(user=users["cv"]).delete()
    role_grant(user=users["cv"], role=Role.SPECIALIST, agency=world["agencies"]["build"])
    with pytest.raises(PermissionDenied):
        access_export_job(user=users["cv"], job_id=job.pk)


@pytest.mark.usefixtures("history")
def test_old_jobs_and_their_files_are_cleaned(world, settings, django_capture_on_commit_callbacks):
    settings.MOTCUA_REPORT_EXPORT_KEEP_DAYS = 7
    storage = export_jobs.export_storage()
    start = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)
    made = {}
    for age in (10, 8, 6, 0):
        with (
            clock.at(start - dt.timedelta(days=age)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            made[age] = _create(world, fmt="xlsx")
    stuck = ExportJob.objects.create(  # queued long ago, its worker lost: cleaned too
        kind="resolution",
        params={},
        requested_by=world["users"]["ld"],
        created_at=start - dt.timedelta(days=30),
    )
    for job in made.values():
        job.refresh_from_db()
        assert job.status == "done" and storage.exists(job.file_path)
    with clock.at(start):
        result = exports_clean_task.apply().get()
    assert result == {"jobs": 3, "files": 2}
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {made[6].pk, made[0].pk}
    assert not storage.exists(made[10].file_path) and not storage.exists(made[8].file_path)
    assert storage.exists(made[6].file_path) and storage.exists(made[0].file_path)
    assert not ExportJob.objects.filter(pk=stuck.pk).exists()
    # Nothing left to clean: a second run deletes nothing.
    with clock.at(start):
        assert exports_clean_task.apply().get() == {"jobs": 0, "files": 0}


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_job_runs(
    catalog, agencies, django_user_model, monkeypatch
):
    """As on a worker: the job's writes are committed one by one, so the exports page (another
    connection) sees it running and how far it got before it ends."""
    import threading

    from django.db import connection

    from motcua.dossiers.tests.conftest import build_world

    world = build_world(agencies, django_user_model)
    rendering, release = threading.Event(), threading.Event()
    real = export_jobs.render_html_pdf

    def slow(*, html: str) -> bytes:
        rendering.set()
        assert release.wait(120)
        return real(html=html)

    monkeypatch.setattr(export_jobs, "render_html_pdf", slow)
    monkeypatch.setattr(export_jobs, "enqueue_on_commit", lambda *a, **kw: None)
    job = _create(world)

    def worker() -> None:
        try:
            export_jobs.export_job_run(job_id=job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        reached = rendering.wait(120)
        seen = ExportJob.objects.get(pk=job.pk)
        assert reached, (seen.status, seen.error)
        assert (seen.status, seen.progress, seen.total) == ("running", 1, 3)  # no rows
    finally:
        release.set()
        thread.join(120)
    assert not thread.is_alive()
    seen.refresh_from_db()
    assert (seen.status, seen.progress, seen.total) == ("done", 3, 3)
