"""Issue 17 item 5: an online applicant never holds a paper receipt, so the acceptance tells
them the tracking PIN, on every channel (e-mail, SMS within 160 characters, the portal list)."""

from __future__ import annotations

import pytest
from django.core import mail

from conftest import pdf_bytes
from motcua.core import clock
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ONLINE_APPLICANT, act, at, online_world
from motcua.integrations import sms
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(world, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return online_world(world, form_fields=[])


def _submit(world, applicant):
    from motcua.dossiers import api

    user = world["citizen"]
    with clock.at(at(2026, 3, 2, 9)):
        draft = api.online_draft_start(owner=user, procedure_code="2.000004")
        api.online_draft_save_applicant(draft_id=draft.pk, owner=user, data=applicant)
        api.online_draft_save_fields(draft_id=draft.pk, owner=user, values={})
        for position in (1, 2):
            api.online_draft_file_add(
                draft_id=draft.pk,
                owner=user,
                file=UploadedFile(name=f"to-khai-{position}.pdf", content=pdf_bytes("TO KHAI")),
                checklist_position=position,
            )
        api.online_draft_save_delivery(draft_id=draft.pk, owner=user, delivery="online")
    with clock.at(at(2026, 3, 2, 10)):
        return api.online_draft_submit(draft_id=draft.pk, owner=user)


def test_online_acceptance_tells_the_pin_on_every_channel(
    online, django_capture_on_commit_callbacks
):
    applicant = {**ONLINE_APPLICANT, "email": "kinhdoanh@muongthanh.example.vn"}
    dossier = _submit(online, applicant)
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = act(dossier, online["users"]["desk"], "accept", at(2026, 3, 2, 11))
    pin = dossier.lookup_pin
    rows = {n.channel: n for n in Notification.objects.filter(dossier=dossier, kind="received")}
    assert sorted(rows) == ["email", "portal", "sms"]
    [email] = mail.outbox
    assert f"mã PIN tra cứu: {pin}" in email.body
    assert pin not in email.subject
    [text] = sms.outbox
    assert f"PIN tra cuu: {pin}" in text.text
    assert text.text.isascii() and len(text.text) <= 160
    assert pin in rows["portal"].body


def test_the_sms_stays_within_160_characters_with_a_long_public_address(
    online, settings, django_capture_on_commit_callbacks
):
    """With a long public address the link to the dossier would not fit one SMS: it links to
    the tracking page instead (the code and PIN are in the text)."""
    settings.MOTCUA_PUBLIC_URL = "https://dichvucongtructuyen.dienbien.gov.vn"
    dossier = _submit(online, ONLINE_APPLICANT)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = act(dossier, online["users"]["desk"], "accept", at(2026, 3, 2, 11))
    [text] = sms.outbox
    assert text.text == (
        f"Ho so {dossier.code} da tiep nhan, hen tra 09/03/2026. "
        f"Ma PIN tra cuu: {dossier.lookup_pin}. "
        "https://dichvucongtructuyen.dienbien.gov.vn/tra-cuu-ho-so/"
    )
    assert len(text.text) <= 160
    settings.MOTCUA_PUBLIC_URL = "http://127.0.0.1:8000"
    short = _submit(online, ONLINE_APPLICANT)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        short = act(short, online["users"]["desk"], "accept", at(2026, 3, 2, 11))
    [text] = sms.outbox
    assert text.text.endswith(f"http://127.0.0.1:8000/tra-cuu-ho-so/{short.code}/")
