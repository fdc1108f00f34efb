"""Demo feedback and recommendations (phản ánh, kiến nghị; issue 14 items 1-3; ADR 0040).

Nine feedbacks sent over the last six weeks, each taken through its steps at the time it
happened (the deadlines are the real ones on the calendar): two answered and published
(answers of general interest about demo procedures, the sender's data removed), one answered
and rated, one awaiting the leader's approval, one overdue at the land registry office, one
waiting for the sender's additions, one forwarded (about an official's conduct), one
refused, one just sent. The feedback desk is `pakn`; the answers are written by `chuyenvien`
and approved by `lanhdao` (Sở Công Thương). Idempotent: each has an idempotency key, and one
already there is left as it is."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from motcua.accounts.api import users_by_username
from motcua.calendar.api import working_calendar_get
from motcua.core import clock
from motcua.pakn.api import (
    FeedbackConflict,
    FeedbackError,
    SenderIn,
    feedback_act,
    feedback_sender_rate,
    feedback_submit,
)

KEY = "demo-pakn-{}"


@dataclass(frozen=True)
class Step:
    day: int  # working days after the feedback was sent
    hour: int
    action: str
    user: str
    kw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoFeedback:
    n: int
    days_ago: int  # working days before today
    about: str
    title: str
    content: str
    sender: SenderIn
    procedure: str = ""
    steps: tuple[Step, ...] = ()
    rating: bool | None = None


def _handled(agency: str, person: str) -> tuple[Step, ...]:
    return (
        Step(0, 10, "receive", "pakn"),
        Step(0, 14, "classify", "pakn", {"classification": "within_competence"}),
        Step(1, 9, "assign", "pakn", {"agency_code": agency, "to_user": person}),
    )


FEEDBACKS = [
    DemoFeedback(
        1,
        30,
        "procedure",
        "Thời hạn đăng ký khuyến mại trước ngày thực hiện",
        "Tôi là Trần Văn Bình, chủ cửa hàng điện máy ở phường Mường Thanh, điện thoại "
        "0912 000 111. Cửa hàng muốn tổ chức quay số trúng thưởng dịp cuối năm. Xin hỏi phải "
        "nộp hồ sơ đăng ký trước bao nhiêu ngày và có nộp trực tuyến được không?",
        SenderIn("Trần Văn Bình", phone="0912000111", address="Phường Mường Thanh"),
        "2.000004",
        (
            *_handled("H11.05", "chuyenvien"),
            Step(
                5,
                9,
                "answer",
                "chuyenvien",
                {
                    "answer": (
                        "Theo quy định, thương nhân gửi hồ sơ đăng ký thực hiện khuyến mại mang tính may "
                        "rủi chậm nhất 07 ngày làm việc trước ngày bắt đầu thực hiện chương trình. Hồ sơ "
                        "có thể nộp trực tuyến trên Cổng dịch vụ công của tỉnh; Sở Công Thương xem xét "
                        "và trả kết quả trong 05 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ."
                    )
                },
            ),
            Step(6, 9, "approve", "lanhdao"),
            Step(7, 9, "publish", "pakn", {"redactions": ["điện máy"]}),
        ),
        rating=True,
    ),
    DemoFeedback(
        2,
        24,
        "procedure",
        "Giấy phép hoạt động phát điện cho điện mặt trời mái nhà",
        "Gia đình tôi lắp điện mặt trời mái nhà công suất 50 kW để bán điện. Xin hỏi có phải "
        "xin giấy phép hoạt động phát điện tại Sở Công Thương không?",
        SenderIn("Lò Thị Hương", email="lo.thi.huong@example.vn"),
        "1.013401",
        (
            *_handled("H11.05", "chuyenvien"),
            Step(
                4,
                14,
                "answer",
                "chuyenvien",
                {
                    "answer": (
                        "Tổ chức, cá nhân phát điện để bán cho tổ chức, cá nhân khác phải có giấy phép "
                        "hoạt động điện lực, trừ các trường hợp được miễn theo quy định của Luật Điện "
                        "lực và văn bản hướng dẫn (trong đó có một số trường hợp điện mặt trời mái nhà "
                        "tự sản xuất, tự tiêu thụ). Hồ sơ nộp tại Trung tâm Phục vụ hành chính công tỉnh "
                        "hoặc trực tuyến theo thủ tục 1.013401."
                    )
                },
            ),
            Step(5, 10, "approve", "lanhdao"),
            Step(6, 9, "publish", "pakn"),
        ),
        rating=True,
    ),
    DemoFeedback(
        3,
        18,
        "procedure",
        "Cấp C/O mẫu AK mất nhiều thời gian",
        "Doanh nghiệp chúng tôi nộp hồ sơ cấp C/O mẫu AK nhưng phải bổ sung nhiều lần. Đề nghị "
        "công khai danh mục giấy tờ cần thiết rõ ràng hơn.",
        SenderIn("Nguyễn Văn Hải", phone="0987000444"),
        "1.000603",
        (
            *_handled("H11.05", "chuyenvien"),
            Step(
                6,
                9,
                "answer",
                "chuyenvien",
                {
                    "answer": (
                        "Sở Công Thương tiếp thu ý kiến và đã cập nhật danh mục thành phần hồ sơ trên "
                        "trang thủ tục; cán bộ tiếp nhận sẽ hướng dẫn một lần đầy đủ."
                    )
                },
            ),
            Step(7, 9, "approve", "lanhdao"),
        ),
        rating=False,
    ),
    DemoFeedback(
        4,
        8,
        "procedure",
        "Đề nghị giảm thành phần hồ sơ giấy phép bán lẻ điện",
        "Đề nghị bỏ yêu cầu nộp bản sao giấy chứng nhận đăng ký doanh nghiệp vì cơ quan đã "
        "tra cứu được trên Cơ sở dữ liệu quốc gia.",
        SenderIn("Công ty TNHH Điện Nam Rốm", phone="0215382999"),
        "1.013416",
        (
            *_handled("H11.05", "chuyenvien"),
            Step(
                4,
                9,
                "answer",
                "chuyenvien",
                {
                    "answer": (
                        "Sở Công Thương ghi nhận kiến nghị và sẽ đề xuất cắt giảm thành phần hồ sơ "
                        "trong phương án đơn giản hóa thủ tục năm nay."
                    )
                },
            ),
        ),
    ),
    DemoFeedback(
        5,
        20,
        "procedure",
        "Hồ sơ cấp đổi giấy chứng nhận chưa được giải quyết",
        "Tôi nộp hồ sơ cấp đổi giấy chứng nhận quyền sử dụng đất đã lâu nhưng chưa nhận được "
        "thông báo. Đề nghị cơ quan kiểm tra.",
        SenderIn("Cà Văn Tâm", phone="0978000555"),
        "DB.000009",
        _handled("H11.06.01", "cv.datdai"),
    ),
    DemoFeedback(
        6,
        6,
        "regulation",
        "Quy định về giờ tiếp nhận hồ sơ buổi chiều",
        "Đề nghị Trung tâm tiếp nhận hồ sơ đến 17 giờ thay vì 16 giờ 30 để người dân đi làm "
        "có thể nộp sau giờ làm việc.",
        SenderIn("Vì Thị Mai", email="vi.thi.mai@example.vn"),
        "",
        (
            *_handled("H11.05", "chuyenvien"),
            Step(
                2,
                10,
                "request_more",
                "chuyenvien",
                {
                    "note": (
                        "Đề nghị Ông/Bà cho biết thủ tục thường nộp và khung giờ mong muốn cụ thể."
                    )
                },
            ),
        ),
    ),
    DemoFeedback(
        7,
        9,
        "regulation",
        "Thái độ của cán bộ tiếp nhận",
        "Ngày hôm trước tôi đến nộp hồ sơ, cán bộ tiếp nhận trả lời thiếu lịch sự.",
        SenderIn("Quàng Văn Đức", phone="0915000666"),
        "",
        (
            Step(0, 10, "receive", "pakn"),
            Step(0, 14, "classify", "pakn", {"classification": "conduct"}),
            Step(
                3,
                9,
                "forward",
                "pakn",
                {
                    "agency_code": "H11.02",
                    "note": (
                        "Chuyển Sở Nội vụ xem xét theo quy định về tiếp nhận, xử lý phản ánh về hành vi."
                    ),
                },
            ),
        ),
    ),
    DemoFeedback(
        8,
        4,
        "regulation",
        "Góp ý chung",
        "Trang web rất tốt.",
        SenderIn("Người dân", phone="0900000777"),
        "",
        (
            Step(0, 10, "receive", "pakn"),
            Step(
                1,
                9,
                "refuse",
                "pakn",
                {
                    "note": (
                        "Nội dung không phải là phản ánh, kiến nghị về quy định hành chính theo Nghị định "
                        "20/2008/NĐ-CP; cảm ơn Ông/Bà đã góp ý."
                    )
                },
            ),
        ),
    ),
    DemoFeedback(
        9,
        1,
        "procedure",
        "Hướng dẫn nộp hồ sơ thành lập doanh nghiệp tư nhân trực tuyến",
        "Tôi không tìm thấy mẫu giấy đề nghị đăng ký doanh nghiệp tư nhân trên Cổng. Đề nghị "
        "hướng dẫn.",
        SenderIn("Lường Thị Nga", phone="0966000888"),
        "DB.000004",
    ),
]


def _sent_at(days_ago: int, today: dt.date) -> dt.datetime:
    cal = working_calendar_get()
    day, walked = today, 0
    while walked < days_ago:
        day -= dt.timedelta(days=1)
        if cal.is_working_day(day):
            walked += 1
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz)


def _after(start: dt.datetime, days: int, hour: int) -> dt.datetime:
    cal = working_calendar_get()
    day, walked = start.date(), 0
    while walked < days:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            walked += 1
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=start.tzinfo)


def demo_pakn_load() -> list[str]:
    names = {"pakn", "chuyenvien", "lanhdao", "cv.datdai"}
    users = users_by_username(usernames=names)
    if "pakn" not in users:
        return ["feedback: no feedback desk account, skipped"]
    today = timezone.localdate()
    made = 0
    for item in FEEDBACKS:
        start = _sent_at(item.days_ago, today)
        with clock.at(start):
            result = feedback_submit(
                about=item.about,
                title=item.title,
                content=item.content,
                sender=item.sender,
                procedure_code=item.procedure,
                idempotency_key=KEY.format(item.n),
            )
        if not result.created:
            continue
        made += 1
        for step in item.steps:
            when = _after(start, step.day, step.hour)
            if when > clock.now():
                break
            kw = dict(step.kw)
            person = kw.pop("to_user", None)
            if person is not None and person in users:
                kw["to_user_id"] = users[person].pk
            actor = users.get(step.user)
            if actor is None:
                break
            with clock.at(when):
                try:
                    feedback_act(code=result.code, action=step.action, actor=actor, **kw)
                except (FeedbackError, FeedbackConflict):
                    break
        if item.rating is not None:
            # Not answered when the steps stopped early: no rating then.
            with contextlib.suppress(FeedbackConflict):
                feedback_sender_rate(code=result.code, pin=result.pin, satisfied=item.rating)
    return [f"feedback: {made} new of {len(FEEDBACKS)} (desk account pakn)"]
