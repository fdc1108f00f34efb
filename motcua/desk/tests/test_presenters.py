"""The words of the desk: working time, remaining time, dates (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from motcua.desk import presenters
from motcua.dossiers.api import DeadlineView

pytestmark = pytest.mark.django_db

H = 3600


@pytest.fixture(autouse=True)
def _vi():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 phút"),
        (45 * 60, "45 phút"),
        (6 * H, "6 giờ"),
        (6 * H + 30 * 60, "6 giờ 30 phút"),
        (8 * H, "1 ngày"),
        (19 * H + 20 * 60, "2 ngày 3 giờ"),  # minutes are dropped once there are days
        (-2 * H, "2 giờ"),
    ],
)
def test_working_time_words(seconds, words):
    assert presenters.working_time_words(seconds) == words


def test_remaining_words():
    due = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    assert presenters.remaining_words(DeadlineView(due, 6 * H, "near_due")) == "còn 6 giờ làm việc"
    assert (
        presenters.remaining_words(DeadlineView(due, -2 * H, "overdue")) == "quá hạn 2 giờ làm việc"
    )
    assert presenters.remaining_words(DeadlineView(due, None, "paused")).startswith("tạm dừng")
    assert presenters.remaining_words(DeadlineView(due, None, "done")) == ""
    # Past the appointment after office hours: no working time has gone by since.
    assert presenters.remaining_words(DeadlineView(due, 0, "overdue")) == "đã quá thời điểm hẹn"


def test_dates_are_local_and_day_first():
    instant = dt.datetime(2026, 3, 2, 2, 5, tzinfo=dt.UTC)  # 09:05 in Hà Nội
    assert presenters.local_datetime(instant) == "02/03/2026 09:05"
    assert presenters.long_datetime(instant) == "9 giờ 05 phút, ngày 02/03/2026"
    assert presenters.local_datetime(None) == ""


def test_every_action_has_a_label_and_a_done_message():
    from motcua.desk.forms.actions import ACTION_FORMS
    from motcua.dossiers.api import Action

    names = {a.value for a in Action}
    assert set(presenters.ACTION_LABELS) == names
    assert set(presenters.ACTION_DONE) == names
    assert set(ACTION_FORMS) == names
