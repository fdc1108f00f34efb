"""Fixtures: the dossiers test world and a dossier whose result is ready."""

from __future__ import annotations

import pytest

from conftest import pdf_bytes
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import act, at, receive, world  # noqa: F401

PDF = UploadedFile(name="kq.pdf", content=pdf_bytes("KET QUA"))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def finished(world, receive):  # noqa: F811
    """A desk-filed dossier (organisation, phone 0215382111) with its result ready."""

    def _finished(when=None, **kw):
        u = world["users"]
        d = receive(when or at(2026, 3, 2, 9, 0), **kw)
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
        return act(d, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)

    return _finished
