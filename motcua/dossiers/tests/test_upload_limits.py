"""Upload limits (issue 13 item 10, docs/adr/0037): files per dossier (drafts, desk intake,
completion and supplement answers), the applicant's quota (unsubmitted drafts + the last 24
hours), one query for both, errors naming the limit and what is used, nothing stored when
refused; and the file names made safe (Windows device names, bidirectional overrides, NUL,
separators, long names in bytes)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import time_machine
from django.template.defaultfilters import filesizeformat

from motcua.core import clock
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ALL_DOCS, ORG, act, at, online_world
from motcua.dossiers.tests.test_online import FORM_FIELDS, PDF, _ready_draft
from motcua.dossiers.validators import STORED_NAME_BYTES, sanitize_filename, stored_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(world: dict[str, Any], media_on_disk: Any) -> dict[str, Any]:
    return online_world(world, form_fields=FORM_FIELDS)


def _add(world: dict[str, Any], draft: Any, name: str, position: int = 1, user: Any = None) -> Any:
    from motcua.dossiers import api

    return api.online_draft_file_add(
        draft_id=draft.pk,
        owner=user or world["citizen"],
        file=UploadedFile(name=name, content=PDF),
        checklist_position=position,
    )


def _submitted(online: dict[str, Any]) -> Any:
    from motcua.dossiers import api

    draft = _ready_draft(online)  # two files
    with clock.at(at(2026, 3, 2, 10)):
        return api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])


def test_a_draft_holds_at_most_the_setting_files_and_keeps_them(online, settings):
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 3
    draft = _ready_draft(online)  # two files
    _add(online, draft, "ban sao.pdf")
    with pytest.raises(ValidationFailed) as refused:
        _add(online, draft, "mot tep nua.pdf", position=2)
    assert refused.value.code == "too_many_files"
    message = "A dossier holds at most 3 files: it has 3 and 1 more were sent."
    assert refused.value.field_errors["documents.2"][0].startswith(message)
    # Nothing lost, nothing added: the three files stay, on disk too.
    names = sorted(f.name for f in draft.files.all())
    assert names == ["ban sao.pdf", "tờ khai 1.pdf", "tờ khai 2.pdf"]
    stored = {f.file.name for f in draft.files.all()}
    assert all(draft.files.model().file.storage.exists(n) for n in stored)
    # Removing one makes room again.
    from motcua.dossiers import api

    api.online_draft_file_remove(
        draft_id=draft.pk, owner=online["citizen"], file_id=draft.files.first().pk
    )
    _add(online, draft, "mot tep nua.pdf", position=2)
    assert draft.files.count() == 3


def test_the_quota_counts_unsubmitted_drafts_and_the_last_24_hours(online, settings):
    from motcua.dossiers import api

    size = len(PDF)
    settings.MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER = 3 * size + size // 2
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC), tick=False):
        draft = _ready_draft(online)  # 2 files held
        _add(online, draft, "ba.pdf")  # 3: within the quota
        with pytest.raises(ValidationFailed) as refused:
            _add(online, draft, "bon.pdf")
        assert refused.value.code == "upload_quota"
        text = refused.value.field_errors["documents.1"][0]
        assert f"You may upload at most {filesizeformat(3 * size + size // 2)}" in text
        assert f"You have used {filesizeformat(3 * size)}" in text
        assert draft.files.count() == 3
        # Another citizen has their own quota.
        other = _ready_draft(online, user=online["other"])
        _add(online, other, "ba.pdf", user=online["other"])
        # Submitted, the files leave the draft but were uploaded today: they still count.
        with clock.at(at(2026, 3, 2, 10)):
            dossier = api.online_draft_submit(draft_id=draft.pk, owner=online["citizen"])
        assert dossier.documents.filter(uploaded_by=online["citizen"]).count() == 3
        with pytest.raises(ValidationFailed) as again:
            _ready_draft(online)  # a new draft's first file goes over
        assert again.value.code == "upload_quota"
    # A day later only the new draft's held files count.
    with time_machine.travel(dt.datetime(2026, 12, 8, 8, 1, tzinfo=dt.UTC), tick=False):
        fresh = api.online_draft_start(owner=online["citizen"], procedure_code="2.000004")
        _add(online, fresh, "moi.pdf")  # the open draft refused above, empty
        _add(online, fresh, "moi 2.pdf", position=2)
        _add(online, fresh, "moi 3.pdf", position=2)
        assert fresh.files.count() == 3
        with pytest.raises(ValidationFailed):
            _add(online, fresh, "moi 4.pdf")


def test_one_query_for_both_limits(online, django_assert_num_queries):
    from motcua.dossiers.services.uploads import upload_use

    draft = _ready_draft(online)
    with django_assert_num_queries(1):
        use = upload_use(user_id=online["citizen"].pk, draft_id=draft.pk)
    assert (use.files, use.bytes) == (2, 2 * len(PDF))
    with django_assert_num_queries(0):
        assert upload_use().files == 0


def test_completion_answer_counts_the_dossiers_files(online, settings):
    from motcua.dossiers import api

    dossier = _submitted(online)  # two attachments
    act(dossier, online["users"]["desk"], "request_completion", at(2026, 3, 2, 14), missing=["X"])
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 3
    two = [UploadedFile(name=f"bo sung {i}.pdf", content=PDF) for i in (1, 2)]
    # Someone else is refused for who they are, never told the dossier's file count.
    with pytest.raises(PermissionDenied):
        api.dossier_resubmit(dossier_id=dossier.pk, actor=online["other"], files=two)
    with pytest.raises(ValidationFailed) as refused:
        api.dossier_resubmit(dossier_id=dossier.pk, actor=online["citizen"], files=two)
    assert list(refused.value.field_errors) == ["documents[2]"]  # the first file over
    assert "it has 2 and 2 more were sent" in refused.value.field_errors["documents[2]"][0]
    dossier.refresh_from_db()
    assert dossier.status == "completion_requested"
    assert (
        dossier.documents.count()
        == 2 + dossier.documents.exclude(kind__in=("attachment", "supplement")).count()
    )
    with clock.at(at(2026, 3, 3, 9)):
        again = api.dossier_resubmit(dossier_id=dossier.pk, actor=online["citizen"], files=two[:1])
    assert again.status == "submitted"


def test_supplement_answer_quota_and_count(online, settings):
    from motcua.dossiers import api

    dossier = _submitted(online)
    users = online["users"]
    act(dossier, users["desk"], "accept", at(2026, 3, 2, 11))
    act(dossier, users["desk"], "forward", at(2026, 3, 2, 11, 30))
    act(dossier, users["cv"], "take", at(2026, 3, 2, 14))
    act(dossier, users["cv"], "request_supplement", at(2026, 3, 3, 9), items=["A"], reason="B")
    settings.MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER = 3 * len(PDF)  # two used by the submission
    two = [UploadedFile(name=f"hd {i}.pdf", content=PDF) for i in (1, 2)]
    with pytest.raises(ValidationFailed) as refused:
        api.dossier_supplement_upload(dossier_id=dossier.pk, actor=online["citizen"], files=two)
    assert refused.value.code == "upload_quota"
    assert list(refused.value.field_errors) == ["documents[2]"]
    settings.MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER = 100 * len(PDF)
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 3
    with pytest.raises(ValidationFailed) as too_many:
        api.dossier_supplement_upload(dossier_id=dossier.pk, actor=online["citizen"], files=two)
    assert too_many.value.code == "too_many_files"
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"
    with clock.at(at(2026, 3, 4, 9)):
        resumed = api.dossier_supplement_upload(
            dossier_id=dossier.pk, actor=online["citizen"], files=two[:1]
        )
    assert resumed.status == "processing"


def test_desk_intake_counts_files_but_officers_have_no_quota(online, receive, settings):
    from motcua.dossiers import api
    from motcua.dossiers.models import Dossier

    settings.MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER = 1  # applies to applicants only
    settings.MOTCUA_MAX_FILES_PER_DOSSIER = 3
    four = [UploadedFile(name=f"scan {i}.pdf", content=PDF) for i in range(1, 5)]
    check = api.dossier_intake_check(
        actor=online["users"]["desk"],
        procedure_code="2.000004",
        channel="desk",
        applicant=ORG,
        decision="accept",
        checklist=ALL_DOCS,
        files=four,
    )
    assert "documents[4]" in check
    with pytest.raises(ValidationFailed) as refused:
        receive(at(2026, 3, 2), files=four)
    assert "documents[4]" in refused.value.field_errors
    assert Dossier.objects.count() == 0
    dossier = receive(at(2026, 3, 2), files=four[:3])
    assert dossier.documents.filter(kind="attachment").count() == 3


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("CON.pdf", "_CON.pdf"),
        ("con.tar.pdf", "_con.tar.pdf"),
        ("LPT1 .pdf", "_LPT1.pdf"),
        ("COM¹.pdf", "_COM¹.pdf"),
        ("nul", "_nul.pdf"),
        ("console.pdf", "console.pdf"),  # only the exact device names
        ("hoa\u202efdp.exe", "hoafdp.exe.pdf"),  # the right-to-left override is dropped
        ("a\u2066b\u200bc.pdf", "abc.pdf"),  # isolates and zero-width characters too
        ("to\x00khai.pdf", "tokhai.pdf"),
        ("..\\..\\windows\\system32.pdf", "system32.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:tờ khai.pdf", "Ctờ khai.pdf"),
        ("   ...   ", "tep.pdf"),
        ("to\u0300 khai.pdf", "tò khai.pdf"),  # NFC: one letter, not two code points
    ],
)
def test_names_are_made_safe(given, expected):
    assert sanitize_filename(given, "application/pdf") == expected


def test_long_names_fit_the_file_system(online):
    long = sanitize_filename("😀" * 300 + ".pdf", "application/pdf")
    assert len(long) == 120
    assert long.endswith(".pdf")
    name = stored_name("ab" * 32, long)
    assert len(name.encode()) <= 17 + STORED_NAME_BYTES
    assert name.endswith(".pdf")
    # Stored for real on disk (ext4 allows 255 bytes per name): 60 emoji used to fail.
    draft = _ready_draft(online)
    row = _add(online, draft, "😀" * 60 + ".pdf")
    assert row.name == "😀" * 60 + ".pdf"
    assert row.file.storage.exists(row.file.name)
    assert len(os.path.basename(row.file.name).encode()) < 255
