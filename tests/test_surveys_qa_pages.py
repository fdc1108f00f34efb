# ruff: noqa: F811
"""The pages of satisfaction surveys and Hỏi đáp (issue 14 items 4 and 5; ADR 0041): desk
pages deny by default, bad input gets Vietnamese messages beside the fields with the values
kept and HTML shown as text; the survey link answers once; the procedure page's Q&A block
shows no personal data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from motcua.qa.tests.conftest import people as qa_people  # noqa: F401
from motcua.surveys.tests.conftest import people, returned  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    from django.core.cache import cache

    cache.clear()


def _form(**over: Any) -> dict[str, Any]:
    data = {
        "title": "Khảo sát quý I/2026",
        "period_start": "01/03/2026",
        "period_end": "31/03/2026",
        "sample_size": "5",
        "seed": "42",
        "agencies": [],
    }
    from motcua.surveys.api import default_questions

    data.update({f"q_{f}_{k}": text for f, k, text in default_questions()})
    data.update(over)
    return data


# --- desk: surveys ----------------------------------------------------------------------------


def test_survey_pages_deny_by_default(client, people, agencies):  # noqa: F811
    assert client.get("/desk/khao-sat/").status_code == 302  # to the sign-in page
    client.force_login(people["officer"])
    assert client.get("/desk/khao-sat/").status_code == 403
    client.force_login(people["supervisor"])
    assert client.get("/desk/khao-sat/").status_code == 200
    assert client.get("/desk/khao-sat/moi/").status_code == 403
    assert (
        client.post("/desk/khao-sat/moi/", _form(agencies=[agencies["trade"].pk])).status_code
        == 403
    )


def test_bad_campaign_input_vietnamese_beside_fields_values_kept(client, people, agencies):  # noqa: F811
    client.force_login(people["admin"])
    page = client.get("/desk/khao-sat/moi/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ông/Bà hài lòng như thế nào về thủ tục hành chính?" in html
    response = client.post(
        "/desk/khao-sat/moi/",
        _form(title="", period_start="", sample_size="0"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhập tiêu đề." in html and "Nhập ngày." in html
    assert "Nhập một số từ 1 đến 1.000." in html and "Hãy chọn ít nhất một cơ quan." in html
    assert "31/03/2026" in html  # kept
    response = client.post(
        "/desk/khao-sat/moi/",
        _form(title="x" * 50_000, agencies=[agencies["trade"].pk]),
    )
    assert response.status_code == 400
    assert "Viết tối đa 300 ký tự." in response.content.decode()
    response = client.post(
        "/desk/khao-sat/moi/",
        _form(
            title="<script>alert(1)</script>",
            period_end="28/02/2026",
            agencies=[agencies["trade"].pk],
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ngày kết thúc kỳ khảo sát trước ngày bắt đầu." in html
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    from motcua.surveys.models import SurveyCampaign

    assert SurveyCampaign.objects.count() == 0


def test_campaign_created_sampled_sent_answered_on_the_portal(
    client, people, agencies, returned, orm, settings
):  # noqa: F811
    trade = agencies["trade"]
    for day in (2, 3, 4):
        returned(trade, dt.date(2026, 3, day))
    client.force_login(people["admin"])
    response = client.post("/desk/khao-sat/moi/", _form(agencies=[trade.pk]))
    assert response.status_code == 302, re.findall(
        r"error-summary.{0,600}", response.content.decode(), re.S
    )
    url = response["Location"]
    assert client.post(url + "thao-tac/sample/").status_code == 302
    assert client.post(url + "thao-tac/send/").status_code == 302
    page = client.get(url).content.decode()
    assert "Đang mở" in page and "CHƯA XÁC NHẬN" in page and "42" in page
    link = orm.Notification.objects.filter(kind="survey_invitation", channel="email").first().link
    token_path = re.sub(r"^https?://[^/]+", "", link)
    client.logout()

    form = client.get(token_path)
    assert form.status_code == 200
    names = sorted(set(re.findall(r'name="(q\d+)"', form.content.decode())))
    assert len(names) == 15
    missing = client.post(token_path, {names[0]: "4"})
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "Chưa gửi được câu trả lời: hãy trả lời tất cả các câu hỏi." in html
    assert 'value="4" checked' in html  # kept
    done = client.post(token_path, dict.fromkeys(names, "5"))
    assert done.status_code == 302 and done["Location"] == "/khao-sat/cam-on/"
    used = client.get(token_path)
    assert used.status_code == 410
    assert "Đường dẫn khảo sát này đã được sử dụng" in used.content.decode()
    again = client.post(token_path, dict.fromkeys(names, "1"))
    assert again.status_code == 410
    unknown = client.get("/khao-sat/khong-hop-le/")
    assert unknown.status_code == 404
    assert "Đường dẫn khảo sát không hợp lệ" in unknown.content.decode()

    client.force_login(people["supervisor"])
    results = client.get(url).content.decode()
    # One answer only: below the ratings' minimum, the agency's shares are withheld (anonymity).
    assert "100,0 %" not in results
    assert "không ai biết được ai đã trả lời" in results or "fewer than" in results
    settings.MOTCUA_RATING_MIN_COUNT = 1
    results = client.get(url).content.decode()
    assert "100,0 %" in results  # every answer 5: index 100 %


# --- desk: Q&A --------------------------------------------------------------------------------


def _ask(client: Any, code: str = "2.000004", **over: str) -> Any:
    data = {
        "asker_name": "Lò Thị Hoa",
        "asker_phone": "0912345678",
        "asker_email": "hoa@example.vn",
        "text": "Hồ sơ khuyến mại nộp trước bao nhiêu ngày?",
    }
    data.update(over)
    return client.post(f"/hoi-dap/{code}/gui/", data)


def _block_html(client: Any, code: str = "2.000004") -> str:
    """The Q&A block of the procedure page, rendered as the page renders it, with the
    client's session (values and messages kept after a mistake)."""
    from django.contrib.sessions.backends.db import SessionStore

    import motcua.portal.views_qa  # noqa: F401  (registers the block, as the URLconf does)
    from motcua.portal.procedure_blocks import procedure_blocks_render_list

    request = RequestFactory().get(f"/thu-tuc/{code}/")
    request.session = SessionStore(client.session.session_key)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    (block,) = [b for b in procedure_blocks_render_list(request, code) if b["name"] == "qa"]
    html = render_to_string(block["template"], block["context"], request=request)
    request.session.save()
    return html


def test_question_from_the_portal_answered_on_the_desk_published_without_personal_data(
    client, qa_people, agencies
):  # noqa: F811
    response = _ask(client)
    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/2.000004/#hoi-dap"
    from motcua.qa.models import Question

    q = Question.objects.get()
    assert _block_html(client).count("Hồ sơ khuyến mại nộp trước") == 0  # not published yet

    officer = qa_people["trade_officer"]
    client.force_login(officer)
    listing = client.get("/desk/hoi-dap/").content.decode()
    assert "Hồ sơ khuyến mại nộp trước bao nhiêu ngày?" in listing
    assert "0912345678" not in listing  # the list shows no contact
    answer_page = f"/desk/hoi-dap/cau-hoi/{q.pk}/"
    bad = client.post(answer_page, {"answer": "", "agency": str(agencies["trade"].pk)})
    assert bad.status_code == 400
    assert "Hãy nhập nội dung trả lời." in bad.content.decode()
    ok = client.post(
        answer_page,
        {
            "answer": "Trước ít nhất 5 ngày làm việc. <b>không</b>",
            "agency": str(agencies["trade"].pk),
            "publish": "on",
        },
    )
    assert ok.status_code == 302
    q.refresh_from_db()
    assert q.status == "published" and q.agency_id == agencies["trade"].pk
    client.logout()
    html = _block_html(client)
    assert "Hồ sơ khuyến mại nộp trước bao nhiêu ngày?" in html
    for private in ("Lò Thị Hoa", "0912345678", "hoa@example.vn"):
        assert private not in html
    assert "&lt;b&gt;không&lt;/b&gt;" in html  # HTML shown as text
    page = client.get("/thu-tuc/2.000004/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="hoi-dap"' in body and "Hồ sơ khuyến mại nộp trước bao nhiêu ngày?" in body
    for private in ("Lò Thị Hoa", "0912345678", "hoa@example.vn"):
        assert private not in body

    client.force_login(qa_people["build_officer"])
    assert client.get(answer_page).status_code == 404  # not their procedure
    assert client.post(answer_page, {"answer": "x", "agency": "1"}).status_code == 404
    client.force_login(qa_people["citizen"])
    assert client.get("/desk/hoi-dap/").status_code == 403


def test_question_form_bad_input_comes_back_beside_the_fields(client, qa_people):  # noqa: F811
    response = _ask(
        client, asker_name="", asker_phone="", asker_email="", text="<i>x</i>" + "a" * 50_000
    )
    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/2.000004/#hoi-dap-form"
    html = _block_html(client)
    assert "Nhập họ và tên." in html
    assert "Nhập số điện thoại hoặc địa chỉ email để nhận câu trả lời." in html
    assert "Viết tối đa 4.000 ký tự." in html
    assert "&lt;i&gt;x&lt;/i&gt;aaaa" in html  # kept, as text
    assert "<i>x</i>" not in html
    assert "Nhập họ và tên." not in _block_html(client)  # shown once
    from motcua.qa.models import Question

    assert Question.objects.count() == 0
    assert _ask(client, code="9.999999").status_code == 404


def test_question_form_rate_limited(client, qa_people, settings):  # noqa: F811
    for i in range(10):
        assert _ask(client, text=f"Câu hỏi số {i}").status_code == 302
    _ask(client, text="Câu hỏi thứ mười một")
    from motcua.qa.models import Question

    assert Question.objects.count() == 10
    assert "Có quá nhiều câu hỏi" in _block_html(client)


def test_faq_page_for_editors_only(client, qa_people):  # noqa: F811
    url = "/desk/hoi-dap/thu-tuc/2.000004/"
    client.force_login(qa_people["trade_officer"])
    assert client.get(url).status_code == 403
    client.force_login(qa_people["build_admin"])
    assert client.get(url).status_code == 403
    client.force_login(qa_people["trade_admin"])
    bad = client.post(url, {"question": "", "answer": "x", "order": "0"})
    assert bad.status_code == 400 and "Hãy viết câu hỏi." in bad.content.decode()
    ok = client.post(
        url, {"question": "Có mất phí không?", "answer": "Không.", "order": "1", "published": "on"}
    )
    assert ok.status_code == 302
    assert "Có mất phí không?" in client.get(url).content.decode()
    client.logout()
    assert "Có mất phí không?" in _block_html(client)


# --- demo ---------------------------------------------------------------------------------------


def test_demo_loads_a_closed_and_an_open_campaign_and_the_qa(people, agencies, returned):  # noqa: F811
    from django.utils import timezone

    from motcua.demo.surveys_qa import CLOSED, OPEN, demo_surveys_qa_load
    from motcua.qa.models import Faq, Question
    from motcua.surveys.models import SurveyCampaign, SurveyResponse

    today = timezone.localdate()
    for agency, n in ((agencies["trade"], 8), (agencies["build"], 5), (agencies["commune"], 3)):
        for i in range(n):
            returned(agency, today - dt.timedelta(days=30 + i))
            returned(agency, today - dt.timedelta(days=i))
    done = demo_surveys_qa_load()
    closed = SurveyCampaign.objects.get(title=CLOSED)
    assert closed.status == "closed" and closed.agencies.count() == 3
    assert SurveyResponse.objects.filter(campaign=closed).count() > 0
    assert SurveyCampaign.objects.get(title=OPEN).status == "open"
    assert Faq.objects.filter(procedure_code="2.000004").count() == 2
    assert Question.objects.filter(status="published").count() == 1  # only 2.000004 in this catalog
    assert demo_surveys_qa_load() == ["qa: already loaded"]  # idempotent
    assert SurveyCampaign.objects.count() == 2
    assert done
