"""The referral's journey: referred, then decided, then shared; nothing skips or goes back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ourplan.panels.workflow import (
    ALREADY_SHARED,
    TRANSITIONS,
    ReferralStatus,
    check_transition,
    transitions_from,
)


def test_given_the_table_then_each_status_moves_on_once():
    assert [(t.name, t.source, t.target) for t in TRANSITIONS] == [
        ("decide", ReferralStatus.REFERRED, ReferralStatus.DECIDED),
        ("share", ReferralStatus.DECIDED, ReferralStatus.SHARED),
    ]
    assert transitions_from(ReferralStatus.SHARED) == ()


@pytest.mark.parametrize(("status", "name"), [
    (ReferralStatus.REFERRED, "decide"), (ReferralStatus.DECIDED, "share")])
def test_given_the_right_status_then_the_transition_is_allowed(status, name):
    assert check_transition(status, name).source == status


@pytest.mark.parametrize(("status", "name", "message"), [
    (ReferralStatus.DECIDED, "decide", "The panel's decision has already been recorded"),
    (ReferralStatus.SHARED, "decide", "The panel's decision has already been recorded"),
    (ReferralStatus.REFERRED, "share", "Record the panel's decision before sharing it"),
    (ReferralStatus.SHARED, "share", ALREADY_SHARED),
])
def test_given_the_wrong_status_then_the_transition_is_refused_saying_why(status, name, message):
    with pytest.raises(ValidationError) as error:
        check_transition(status, name)

    assert error.value.message_dict == {"status": [message]}
