"""The dossier page: header, applicant, deadlines, current step, documents, timeline, the
control sheet (form 06) and only the actions allowed now."""

from __future__ import annotations

import re

from .conftest import PDF, act, at, at_time


def _actions(html: str) -> list[str]:
    return re.findall(r'id="action-(\w+)"', html)


def test_header_deadlines_and_applicant(as_user, receive):
    d = receive(at(2026, 3, 2, 9, 0), files=[PDF])
    with at_time(at(2026, 3, 2, 10, 0)):
        response = as_user("desk").get(f"/desk/ho-so/{d.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>Hồ sơ {d.code}" in html
    assert "Đăng ký hoạt động khuyến mại" in html
    assert "Đã tiếp nhận" in html
    assert "trạng thái quốc gia" not in html  # the national code is data (API), not for officers
    assert "Sở Công Thương" in html  # deciding
    assert "Trung tâm Phục vụ hành chính công tỉnh" in html  # receiving
    assert "Tại Bộ phận Một cửa" in html  # channel
    assert "02/03/2026 09:00" in html and "09/03/2026 09:00" in html
    assert "còn 4 ngày 7 giờ làm việc" in html  # 39 working hours left
    assert "Công ty TNHH Thương mại Mường Thanh" in html and "0100109106" in html
    assert "Tiếp nhận hồ sơ" in html  # the current step
    assert f'href="/desk/ho-so/{d.code}/tep/{d.documents.get().pk}/"' in html
    assert f'href="/desk/ho-so/{d.code}/giay-tiep-nhan/"' in html
    assert 'href="/static/css/desk.css"' in html


def test_only_the_actions_allowed_now(as_user, receive, users):
    d = receive(at(2026, 3, 2, 9, 0))
    with at_time(at(2026, 3, 2, 10, 0)):
        desk = as_user("desk").get(f"/desk/ho-so/{d.code}/").content.decode()
        cv = as_user("cv").get(f"/desk/ho-so/{d.code}/").content.decode()
        ld = as_user("ld").get(f"/desk/ho-so/{d.code}/").content.decode()
    assert _actions(desk) == ["forward", "withdraw"]
    assert _actions(cv) == []
    assert "Hiện bạn không có thao tác nào với hồ sơ này." in cv
    assert _actions(ld) == ["apologize", "cancel"]
    # The forward form lists the holders of the next step's role.
    assert f'<option value="{users["cv"].pk}">CV</option>' in desk
    assert f'value="{users["cv_build"].pk}"' not in desk
    assert "Bước tiếp theo: Thẩm định — Sở Công Thương" in desk


def test_timeline_and_control_sheet(as_user, receive, users):
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(d, users["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=users["ld"].pk)
    act(d, users["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    with at_time(at(2026, 3, 4, 10, 0)):
        html = as_user("ld").get(f"/desk/ho-so/{d.code}/").content.decode()
    assert "Tiếp nhận hồ sơ: cấp mã hồ sơ và hẹn ngày trả kết quả." in html
    assert (
        "Hoàn thành bước “Tiếp nhận hồ sơ”, chuyển sang bước “Thẩm định”: CV (Sở Công Thương)."
        in html
    )
    assert "Đã phê duyệt, ký: kết quả đã chuyển về Bộ phận Một cửa." in html
    sheet = html.split('id="h-sheet"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", sheet, re.S)[1:]
    assert len(rows) == 4  # accept, forward, forward, approve
    assert "02/03/2026 10:00" in rows[1] and "Đúng hạn" in rows[1]
    assert "03/03/2026 10:00" in rows[2] and "Trước hạn" in rows[2]
    assert "04/03/2026 09:00" in rows[3] and "Quá hạn" in rows[3]
    assert "Đã có kết quả" in html  # status label
    assert "trạng thái quốc gia" not in html


def test_the_dossier_without_code_opens_by_id(as_user, receive):
    d = receive(
        at(2026, 3, 2, 9, 0),
        decision="request_completion",
        checklist=[],
        missing=["Bản sao giấy phép"],
    )
    with at_time(at(2026, 3, 2, 10, 0)):
        response = as_user("desk").get(f"/desk/ho-so/%23{d.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{d.pk}" in html and "chưa cấp" in html
    assert "Bản sao giấy phép" in html
    assert f'href="/desk/ho-so/%23{d.pk}/phieu-bo-sung/"' in html
    assert _actions(html) == ["accept", "refuse", "withdraw"]


def test_receipt_only_for_received_dossiers(as_user, receive):
    d = receive(at(2026, 3, 2, 9, 0), decision="refuse", note="Sai thẩm quyền")
    with at_time(at(2026, 3, 2, 10, 0)):
        client = as_user("desk")
        assert client.get(f"/desk/ho-so/%23{d.pk}/giay-tiep-nhan/").status_code == 404
        assert client.get(f"/desk/ho-so/%23{d.pk}/phieu-bo-sung/").status_code == 404
        assert client.get(f"/desk/ho-so/%23{d.pk}/phieu-tu-choi/").status_code == 200


def test_dossier_page_query_count_is_bounded(
    as_user, receive, users, django_assert_max_num_queries
):
    d = receive(at(2026, 3, 2, 9, 0), files=[PDF])
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    client = as_user("cv")
    with at_time(at(2026, 3, 2, 11, 0)), django_assert_max_num_queries(45):
        assert client.get(f"/desk/ho-so/{d.code}/").status_code == 200
