"""The upload limits on the portal's document step (docs/adr/0037): the file over the limit
is refused beside its field, in Vietnamese, naming the limit and what is used; the files
already uploaded stay listed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.tests.conftest import media_on_disk, world  # noqa: F401
from motcua.portal.tests.test_submit_pages import PDF, _fill, _steps, site  # noqa: F401


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("MOTCUA_MAX_FILES_PER_DOSSIER", 2, "Mỗi hồ sơ có tối đa 2 tệp: hồ sơ này đã có 2 tệp"),
        ("MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER", 2 * len(PDF) + 1, "Bạn đã dùng 160\xa0byte"),
    ],
)
def test_a_file_over_the_limit_is_refused_and_the_others_stay(
    orm,
    client,
    site,  # noqa: F811
    settings,
    setting,
    value,
    expected,
):
    client.force_login(site["citizen"])
    draft_id, urls = _fill(orm, client)  # two files uploaded
    setattr(settings, setting, value)
    response = client.post(
        _steps(client, draft_id)["documents"],
        {"upload": "1", "file-1": SimpleUploadedFile("thêm.pdf", PDF)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert expected in html
    assert 'id="f-documents-1-error-1"' in html
    assert "tài liệu 1.pdf" in html and "tài liệu 2.pdf" in html
    assert orm.DraftFile.objects.filter(draft_id=draft_id).count() == 2
