"""Satisfaction surveys (issue 14 item 4; ADR 0041): the sample drawn from its seed, one
answer per invitation, anonymous responses, the index computed by hand, deny by default."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

import pytest

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.surveys.api import (
    Answer,
    campaign_close,
    campaign_create,
    campaign_results,
    campaign_sample,
    campaign_send,
    sample_draw,
    survey_answer,
    survey_index,
)
from motcua.surveys.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _campaign(people: dict[str, Any], agencies: dict[str, Any], **kw: Any) -> SurveyCampaign:
    return campaign_create(
        actor=kw.pop("actor", people["admin"]),
        title=kw.pop("title", "Khảo sát quý I/2026"),
        period_start=MARCH[0],
        period_end=MARCH[1],
        agency_ids=kw.pop("agency_ids", [agencies["trade"].pk, agencies["build"].pk]),
        sample_size=kw.pop("sample_size", 5),
        seed=kw.pop("seed", 20260331),
        **kw,
    )


def _tokens(orm: Any) -> list[str]:
    """The raw tokens, read back from the links of the portal entries (e-mails)."""
    links = orm.Notification.objects.filter(kind="survey_invitation", channel="email").values_list(
        "link", flat=True
    )
    return [urlparse(link).path.rstrip("/").rsplit("/", 1)[-1] for link in links]


def _answers(campaign: SurveyCampaign, value: int = 4, **by_factor: int) -> dict[str, str]:
    return {
        f"q{q.pk}": str(by_factor.get(f"f{q.factor}", value))
        for q in SurveyQuestion.objects.filter(campaign=campaign)
    }


# --- the sample -------------------------------------------------------------------------------


def test_same_seed_same_sample_and_another_seed_another():
    population = list(range(1, 201))
    first = sample_draw(population=population, size=10, seed=7, agency_code="H11.05")
    assert first == sample_draw(
        population=list(reversed(population)), size=10, seed=7, agency_code="H11.05"
    )
    assert len(first) == 10 and set(first) <= set(population)
    assert first != sample_draw(population=population, size=10, seed=8, agency_code="H11.05")
    assert first != sample_draw(population=population, size=10, seed=7, agency_code="H11.07")
    assert sample_draw(population=[3, 1, 2], size=10, seed=7, agency_code="X") == [1, 2, 3]


def test_sample_from_dossiers_returned_in_the_period_reproducible(people, agencies, returned):
    trade, build = agencies["trade"], agencies["build"]
    in_period = [returned(trade, dt.date(2026, 3, d)) for d in range(2, 14)]
    returned(trade, dt.date(2026, 2, 28))  # before the period
    returned(trade, dt.date(2026, 4, 1))  # after it
    returned(trade, dt.date(2026, 3, 5), status="result_ready")  # not returned yet
    build_ones = [returned(build, dt.date(2026, 3, 31)), returned(build, dt.date(2026, 3, 1))]

    campaign = _campaign(people, agencies)
    drawn = campaign_sample(actor=people["admin"], campaign=campaign)
    assert drawn == {trade.pk: 5, build.pk: 2}
    first = set(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("dossier_id", flat=True)
    )
    assert first <= {d.pk for d in in_period + build_ones}
    assert {d.pk for d in build_ones} <= first

    campaign_sample(actor=people["admin"], campaign=campaign)  # again: the same
    again = set(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("dossier_id", flat=True)
    )
    assert again == first
    twin = _campaign(people, agencies, title="Bản sao")
    campaign_sample(actor=people["admin"], campaign=twin)
    assert (
        set(SurveyInvitation.objects.filter(campaign=twin).values_list("dossier_id", flat=True))
        == first
    )
    other = _campaign(people, agencies, title="Hạt giống khác", seed=1)
    campaign_sample(actor=people["admin"], campaign=other)
    other_trade = set(
        SurveyInvitation.objects.filter(campaign=other, agency=trade).values_list(
            "dossier_id", flat=True
        )
    )
    assert other_trade != {i for i in first if i in {d.pk for d in in_period}}


# --- invitations and answers ------------------------------------------------------------------


def test_invitations_store_only_a_hash_and_one_answer_per_link(people, agencies, returned, orm):
    trade = agencies["trade"]
    for d in range(2, 5):
        returned(trade, dt.date(2026, 3, d))
    returned(trade, dt.date(2026, 3, 6), phone="", email=None)  # no way to reach the applicant
    campaign = _campaign(people, agencies, agency_ids=[trade.pk], sample_size=10)
    campaign_sample(actor=people["admin"], campaign=campaign)
    assert campaign_send(actor=people["admin"], campaign=campaign) == 3
    campaign.refresh_from_db()
    assert campaign.status == "open"
    tokens = _tokens(orm)
    assert len(tokens) == 3
    stored = set(
        SurveyInvitation.objects.exclude(token_hash=None).values_list("token_hash", flat=True)
    )
    assert len(stored) == 3 and not stored & set(tokens)  # only hashes are kept
    assert orm.Notification.objects.filter(kind="survey_invitation", channel="sms").count() == 3

    response = survey_answer(token=tokens[0], answers=_answers(campaign))
    assert response.agency_id == trade.pk
    with pytest.raises(Conflict) as used:
        survey_answer(token=tokens[0], answers=_answers(campaign, 1))
    assert used.value.code == "used"
    assert "đã được sử dụng" in used.value.message
    assert SurveyResponse.objects.count() == 1
    assert set(SurveyAnswer.objects.values_list("value", flat=True)) == {4}
    with pytest.raises(NotFound):
        survey_answer(token="khong-co-that", answers=_answers(campaign))

    results = campaign_results(campaign=campaign)
    assert [(r.sampled, r.sent, r.responses) for r in results] == [(4, 3, 1)]
    assert results[0].rate == pytest.approx(1 / 3)

    campaign_close(actor=people["admin"], campaign=campaign)
    with pytest.raises(Conflict) as closed:
        survey_answer(token=tokens[1], answers=_answers(campaign))
    assert closed.value.code == "closed"
    assert SurveyResponse.objects.count() == 1


def test_a_response_cannot_lead_back_to_the_invitation_or_the_dossier():
    response_fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert response_fields == {"id", "campaign", "agency", "period_start", "period_end", "answers"}
    answer_fields = {f.name for f in SurveyAnswer._meta.get_fields()}
    assert answer_fields == {"id", "response", "question", "value"}
    # A random key and no timestamp: neither ids nor times follow the invitations' order.
    assert SurveyResponse._meta.pk.get_internal_type() == "UUIDField"
    assert not [
        f.name
        for f in SurveyResponse._meta.concrete_fields
        if f.get_internal_type() in ("DateTimeField", "AutoField", "BigAutoField")
    ]
    invitation_fields = {f.name for f in SurveyInvitation._meta.get_fields()}
    assert "response" not in invitation_fields
    assert SurveyInvitation._meta.get_field("answered_on").get_internal_type() == "DateField"


def test_answers_are_checked_and_nothing_is_kept_half_way(people, agencies, returned, orm):
    trade = agencies["trade"]
    returned(trade, dt.date(2026, 3, 2))
    campaign = _campaign(people, agencies, agency_ids=[trade.pk])
    campaign_sample(actor=people["admin"], campaign=campaign)
    campaign_send(actor=people["admin"], campaign=campaign)
    (token,) = _tokens(orm)
    answers = _answers(campaign)
    q_first = next(iter(answers))
    with pytest.raises(ValidationFailed) as missing:
        survey_answer(token=token, answers={**answers, q_first: ""})
    assert missing.value.field_errors[q_first] == ["Vui lòng chọn mức đánh giá."]
    with pytest.raises(ValidationFailed) as bad:
        survey_answer(token=token, answers={**answers, q_first: "<script>alert(1)</script>"})
    assert bad.value.field_errors[q_first] == ["Vui lòng chọn một trong các mức đánh giá."]
    with pytest.raises(ValidationFailed):
        survey_answer(token=token, answers={**answers, q_first: "6"})
    assert SurveyResponse.objects.count() == 0
    assert SurveyInvitation.objects.get().answered_on is None
    # Factor 5 (complaints) may be left out.
    factor5 = {f"q{q.pk}" for q in SurveyQuestion.objects.filter(campaign=campaign, factor=5)}
    survey_answer(token=token, answers={k: v for k, v in answers.items() if k not in factor5})
    assert SurveyAnswer.objects.count() == 12


# --- the index --------------------------------------------------------------------------------


HAND_BUILT = [
    # factor 1: two satisfaction questions (2/4 and 4/4 satisfied) and a perception one
    *(Answer(1, 1, "satisfaction", v) for v in (5, 4, 3, 2)),
    *(Answer(6, 1, "satisfaction", v) for v in (4, 4, 4, 4)),
    *(Answer(7, 1, "perception", v) for v in (1, 1, 1, 1)),
    *(Answer(2, 2, "satisfaction", v) for v in (4, 4, 4, 1)),  # 3/4
    *(Answer(3, 3, "satisfaction", v) for v in (5, 5, 5, 5)),  # 4/4
    *(Answer(4, 4, "satisfaction", v) for v in (1, 2, 3, 4)),  # 1/4
    *(Answer(5, 5, "satisfaction", v) for v in (4, 3)),  # 1/2
]


def test_index_on_a_hand_built_set_of_answers(settings):
    result = survey_index(HAND_BUILT)
    assert result.question_shares == {1: 0.5, 6: 1.0, 2: 0.75, 3: 1.0, 4: 0.25, 5: 0.5}
    assert result.factor_index == {1: 0.75, 2: 0.75, 3: 1.0, 4: 0.25, 5: 0.5}
    # (0.75 + 0.75 + 1 + 0.25 + 0.5) / 5
    assert result.index == pytest.approx(0.65)
    assert result.kind_shares[(1, "perception")] == 0.0

    settings.MOTCUA_SURVEY_FACTOR_WEIGHTS = (2, 1, 1, 1, 0)
    # (2 × 0.75 + 0.75 + 1 + 0.25) / 5
    assert survey_index(HAND_BUILT).index == pytest.approx(0.7)
    settings.MOTCUA_SURVEY_FACTOR_WEIGHTS = None
    settings.MOTCUA_SURVEY_SATISFIED_MIN = 5
    # factor shares: 1 → (1/4 + 0)/2, 2 → 0, 3 → 1, 4 → 0, 5 → 0
    assert survey_index(HAND_BUILT).index == pytest.approx((0.125 + 0 + 1 + 0 + 0) / 5)


def test_a_factor_nobody_answered_is_left_out():
    result = survey_index([Answer(1, 1, "satisfaction", 5), Answer(2, 2, "satisfaction", 1)])
    assert result.factor_index[3] is None
    assert result.index == pytest.approx(0.5)
    assert survey_index([]).index is None


def test_index_per_agency_from_answers_given_through_links(people, agencies, returned, orm):
    trade, build = agencies["trade"], agencies["build"]
    for d in (2, 3):
        returned(trade, dt.date(2026, 3, d))
        returned(build, dt.date(2026, 3, d))
    campaign = _campaign(people, agencies)
    campaign_sample(actor=people["admin"], campaign=campaign)
    campaign_send(actor=people["admin"], campaign=campaign)
    by_agency: dict[int, list[str]] = {}
    for token in _tokens(orm):
        from motcua.surveys.api import invitation_for_token

        by_agency.setdefault(invitation_for_token(token=token).agency_id, []).append(token)
    # Sở Công Thương: one applicant satisfied on everything, one only on factors 1 and 2.
    survey_answer(token=by_agency[trade.pk][0], answers=_answers(campaign, 5))
    survey_answer(token=by_agency[trade.pk][1], answers=_answers(campaign, 2, f1=4, f2=4))
    # Sở Xây dựng: one answer, nobody satisfied.
    survey_answer(token=by_agency[build.pk][0], answers=_answers(campaign, 3))
    results = {r.agency.pk: r for r in campaign_results(campaign=campaign)}
    assert results[trade.pk].result.factor_index == {1: 1.0, 2: 1.0, 3: 0.5, 4: 0.5, 5: 0.5}
    assert results[trade.pk].result.index == pytest.approx(0.7)
    assert results[build.pk].result.index == 0.0
    assert results[build.pk].rate == 0.5


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["supervisor", "trade_admin", "officer", "nobody"])
def test_only_the_province_admin_runs_campaigns(people, agencies, who):
    with pytest.raises(PermissionDenied):
        _campaign(people, agencies, actor=people[who])
    assert SurveyCampaign.objects.count() == 0


def test_campaign_fields_checked_in_vietnamese(people, agencies):
    with pytest.raises(ValidationFailed) as exc:
        campaign_create(
            actor=people["admin"],
            title="x" * 50_000,
            period_start=dt.date(2026, 3, 31),
            period_end=dt.date(2026, 3, 1),
            agency_ids=[],
            sample_size=0,
        )
    errors = exc.value.field_errors
    assert errors["title"] == ["Viết tối đa 300 ký tự."]
    assert errors["period_end"] == ["Ngày kết thúc kỳ khảo sát trước ngày bắt đầu."]
    assert errors["agencies"] == ["Hãy chọn ít nhất một cơ quan."]
    assert errors["sample_size"] == ["Nhập một số từ 1 đến 1.000."]
    assert SurveyCampaign.objects.count() == 0


def test_default_questions_five_factors_three_kinds(people, agencies):
    campaign = _campaign(people, agencies)
    rows = list(SurveyQuestion.objects.filter(campaign=campaign).values_list("factor", "kind"))
    assert len(rows) == 15
    assert {(f, k) for f, k in rows} == {
        (f, k) for f in range(1, 6) for k in ("perception", "satisfaction", "expectation")
    }
