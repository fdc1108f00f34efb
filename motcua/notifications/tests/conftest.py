"""Fixtures: the dossiers test world (a province, one procedure, officers) and empty outboxes."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.conftest import receive, world  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_outboxes(settings, mailoutbox):
    from motcua.integrations import sms

    settings.MOTCUA_SMS_BACKEND = "locmem"
    settings.MOTCUA_PUBLIC_URL = "http://127.0.0.1:8000"
    sms.outbox.clear()
    yield
    sms.outbox.clear()
