"""The transition table on its own (no database)."""

import pytest

from motcua.dossiers.workflow import (
    ACTION_STATUSES,
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
ALL = list(DossierStatus)


def test_every_status_has_a_row_and_a_national_code():
    assert set(TRANSITIONS) == set(ALL)
    assert set(NATIONAL_STATUS) == set(ALL)
    assert set(NATIONAL_STATUS.values()) == {1, 2, 3, 4, 5, 7, 8, 9, 10}


def test_terminal_statuses_lead_nowhere():
    for status in TERMINAL:
        assert TRANSITIONS[status] == frozenset()


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_pair(current, target):
    allowed = target in TRANSITIONS[current]
    assert can_transition(current, target) is allowed
    if allowed:
        assert_can_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            assert_can_transition(current, target)


def test_every_status_is_reachable_from_intake():
    seen = {S.SUBMITTED, S.RECEIVED, S.COMPLETION_REQUESTED, S.REFUSED}
    frontier = list(seen)
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(ALL)


def test_actions_are_only_offered_where_they_can_act():
    assert set(ACTION_STATUSES) == set(Action)
    for action, statuses in ACTION_STATUSES.items():
        assert not statuses & TERMINAL, action
        for status in ALL:
            if status in statuses:
                assert_action_allowed(action, status)
            else:
                with pytest.raises(InvalidTransition):
                    assert_action_allowed(action, status)


def test_result_only_once_processed():
    assert S.RESULT_READY not in ACTION_STATUSES[Action.WITHDRAW]
    assert ACTION_STATUSES[Action.RETURN_RESULT] == {S.RESULT_READY}
