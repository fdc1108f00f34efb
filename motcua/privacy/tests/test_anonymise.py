"""The anonymisation job (ADR 0036): closed dossiers past their retention period lose their
personal data in audited batches; it is idempotent; events, statuses, dates and the reports'
figures stay exactly as they were."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import default_storage

from conftest import pdf_bytes
from motcua.catalog.api import procedure_retention_set
from motcua.core.models import AuditEntry
from motcua.dossiers.data import UploadedFile
from motcua.privacy.api import anonymise_due
from motcua.privacy.models import AnonymisationRun, AnonymisedDossier
from motcua.reports.api import facts_rebuild, resolution_report

from .conftest import PDF, PERSON, act, at

RESULT = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))
FAR = at(2037, 1, 1, 3, 0)  # more than 10 years after every dossier below


@pytest.fixture
def history(world: dict[str, Any], receive, media_on_disk) -> dict[str, Any]:
    """Returned (person, with an attachment and a result), refused (person), withdrawn
    (organisation), and one still in progress."""
    u = world["users"]
    returned = receive(at(2026, 3, 2, 9, 0), applicant=PERSON, files=[PDF])
    act(returned, u["desk"], "forward", at(2026, 3, 2, 9, 30), to_user=u["cv"].pk)
    act(returned, u["cv"], "forward", at(2026, 3, 2, 10, 0), to_user=u["ld"].pk)
    act(returned, u["ld"], "approve", at(2026, 3, 2, 10, 30), result=RESULT)
    act(
        returned,
        u["desk"],
        "return_result",
        at(2026, 3, 2, 11, 0),
        method="desk",
        receiver_name="Lò Văn Minh",
        receiver_id_number="011095001234",
    )
    refused = receive(at(2026, 3, 2, 9, 10), applicant=PERSON, decision="refuse", note="Sai")
    withdrawn = receive(at(2026, 3, 2, 9, 20))
    act(withdrawn, u["desk"], "withdraw", at(2026, 3, 2, 9, 40), reason="Xin rút")
    open_ = receive(at(2026, 3, 2, 9, 30), applicant=PERSON, files=[PDF])
    return {"returned": returned, "refused": refused, "withdrawn": withdrawn, "open": open_}


def _events(orm: Any) -> list[tuple[Any, ...]]:
    return list(orm.DossierEvent.objects.order_by("id").values_list())


def _report() -> str:
    report = resolution_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    return repr((report.total, report.rows))


def _statuses(orm: Any) -> list[tuple[Any, ...]]:
    return list(
        orm.Dossier.objects.order_by("id").values_list(
            "status",
            "received_at",
            "appointment_at",
            "finished_at",
            "returned_at",
            "outcome",
            "commune_code",
            "receiving_agency_id",
            "deciding_agency_id",
            "procedure_code",
            "updated_at",
        )
    )


def test_closed_dossiers_past_their_period_are_anonymised_in_audited_batches(
    orm, history, django_capture_on_commit_callbacks
):
    returned, refused, withdrawn, open_ = (
        history[k] for k in ("returned", "refused", "withdrawn", "open")
    )
    attachment = returned.documents.get(kind="attachment")
    result = returned.documents.get(kind="result")
    attachment_name, result_name = attachment.file.name, result.file.name
    assert default_storage.exists(attachment_name)
    events, report, statuses = _events(orm), _report(), _statuses(orm)

    with django_capture_on_commit_callbacks(execute=True):  # the files go after commit
        done = anonymise_due(now=FAR, batch_size=2)

    assert (done.runs, done.dossiers) == (2, 3)
    returned.refresh_from_db()
    assert returned.applicant_name == "(đã ẩn danh)"
    assert (returned.id_number, returned.phone, returned.email, returned.address) == (
        "",
        "",
        "",
        "",
    )
    assert returned.date_of_birth is None and returned.returned_to == ""
    assert returned.commune_code == PERSON.commune_code  # statistics by commune stay
    refused.refresh_from_db()
    assert refused.applicant_name == "(đã ẩn danh)" and refused.id_number == ""
    withdrawn.refresh_from_db()  # an organisation keeps its name, tax code and address
    assert withdrawn.applicant_name == "Công ty TNHH Thương mại Mường Thanh"
    assert withdrawn.tax_code == "0100109106" and withdrawn.representative == ""
    assert withdrawn.phone == ""
    open_.refresh_from_db()
    assert open_.id_number == "011095001234"  # not closed: untouched
    # Files: the applicant's deleted from storage (the row stays), the signed result kept.
    attachment.refresh_from_db()
    assert not attachment.file and not default_storage.exists(attachment_name)
    assert default_storage.exists(result_name)
    # Events, statuses, dates and the report are exactly as before, rebuilt or not.
    assert _events(orm) == events
    assert _statuses(orm) == statuses
    assert _report() == report
    facts_rebuild()
    assert _report() == report
    # One marker per dossier, one run and one audit entry per batch.
    assert set(AnonymisedDossier.objects.values_list("dossier_id", flat=True)) == {
        returned.pk,
        refused.pk,
        withdrawn.pk,
    }
    audits = list(AuditEntry.objects.filter(action="privacy.anonymised").order_by("id"))
    assert [len(a.data["dossier_ids"]) for a in audits] == [2, 1]
    assert sum(a.data["files_deleted"] for a in audits) >= 1
    assert AnonymisationRun.objects.count() == 2


def test_idempotent(orm, history):
    anonymise_due(now=FAR)
    statuses = _statuses(orm)
    again = anonymise_due(now=FAR)
    assert (again.runs, again.dossiers, again.files) == (0, 0, 0)
    assert _statuses(orm) == statuses
    assert AuditEntry.objects.filter(action="privacy.anonymised").count() == 1


def test_nothing_before_the_period_ends(history, settings):
    settings.MOTCUA_DOSSIER_RETENTION_YEARS = 20
    assert anonymise_due(now=FAR).dossiers == 0
    assert not AnonymisedDossier.objects.exists()


def test_a_procedure_with_its_own_period(history, settings):
    settings.MOTCUA_DOSSIER_RETENTION_YEARS = 50
    procedure_retention_set(code="2.000004", years=5, actor=None)
    assert anonymise_due(now=at(2031, 3, 1)).dossiers == 0  # 5 years not over yet
    assert anonymise_due(now=at(2032, 6, 1)).dossiers == 3
    assert AuditEntry.objects.filter(action="procedure.retention_set").count() == 1


def test_the_task_is_registered_and_scheduled():
    from celery import current_app  # config's app (motcua never imports config)

    from motcua.core.jobs import tasks_load

    tasks_load()
    assert "privacy.anonymise_due" in current_app.tasks
    schedule = current_app.conf.beat_schedule["privacy.anonymise_due"]
    assert schedule["task"] == "privacy.anonymise_due"


def test_only_closed_dossiers_can_be_anonymised(orm, history):
    from motcua.core.errors import ApplicationError
    from motcua.dossiers.api import dossier_anonymise

    with pytest.raises(ApplicationError) as err:
        dossier_anonymise(dossier_id=history["open"].pk)
    assert err.value.code == "not_closed"
    assert orm.DossierDocument.objects.filter(dossier=history["open"]).exclude(file="").count() == 1
