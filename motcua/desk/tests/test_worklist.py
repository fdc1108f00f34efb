"""The worklist: my open steps, overdue first then due soon, with the time left in words and
a badge; filters in the query string that stay; online submissions waiting at my desk."""

from __future__ import annotations

import re

from motcua.dossiers.api import dossier_submit_online

from .conftest import ORG, act, at, at_time


def _rows(html: str) -> list[str]:
    body = html.split('id="h-steps"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr class="row-(\w+)">', body)


def test_overdue_first_then_near_due_with_words(as_user, receive, users):
    late = receive(at(2026, 3, 2, 9, 0))  # intake step due Mon 15:00
    soon = receive(at(2026, 3, 3, 8, 0))  # intake step due Tue 14:00
    later = receive(at(2026, 3, 3, 8, 30))
    with at_time(at(2026, 3, 3, 9, 0)):
        response = as_user("desk").get("/desk/")
    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(html) == ["overdue", "near_due", "near_due"]
    first = html.index(late.code)
    assert first < html.index(soon.code) < html.index(later.code)
    # Words, not colour alone.
    assert "quá hạn 4 giờ làm việc" in html  # Mon 15:00→17:30 + Tue 07:30→09:00
    assert "còn 3 giờ làm việc" in html  # Tue 09:00→11:30 + 13:30→14:00
    assert ">Quá hạn</span>" in html and ">Sắp đến hạn</span>" in html
    assert "03/03/2026 14:00" in html  # step due, dd/mm/yyyy HH:MM local
    assert "1 việc quá hạn" in html


def test_in_time_step_of_the_specialist(as_user, receive, users):
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    with at_time(at(2026, 3, 2, 10, 0)):
        html = as_user("cv").get("/desk/").content.decode()
    assert _rows(html) == ["ok"]
    assert "còn 3 ngày 4 giờ làm việc" in html  # 28 working hours
    assert ">Trong hạn</span>" in html
    assert "giao cho bạn" in html


def test_filters_stay_in_the_query_string_and_the_session(as_user, receive):
    receive(at(2026, 3, 2, 9, 0))
    receive(at(2026, 3, 3, 8, 0))
    client = as_user("desk")
    with at_time(at(2026, 3, 3, 9, 0)):
        filtered = client.get("/desk/?han=overdue&giao=")
        again = client.get("/desk/")
        cleared = client.get("/desk/?han=&giao=")
    assert _rows(filtered.content.decode()) == ["overdue"]
    assert _rows(again.content.decode()) == ["overdue"]
    assert 'value="overdue" selected' in again.content.decode()
    assert _rows(cleared.content.decode()) == ["overdue", "near_due"]


def test_role_queue_versus_mine(as_user, receive, users):
    d1 = receive(at(2026, 3, 2, 9, 0))
    d2 = receive(at(2026, 3, 2, 9, 5))
    act(d1, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(d2, users["desk"], "forward", at(2026, 3, 2, 10, 0))  # to the specialists' queue
    client = as_user("cv")
    with at_time(at(2026, 3, 2, 11, 0)):
        mine = client.get("/desk/?giao=mine").content.decode()
        queue = client.get("/desk/?giao=queue").content.decode()
    assert d1.code in mine and d2.code not in mine
    assert d2.code in queue and d1.code not in queue
    assert "hàng chờ của Sở Công Thương" in queue


def test_online_submissions_waiting_at_the_desk(as_user, world):
    with at_time(at(2026, 3, 2, 9, 0)):
        d = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    with at_time(at(2026, 3, 2, 10, 0)):
        html = as_user("desk").get("/desk/").content.decode()
    assert f"/desk/ho-so/%23{d.pk}/" in html
    assert "Hồ sơ nộp trực tuyến chờ tiếp nhận" in html
    assert "còn 7 giờ làm việc" in html  # 8 working hours to decide, 1 gone
    with at_time(at(2026, 3, 3, 10, 0)):
        late = as_user("desk").get("/desk/").content.decode()
    assert "quá hạn 1 giờ làm việc" in late


def test_the_specialist_has_no_desk_queue(as_user, world):
    html = as_user("cv").get("/desk/").content.decode()
    assert "Hồ sơ nộp trực tuyến chờ tiếp nhận" not in html
    assert "Không có việc nào đang chờ bạn xử lý." in html


def _count_queries(client, django_assert_max_num_queries, limit):
    with at_time(at(2026, 3, 3, 9, 0)), django_assert_max_num_queries(limit) as ctx:
        assert client.get("/desk/").status_code == 200
    return len(ctx.captured_queries)


def test_worklist_queries_grow_by_at_most_one_per_row(
    as_user, receive, django_assert_max_num_queries
):
    client = as_user("desk")
    receive(at(2026, 3, 2, 9, 0))
    one = _count_queries(client, django_assert_max_num_queries, 30)
    for minute in (10, 20, 30):
        receive(at(2026, 3, 2, 9, minute))
    four = _count_queries(client, django_assert_max_num_queries, 30)
    # step_deadline_view checks the calendar cache once per row (dossiers selector).
    assert four - one <= 3
