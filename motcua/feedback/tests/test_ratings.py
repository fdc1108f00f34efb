"""Satisfaction ratings: once per dossier, only after the result, only by the applicant,
anonymous, and aggregated right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models

from motcua.core import clock
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers.tests.conftest import at
from motcua.feedback.api import rating_state, rating_submit, satisfaction_summary
from motcua.feedback.models import Rating, RatingReceipt

pytestmark = pytest.mark.django_db

GOOD = {"access": 5, "procedure": 4, "staff": 5, "result": 4, "complaints": ""}


def test_the_applicant_who_proved_the_pin_rates_once(finished):
    d = finished()
    with clock.at(at(2026, 3, 5, 10, 0)):
        receipt = rating_submit(
            dossier_code=d.code, user=None, proven_codes=[d.code], scores=GOOD, comment="Nhanh"
        )
    assert receipt.dossier_id == d.pk and receipt.rated_on == dt.date(2026, 3, 5)
    rating = Rating.objects.get()
    assert (rating.agency_id, rating.receiving_agency_id) == (
        d.deciding_agency_id,
        d.receiving_agency_id,
    )
    assert (rating.procedure_code, rating.period, rating.channel) == (
        "2.000004",
        dt.date(2026, 3, 1),
        "desk",
    )
    assert (rating.score_access, rating.score_complaints, rating.comment) == (5, None, "Nhanh")
    with pytest.raises(Conflict) as exc:
        rating_submit(dossier_code=d.code, user=None, proven_codes=[d.code], scores=GOOD)
    assert exc.value.code == "already_rated"
    assert (Rating.objects.count(), RatingReceipt.objects.count()) == (1, 1)
    state = rating_state(dossier_code=d.code, user=None, proven_codes=[d.code])
    assert (state.allowed, state.ready, state.rated) == (True, True, True)


def test_not_before_the_result(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    with pytest.raises(Conflict) as exc:
        rating_submit(dossier_code=d.code, user=None, proven_codes=[d.code], scores=GOOD)
    assert exc.value.code == "not_ratable_yet"
    assert Rating.objects.count() == 0 and RatingReceipt.objects.count() == 0


def test_nobody_else_may_rate(finished, django_user_model):
    d = finished()
    stranger = django_user_model.objects.create_user(username="la", password="pw-12345-x")
    with pytest.raises(PermissionDenied):
        rating_submit(dossier_code=d.code, user=stranger, proven_codes=[], scores=GOOD)
    with pytest.raises(PermissionDenied):
        rating_submit(dossier_code=d.code, user=None, proven_codes=["H11-000"], scores=GOOD)
    assert Rating.objects.count() == 0 and RatingReceipt.objects.count() == 0


def test_answers_must_be_on_the_scale(finished):
    d = finished()
    with pytest.raises(ValidationFailed) as exc:
        rating_submit(
            dossier_code=d.code,
            user=None,
            proven_codes=[d.code],
            scores={**GOOD, "access": "", "staff": 9},
        )
    assert set(exc.value.field_errors) == {"access", "staff"}
    assert Rating.objects.count() == 0 and RatingReceipt.objects.count() == 0


def test_a_rating_cannot_be_traced_to_a_dossier_or_a_person():
    related = {
        f.related_model._meta.label
        for f in Rating._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }
    assert related == {"accounts.Agency"}
    kinds = {type(f) for f in Rating._meta.get_fields() if not f.is_relation}
    assert models.DateTimeField not in kinds  # only the month is kept
    assert isinstance(Rating._meta.pk, models.UUIDField)
    receipt_related = {
        f.related_model._meta.label
        for f in RatingReceipt._meta.get_fields()
        if f.is_relation and f.related_model is not None
    }
    assert receipt_related == {"dossiers.Dossier"}
    assert {f.name for f in RatingReceipt._meta.get_fields()} == {"id", "dossier", "rated_on"}


def _rating(agency, scores, period=dt.date(2026, 3, 1), comment=""):
    a, p, s, r, c = scores
    return Rating.objects.create(
        agency=agency,
        receiving_agency=agency,
        procedure_code="2.000004",
        period=period,
        channel="online",
        score_access=a,
        score_procedure=p,
        score_staff=s,
        score_result=r,
        score_complaints=c,
        comment=comment,
    )


def test_aggregates_on_hand_made_data(agencies, settings):
    settings.MOTCUA_RATING_MIN_COUNT = 5
    trade, build = agencies["trade"], agencies["build"]
    for scores in [
        (5, 4, 5, 5, None),
        (4, 4, 3, 5, 2),
        (3, 2, 5, 4, None),
        (5, 5, 5, 5, 5),
        (1, 3, 4, 2, None),
    ]:
        _rating(trade, scores, comment="Tốt" if scores[0] == 5 else "")
    _rating(build, (5, 5, 5, 5, 5))  # one rating: too few to show
    _rating(trade, (1, 1, 1, 1, 1), period=dt.date(2026, 1, 1))  # outside the period
    total, rows = satisfaction_summary(
        agency_ids=[trade.pk, build.pk],
        period_from=dt.date(2026, 3, 1),
        period_to=dt.date(2026, 3, 31),
        with_comments=True,
    )
    assert total.count == 6 and total.shown
    by_key = {f.key: f for f in total.factors}
    # access: 5,4,3,5,1,5 → 4 of 6 satisfied; average 23/6.
    assert (by_key["access"].answered, by_key["access"].satisfied) == (6, 4)
    assert by_key["access"].percent_satisfied == 66.7
    assert by_key["access"].average == 3.83
    assert [n for _v, _l, n in by_key["access"].distribution] == [1, 0, 1, 1, 3]
    # complaints: answered 3 times (2, 5, 5): 2 of 3.
    assert (by_key["complaints"].answered, by_key["complaints"].satisfied) == (3, 2)
    # procedure 4,4,2,5,3,5 → 4/6; staff 5,3,5,5,4,5 → 5/6; result 5,5,4,5,2,5 → 5/6.
    expected_index = (4 / 6 + 4 / 6 + 5 / 6 + 5 / 6 + 2 / 3) * 100 / 5
    assert total.index == round(expected_index, 1) == 73.3
    assert total.comments == ["Tốt", "Tốt"]
    trade_row, build_row = rows
    assert (trade_row.agency_code, trade_row.count, trade_row.shown) == ("H11.05", 5, True)
    assert {f.key: f.satisfied for f in trade_row.factors}["staff"] == 4
    assert (build_row.agency_code, build_row.count, build_row.shown) == ("H11.07", 1, False)
    assert build_row.factors == [] and build_row.index is None


def test_too_few_ratings_show_only_the_count(agencies, settings):
    settings.MOTCUA_RATING_MIN_COUNT = 5
    _rating(agencies["trade"], (5, 5, 5, 5, 5), comment="Anh Minh rất nhiệt tình")
    total, rows = satisfaction_summary(agency_ids=[agencies["trade"].pk], with_comments=True)
    assert (total.count, total.shown, total.factors, total.comments) == (1, False, [], [])
    assert rows[0].shown is False
