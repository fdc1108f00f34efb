"""Demo data of satisfaction surveys and Hỏi đáp (issue 14 items 4 and 5; ADR 0041).

Surveys: a closed campaign over the dossiers returned four to eight weeks ago in the three
agencies with the most of them, answered by about two thirds of the sample (answers drawn
with a fixed seed, a different level of satisfaction per agency), and an open campaign over
the last four weeks, invitations sent, not answered yet. Run by the province admin `quantri`.

Q&A: frequently asked questions for three demo procedures, two questions answered and
published, one waiting for an answer. Idempotent: a campaign of the same title, a procedure
with FAQs already, a question of the same text are kept."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from motcua.accounts.api import agencies_in_force, users_by_username
from motcua.catalog.api import procedure_get_current
from motcua.dossiers.api import dossiers_returned_between
from motcua.qa.api import faq_save, faqs_for_editing, question_answer, question_submit
from motcua.surveys.api import (
    campaign_close,
    campaign_create,
    campaign_list,
    campaign_questions,
    campaign_sample,
    campaign_send,
    invitation_for_token,
    invitations_reissue,
    survey_answer,
)

CLOSED = "Khảo sát sự hài lòng (đợt thử nghiệm, đã kết thúc)"
OPEN = "Khảo sát sự hài lòng 4 tuần gần nhất"
SEED = 2026
#: Per agency rank (most returned dossiers first): the answers' weights over 1..5.
LEVELS = ((1, 1, 3, 10, 8), (2, 3, 5, 8, 3), (4, 5, 6, 4, 1))

FAQS: dict[str, list[tuple[str, str]]] = {
    "2.000004": [
        (
            "Thời hạn gửi hồ sơ đăng ký khuyến mại là bao lâu trước khi thực hiện?",
            "Thương nhân gửi hồ sơ chậm nhất 7 ngày làm việc trước ngày bắt đầu thực hiện "
            "chương trình khuyến mại.",
        ),
        (
            "Có thể nộp hồ sơ trực tuyến không?",
            "Có. Ông/Bà nộp trên Cổng dịch vụ công của tỉnh, ký số hoặc đăng nhập bằng "
            "tài khoản định danh điện tử.",
        ),
    ],
    "DB.000002": [
        (
            "Hồ sơ cần nộp bản chính hay bản sao?",
            "Nộp bản sao có chứng thực hoặc bản sao kèm bản chính để đối chiếu.",
        ),
    ],
    "1.013225": [
        (
            "Thủ tục này có mất phí không?",
            "Mức phí, lệ phí được ghi tại mục Phí, lệ phí của trang thủ tục.",
        ),
        (
            "Tôi có thể nhận kết quả qua bưu điện không?",
            "Có. Khi nộp hồ sơ, Ông/Bà chọn nhận kết quả qua dịch vụ bưu chính công ích.",
        ),
    ],
}
QUESTIONS = [
    (
        "2.000004",
        "Trần Văn Bình",
        "0912000111",
        "Chương trình khuyến mại tổ chức ở hai tỉnh thì nộp hồ sơ ở đâu?",
        "Chương trình thực hiện trên địa bàn từ hai tỉnh trở lên thì đăng ký với Bộ Công "
        "Thương; chỉ trong tỉnh thì nộp tại Sở Công Thương.",
    ),
    (
        "1.013225",
        "Nguyễn Thị Lan",
        "0987000222",
        "Tôi có thể ủy quyền cho người khác nộp hồ sơ không?",
        "Được. Người được ủy quyền mang theo giấy ủy quyền và giấy tờ tùy thân khi nộp hồ sơ.",
    ),
    ("DB.000002", "Lò Văn Sơn", "0978000333", "Hồ sơ nộp trực tuyến bao lâu thì có kết quả?", ""),
]


def _surveys(today: dt.date) -> list[str]:
    admin = users_by_username(usernames=["quantri"]).get("quantri")
    if admin is None:
        return ["surveys: no demo province admin"]
    existing = {c.title for c in campaign_list()}
    ids = [a.pk for a in agencies_in_force()]
    done = []
    if CLOSED not in existing:
        start, end = today - dt.timedelta(days=56), today - dt.timedelta(days=29)
        population = dossiers_returned_between(agency_ids=ids, start=start, end=end)
        top = sorted((a for a in population if population[a]), key=lambda a: -len(population[a]))[
            :3
        ]
        if not top:
            return ["surveys: no returned dossiers to survey"]
        campaign = campaign_create(
            actor=admin,
            title=CLOSED,
            period_start=start,
            period_end=end,
            agency_ids=top,
            sample_size=12,
            seed=SEED,
        )
        campaign_sample(actor=admin, campaign=campaign)
        campaign_send(actor=admin, campaign=campaign)
        rng = random.Random(SEED)  # noqa: S311 - demo answers, reproducible
        questions = campaign_questions(campaign=campaign)
        rank = {agency_id: i for i, agency_id in enumerate(top)}
        answered = 0
        for _pk, token in invitations_reissue(actor=admin, campaign=campaign):
            if rng.random() > 0.66:
                continue
            invitation = invitation_for_token(token=token)
            assert invitation is not None
            weights = LEVELS[rank.get(invitation.agency_id, 2)]
            answers = {
                f"q{q.pk}": str(rng.choices(range(1, 6), weights=weights)[0]) for q in questions
            }
            survey_answer(token=token, answers=answers)
            answered += 1
        campaign_close(actor=admin, campaign=campaign)
        done.append(f"surveys: closed campaign, {len(top)} agencies, {answered} responses")
    if OPEN not in existing:
        start, end = today - dt.timedelta(days=28), today
        population = dossiers_returned_between(agency_ids=ids, start=start, end=end)
        top = sorted((a for a in population if population[a]), key=lambda a: -len(population[a]))[
            :5
        ]
        if top:
            campaign = campaign_create(
                actor=admin,
                title=OPEN,
                period_start=start,
                period_end=end,
                agency_ids=top,
                sample_size=10,
                seed=SEED + 1,
            )
            campaign_sample(actor=admin, campaign=campaign)
            sent = campaign_send(actor=admin, campaign=campaign)
            done.append(f"surveys: open campaign, {len(top)} agencies, {sent} invitations")
    return done


def _qa() -> list[str]:
    admin = users_by_username(usernames=["quantri"]).get("quantri")
    codes = [c for c in FAQS if procedure_get_current(code=c) is not None]
    if any(faqs_for_editing(procedure_code=c) for c in codes):
        return ["qa: already loaded"]
    faqs = 0
    for code in codes:
        for order, (question, answer) in enumerate(FAQS[code]):
            faq_save(actor=None, procedure_code=code, question=question, answer=answer, order=order)
            faqs += 1
    asked = 0
    for code, name, phone, text, answer in QUESTIONS:
        if procedure_get_current(code=code) is None:
            continue
        q = question_submit(procedure_code=code, asker_name=name, asker_phone=phone, text=text)
        asked += 1
        if answer and admin is not None and not q.answer:
            question_answer(actor=admin, question=q, answer=answer, publish=True)
    return [f"qa: {faqs} FAQs for {len(codes)} procedures, {asked} questions"]


def demo_surveys_qa_load() -> list[str]:
    return _surveys(timezone.localdate()) + _qa()
