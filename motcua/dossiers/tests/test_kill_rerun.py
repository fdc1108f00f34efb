"""Signing and rendering killed at their fault point (the worker dies before the store) and run
again, as Celery delivers the job again: one signed result, one stored form, and running once
more changes nothing (ADR 0045)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import pdf_bytes
from motcua.core import jobs
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services import paperwork
from motcua.dossiers.services.paperwork import dossier_form_render, dossier_result_sign

from .conftest import act, at

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = pdf_bytes("KET QUA GIAI QUYET")


class Killed(BaseException):
    """The worker dies here."""


def _kill_at(monkeypatch: Any, point: str) -> None:
    def faultpoint(name: str) -> None:
        if name == point:
            raise Killed

    monkeypatch.setattr(paperwork, "faultpoint", faultpoint)


def test_a_signature_killed_before_the_store_is_stored_once_by_the_next_run(
    world: Any, receive: Any, demo_signing: Any, monkeypatch: Any
) -> None:
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    with jobs.suppressed():  # the signing job is run below, by hand
        act(
            d,
            u["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.pdf", content=GOOD),
        )
    _kill_at(monkeypatch, "dossiers.sign.before_store")
    with pytest.raises(Killed):
        dossier_result_sign(dossier_id=d.pk, signer_id=u["ld"].pk)
    results = DossierDocument.objects.filter(dossier=d, kind="result").order_by("id")
    assert [r.signed for r in results] == [False]
    monkeypatch.undo()
    signed = dossier_result_sign(dossier_id=d.pk, signer_id=u["ld"].pk)
    assert signed is not None and signed.signed
    # Delivered once more (a duplicate, or the ack lost): nothing more.
    assert dossier_result_sign(dossier_id=d.pk, signer_id=u["ld"].pk) is None
    assert [r.signed for r in results.all()] == [False, True]


def test_a_form_killed_before_the_store_is_stored_once_by_the_next_run(
    world: Any, receive: Any, media_on_disk: Any, monkeypatch: Any
) -> None:
    with jobs.suppressed():  # no form rendered at intake
        d = receive(at(2026, 3, 2, 9, 0))
    assert not DossierDocument.objects.filter(dossier=d, kind="receipt").exists()
    _kill_at(monkeypatch, "dossiers.render.before_store")
    with pytest.raises(Killed):
        dossier_form_render(dossier_id=d.pk, kind="receipt")
    assert not DossierDocument.objects.filter(dossier=d, kind="receipt").exists()
    monkeypatch.undo()
    first = dossier_form_render(dossier_id=d.pk, kind="receipt")
    again = dossier_form_render(dossier_id=d.pk, kind="receipt")
    assert again.pk == first.pk
    [stored] = DossierDocument.objects.filter(dossier=d, kind="receipt")
    assert (media_on_disk / stored.file.name).read_bytes() == first.file.open("rb").read()
