"""The audit chains' daily anchor carries an RFC 3161 token over its digest, from the same
kind of time-stamping authority as the documents' signatures (ADR 0035; `core.anchor`).
Here because the local TSA of the tests lives in documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core import anchor
from motcua.core.audit import audit_record
from motcua.core.chain import GENESIS
from motcua.core.models import AuditAnchor, ChainHead
from motcua.documents.tests.test_signing import make_throwaway_pki
from motcua.documents.tests.tsa_server import tsa_server_run

pytestmark = pytest.mark.django_db


def _verify_anchors() -> None:
    call_command("verify_audit", "--chain", "anchors", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_anchor_carries_an_rfc3161_token_over_its_digest(settings, tmp_path):
    test_pki = make_throwaway_pki(tmp_path)
    trail = [audit_record(actor=None, action="x", object_type="t.thing", object_id="1")]

    day = trail[0].at.astimezone(anchor._zone()).date()
    ChainHead.objects.update_or_create(
        chain="core.chain", stream="start", defaults={"seq": 0, "head": GENESIS}
    )
    ChainHead.objects.filter(chain="core.chain").update(
        updated_at=trail[0].at - dt.timedelta(days=1)
    )
    with tsa_server_run(tsa=test_pki.tsa, ca_cert=test_pki.root.cert) as tsa:
        settings.MOTCUA_AUDIT_TSA_URL = tsa.url
        (made,) = anchor.anchors_make(now=anchor.day_bounds(day)[1] + dt.timedelta(hours=2))
    assert made.token and made.tsa_url == tsa.url
    imprint, when = anchor.token_imprint(bytes(made.token))
    assert imprint == made.digest
    _verify_anchors()
    AuditAnchor.objects.filter(pk=made.pk).update(digest="c" * 64)
    with pytest.raises(CommandError, match="core_auditanchor"):
        _verify_anchors()
