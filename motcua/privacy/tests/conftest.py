"""Fixtures for the privacy tests: the dossiers' test world (officers desk, cv, ld, cv_build,
ld_build; the promotion procedure) and its helpers. The desk's and the REST API's personal
data tests live with them (motcua/desk/tests/test_personal_data.py,
motcua/rest/tests/test_personal_data.py)."""

from __future__ import annotations

from conftest import pdf_bytes
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures and data
    ORG,
    PASSWORD,
    PERSON,
    act,
    at,
    media_on_disk,
    receive,
    world,
)

PDF = UploadedFile(name="giay-to.pdf", content=pdf_bytes("GIAY TO"))
