"""Issue 17 item 3: a result that cannot be signed is refused at the action, before anything
changes; a signature that fails after commit (key store or time-stamping authority down) is
told to the leaders, retried, and a result that must be signed is not returned unsigned."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from conftest import pdf_bytes
from motcua.core.errors import ApplicationError, ValidationFailed
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierDocument, Notice

from .conftest import act, at

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = pdf_bytes("KET QUA GIAI QUYET")
DAMAGED = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"  # passes the magic-byte check only


def _encrypted() -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(GOOD)))
    writer.encrypt("owner", "user")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _at_approval(world, receive) -> Dossier:
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    return Dossier.objects.get(pk=d.pk)


def _snapshot(d: Dossier) -> tuple[Any, ...]:
    d = Dossier.objects.get(pk=d.pk)
    steps = tuple(d.steps.order_by("id").values_list("status", "assignee_id", "finished_at"))
    return (d.status, d.outcome, d.finished_at, d.events.count(), d.documents.count(), steps)


def _files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (DAMAGED, "damaged_pdf", "Tệp PDF bị hỏng, không đọc được."),
        (_encrypted(), "encrypted_pdf", "Tệp PDF được mã hóa (có mật khẩu), không ký được."),
    ],
)
def test_an_unusable_result_is_refused_and_nothing_changes(
    world, receive, media_on_disk, content, code, message
):
    d = _at_approval(world, receive)
    before = _snapshot(d)
    files_before = _files(media_on_disk)
    with translation.override("vi"), pytest.raises(ValidationFailed) as err:
        act(
            d,
            world["users"]["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.pdf", content=content),
        )
    assert err.value.status_code == 400 and err.value.code == code
    assert err.value.field_errors == {"result": [message]}
    assert _snapshot(d) == before
    assert _files(media_on_disk) == files_before


def test_complete_checks_the_result_too(world, receive, media_on_disk):
    """The complete action (a procedure whose last step is processing, not approval)."""
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = Dossier.objects.get(pk=d.pk)
    before = _snapshot(d)
    files_before = _files(media_on_disk)
    from motcua.dossiers.services.processing import dossier_complete

    with pytest.raises(ValidationFailed) as err:
        dossier_complete(
            dossier_id=d.pk, actor=u["cv"], result=UploadedFile(name="kq.pdf", content=DAMAGED)
        )
    assert (err.value.code, list(err.value.field_errors)) == ("damaged_pdf", ["result"])
    assert _snapshot(d) == before
    assert _files(media_on_disk) == files_before


def test_a_scan_is_refused_when_the_result_must_be_signed(world, receive, demo_signing):
    """The leader and the agency have signing keys: the result must be a PDF to be signed."""
    d = _at_approval(world, receive)
    before = _snapshot(d)
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 200
    with translation.override("vi"), pytest.raises(ValidationFailed) as err:
        act(
            d,
            world["users"]["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.jpg", content=jpeg),
        )
    assert err.value.code == "not_pdf"
    assert err.value.field_errors == {
        "result": ["Kết quả phải là tệp PDF để ký số: hãy tải lên bản PDF."]
    }
    assert _snapshot(d) == before


@pytest.fixture
def tsa_down(settings):
    """A time-stamping authority that does not answer: nothing listens on this port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.USE_TSA = True
    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    settings.MOTCUA_TSA_TIMEOUT = 1.0
    return settings


def _approve_with_tsa_down(world, receive, tsa_down, capture) -> Dossier:
    d = _at_approval(world, receive)
    with translation.override("vi"), capture(execute=True):
        act(
            d,
            world["users"]["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.pdf", content=GOOD),
        )
    return Dossier.objects.get(pk=d.pk)


def test_a_failed_signature_is_told_to_the_leaders_and_blocks_the_return(
    world, receive, demo_signing, tsa_down, django_capture_on_commit_callbacks, django_user_model
):
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role

    other_leader = django_user_model.objects.create_user(username="ld2", full_name="LD2")
    role_grant(user=other_leader, role=Role.LEADER, agency=world["agencies"]["trade"])
    d = _approve_with_tsa_down(world, receive, tsa_down, django_capture_on_commit_callbacks)
    assert d.status == "result_ready"
    [result] = DossierDocument.objects.filter(dossier=d, kind="result")
    assert result.signed is False
    notices = Notice.objects.filter(dossier=d, kind="sign_failed").order_by("user__username")
    assert [n.user.username for n in notices] == ["ld", "ld2"]
    assert all("máy chủ cấp dấu thời gian" in n.message for n in notices)
    assert notices[0].message.startswith(f"Hồ sơ {d.code}: chưa ký số được kết quả")
    # Returning the unsigned result is refused (the signature is tried once more first).
    before = _snapshot(d)
    with translation.override("vi"), pytest.raises(ApplicationError) as err:
        act(d, world["users"]["desk"], "return_result", at(2026, 3, 5, 9, 0), method="online")
    assert (err.value.status_code, err.value.code) == (409, "result_unsigned")
    assert err.value.message.startswith("Kết quả chưa được ký số nên chưa thể trả cho người nộp")
    assert _snapshot(d) == before
    # A second failure does not repeat the notices.
    assert Notice.objects.filter(dossier=d, kind="sign_failed").count() == 2


def test_the_periodic_retry_signs_once_the_authority_is_back(
    world, receive, demo_signing, tsa_down, django_capture_on_commit_callbacks
):
    from motcua.dossiers.tasks import sign_pending_task

    d = _approve_with_tsa_down(world, receive, tsa_down, django_capture_on_commit_callbacks)
    assert sign_pending_task.apply().get() == {"tried": 1, "signed": 0}  # still down
    tsa_down.USE_TSA = False  # the authority is back (here: signing without it)
    assert sign_pending_task.apply().get() == {"tried": 1, "signed": 1}
    assert sign_pending_task.apply().get() == {"tried": 0, "signed": 0}
    results = list(DossierDocument.objects.filter(dossier=d, kind="result").order_by("id"))
    assert [r.signed for r in results] == [False, True]
    assert not Notice.objects.filter(dossier=d, kind="sign_failed", read_at__isnull=True).exists()
    d = act(d, world["users"]["desk"], "return_result", at(2026, 3, 5, 9, 0), method="online")
    assert d.status == "returned"


def test_the_return_signs_a_result_never_signed(world, receive, demo_signing):
    """Results approved while jobs were off (the demo data) are signed when returned."""
    from motcua.core import jobs

    d = _at_approval(world, receive)
    with jobs.suppressed():
        act(
            d,
            world["users"]["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.pdf", content=GOOD),
        )
    assert not DossierDocument.objects.filter(dossier=d, signed=True).exists()
    d = act(d, world["users"]["desk"], "return_result", at(2026, 3, 5, 9, 0), method="online")
    assert d.status == "returned"
    signed = DossierDocument.objects.get(dossier=d, kind="result", signed=True)
    assert signed.name == f"ket-qua-{d.code}.pdf"


def test_without_signing_keys_the_result_is_returned_as_it_is(world, receive):
    """No key registered for the leader nor the agency: nothing to sign, nothing blocks."""
    d = _at_approval(world, receive)
    act(
        d,
        world["users"]["ld"],
        "approve",
        at(2026, 3, 4, 9, 0),
        result=UploadedFile(name="kq.pdf", content=GOOD),
    )
    d = act(d, world["users"]["desk"], "return_result", at(2026, 3, 5, 9, 0), method="online")
    assert d.status == "returned"
    assert not Notice.objects.filter(dossier=d, kind="sign_failed").exists()
    assert not DossierDocument.objects.filter(dossier=d, signed=True).exists()


def test_the_signing_job_retries_with_backoff_on_a_worker(
    world, receive, demo_signing, tsa_down, django_capture_on_commit_callbacks, monkeypatch
):
    """On a Celery worker (not eager) a failure is retried after 1, 2, 4 … minutes (≤ 1 h)."""
    from motcua.dossiers import tasks
    from motcua.dossiers.services.paperwork import ResultNotSigned

    d = _approve_with_tsa_down(world, receive, tsa_down, django_capture_on_commit_callbacks)
    assert [tasks.sign_retry_delay(n) for n in (0, 1, 2, 6, 7, 20)] == [
        60,
        120,
        240,
        3600,
        3600,
        3600,
    ]
    asked: dict[str, Any] = {}

    class Retried(Exception):
        pass

    def retry(**kwargs: Any) -> Exception:
        asked.update(kwargs)
        return Retried()

    task = tasks.sign_result_task
    monkeypatch.setattr(task, "retry", retry)
    task.push_request(is_eager=False, retries=2, called_directly=False)
    try:
        with pytest.raises(Retried):
            task.run(dossier_id=d.pk, signer_id=world["users"]["ld"].pk)
    finally:
        task.pop_request()
    assert asked["countdown"] == 240 and isinstance(asked["exc"], ResultNotSigned)
    assert task.max_retries == tasks.SIGN_RETRIES
