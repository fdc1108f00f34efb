"""The transition table on its own (no database), checked against tables written out by hand
from the regulation (../shared/domain.md: §1.4 the lifecycle and its rules, §1.5 the national
statuses, and "What this means for motcua"), not against TRANSITIONS itself: a wrong entry in
workflow.py fails here.

Where domain.md says nothing, the entry is a decision of motcua and is listed apart with the
reason (NOT_FROM_THE_REGULATION)."""

import pytest

from motcua.dossiers.workflow import (
    ACTION_STATUSES,
    INITIAL,
    NATIONAL_STATUS,
    TERMINAL,
    TRANSITIONS,
    Action,
    DossierStatus,
    InvalidTransition,
    assert_action_allowed,
    assert_can_transition,
    can_transition,
)

S = DossierStatus
A = Action
ALL = list(DossierStatus)

#: §1.5, one code per status (5 "Yêu cầu bổ sung giấy tờ" serves both completion requests;
#: 6, the financial obligation, is not a status of ours).
NATIONAL_BY_HAND = {
    S.SUBMITTED: 1,  # Mới đăng ký
    S.RECEIVED: 2,  # Được tiếp nhận
    S.REFUSED: 3,  # Không được tiếp nhận
    S.PROCESSING: 4,  # Đang xử lý
    S.COMPLETION_REQUESTED: 5,  # Yêu cầu bổ sung giấy tờ (form 02, at reception)
    S.SUPPLEMENT_REQUESTED: 5,  # Yêu cầu bổ sung giấy tờ (during processing)
    S.WITHDRAWN: 7,  # Công dân yêu cầu rút hồ sơ
    S.CANCELLED: 8,  # Dừng xử lý
    S.RESULT_READY: 9,  # Đã xử lý xong
    S.RETURNED: 10,  # Đã trả kết quả
}

#: How a dossier starts: the three outcomes of reception at the desk (§1.4 "Outcome of
#: reception": form 01, 02, 03) and an online submission waiting for the desk.
INITIAL_BY_HAND = {S.SUBMITTED, S.RECEIVED, S.COMPLETION_REQUESTED, S.REFUSED}

#: Every status change the regulation allows, with where it says so.
BY_THE_REGULATION = {
    # §1.4 "Reception – online": accept or ask for completion within 8 working hours;
    # "Outcome of reception": complete → form 01, incomplete → form 02, not acceptable → 03.
    (S.SUBMITTED, S.RECEIVED),
    (S.SUBMITTED, S.COMPLETION_REQUESTED),
    (S.SUBMITTED, S.REFUSED),
    # After form 02 the applicant completes the dossier: online it is submitted again (and
    # reviewed as a new submission), at the desk it is received; it may still be refused.
    # Form 02 is given once and in full, so there is no second completion request.
    (S.COMPLETION_REQUESTED, S.SUBMITTED),
    (S.COMPLETION_REQUESTED, S.RECEIVED),
    (S.COMPLETION_REQUESTED, S.REFUSED),
    # §1.4 "Transfer (Art 18)": a received dossier goes to the deciding agency's processing.
    (S.RECEIVED, S.PROCESSING),
    # Handovers between the steps of processing (and a step sent back) stay national 4.
    (S.PROCESSING, S.PROCESSING),
    # §1.4 "Processing – supplement during processing": one request (a second counts late);
    # the clock stops and runs again when the supplement arrives.
    (S.PROCESSING, S.SUPPLEMENT_REQUESTED),
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING),
    # §1.5 9 "Đã xử lý xong": the result, or the refusal after appraisal with its reasons
    # (§1.4), is ready to return.
    (S.PROCESSING, S.RESULT_READY),
    # §1.4 "Result return (Art 22)".
    (S.RESULT_READY, S.RETURNED),
    # §1.4 "Stop / withdrawal (Art 21)": the applicant may ask to stop while there is no
    # decision or result yet (form 05) — never once the result is ready.
    (S.SUBMITTED, S.WITHDRAWN),
    (S.COMPLETION_REQUESTED, S.WITHDRAWN),
    (S.RECEIVED, S.WITHDRAWN),
    (S.PROCESSING, S.WITHDRAWN),
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN),
    # §1.5 8 "Dừng xử lý": processing stopped by the agency; §1.4 "Supplement window": a
    # supplement not sent within the window closes the dossier.
    (S.RECEIVED, S.CANCELLED),
    (S.PROCESSING, S.CANCELLED),
    (S.SUPPLEMENT_REQUESTED, S.CANCELLED),
}

#: Allowed by TRANSITIONS though domain.md does not name them (reported with issue 10).
NOT_FROM_THE_REGULATION = {
    # Every result comes out of processing (complete, approve and reject act only while
    # processing), so no action takes this one; a same-day dossier resolved at the desk
    # would, but the steps of every version start with the desk's intake and then forward.
    (S.RECEIVED, S.RESULT_READY),
}

#: The statuses in which each action may be taken, and the status it leads to (None: the
#: status stays, the dossier moves between steps or agencies, or only its deadline changes).
ACTIONS_BY_HAND: dict[Action, tuple[set[DossierStatus], set[DossierStatus | None]]] = {
    A.ACCEPT: ({S.SUBMITTED, S.COMPLETION_REQUESTED}, {S.RECEIVED}),
    # Form 02 is given once: after a completion request the desk accepts or refuses.
    A.REQUEST_COMPLETION: ({S.SUBMITTED}, {S.COMPLETION_REQUESTED}),
    A.REFUSE: ({S.SUBMITTED, S.COMPLETION_REQUESTED}, {S.REFUSED}),
    A.TAKE: ({S.RECEIVED, S.PROCESSING}, {None}),
    A.FORWARD: ({S.RECEIVED, S.PROCESSING}, {S.PROCESSING}),
    A.SEND_BACK: ({S.PROCESSING}, {None}),
    A.CONSULT: ({S.PROCESSING}, {None}),
    # A consulted agency may still answer while the applicant prepares a supplement.
    A.ANSWER_CONSULTATION: ({S.PROCESSING, S.SUPPLEMENT_REQUESTED}, {None}),
    A.TRANSFER: ({S.PROCESSING}, {None}),
    A.REQUEST_SUPPLEMENT: ({S.PROCESSING}, {S.SUPPLEMENT_REQUESTED}),
    A.RECEIVE_SUPPLEMENT: ({S.SUPPLEMENT_REQUESTED}, {S.PROCESSING}),
    A.COMPLETE: ({S.PROCESSING}, {S.RESULT_READY}),
    A.APPROVE: ({S.PROCESSING}, {S.RESULT_READY, None}),  # the last step, or one of several
    A.REJECT: ({S.PROCESSING}, {S.RESULT_READY}),
    # §1.4 "Late dossiers": the apology (form 04) comes before the due date, while the dossier
    # is still being handled (the clock paused counts too); it changes the appointment only.
    A.APOLOGIZE: ({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}, {None}),
    A.RETURN_RESULT: ({S.RESULT_READY}, {S.RETURNED}),
    A.WITHDRAW: (
        {S.SUBMITTED, S.COMPLETION_REQUESTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED},
        {S.WITHDRAWN},
    ),
    A.CANCEL: ({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}, {S.CANCELLED}),
}
#: The applicant completing a dossier online after form 02 (dossier_resubmit): not an
#: officer's action.
APPLICANT_RESUBMIT = (S.COMPLETION_REQUESTED, S.SUBMITTED)


def test_the_hand_tables_do_not_overlap():
    assert not BY_THE_REGULATION & NOT_FROM_THE_REGULATION


def test_every_status_has_a_row_and_its_national_code():
    assert set(TRANSITIONS) == set(ALL)
    assert dict(NATIONAL_STATUS) == NATIONAL_BY_HAND


def test_a_dossier_starts_in_one_of_the_initial_statuses():
    assert set(INITIAL) == INITIAL_BY_HAND


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_pair(current, target):
    allowed = (current, target) in BY_THE_REGULATION | NOT_FROM_THE_REGULATION
    assert can_transition(current, target) is allowed
    if allowed:
        assert_can_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            assert_can_transition(current, target)


def test_terminal_statuses_lead_nowhere():
    assert set(TERMINAL) == {S.REFUSED, S.RETURNED, S.WITHDRAWN, S.CANCELLED}
    for status in TERMINAL:
        assert TRANSITIONS[status] == frozenset()


def test_every_status_is_reachable_from_intake():
    seen = set(INITIAL_BY_HAND)
    frontier = list(seen)
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(ALL)


@pytest.mark.parametrize("action", list(Action))
def test_each_action_where_it_may_be_taken(action):
    statuses, _targets = ACTIONS_BY_HAND[action]
    assert set(ACTION_STATUSES[action]) == statuses
    for status in ALL:
        if status in statuses:
            assert_action_allowed(action, status)
        else:
            with pytest.raises(InvalidTransition):
                assert_action_allowed(action, status)


def test_every_action_leads_where_the_table_allows():
    assert set(ACTIONS_BY_HAND) == set(Action)
    for action, (statuses, targets) in ACTIONS_BY_HAND.items():
        assert not statuses & TERMINAL, action
        for status in statuses:
            for target in targets - {None}:
                assert target is not None
                assert can_transition(status, target), (action, status, target)
    assert can_transition(*APPLICANT_RESUBMIT)


def test_every_allowed_change_but_one_is_made_by_an_action():
    made = {
        (status, target)
        for statuses, targets in ACTIONS_BY_HAND.values()
        for status in statuses
        for target in targets
        if target is not None
    } | {APPLICANT_RESUBMIT}
    allowed = {(s, t) for s, targets in TRANSITIONS.items() for t in targets}
    assert allowed - made == NOT_FROM_THE_REGULATION


def test_result_only_once_processed():
    assert S.RESULT_READY not in ACTION_STATUSES[Action.WITHDRAW]
    assert ACTION_STATUSES[Action.RETURN_RESULT] == {S.RESULT_READY}
