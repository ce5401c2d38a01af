"""What to tell the person: the decision and why, in plain words, ready to share."""

from __future__ import annotations

import pytest

from ourplan.core.presenters import format_date
from ourplan.panels.presenters import panel_members, what_to_tell_the_person
from ourplan.testing import panels as make

pytestmark = pytest.mark.django_db


def test_given_no_decision_yet_then_there_is_nothing_to_tell(referral):
    assert what_to_tell_the_person(referral) == []


def test_given_a_decision_then_it_says_what_was_decided_why_and_how_to_disagree(
        panel_member, referral):
    decided = make.decide(panel_member, referral, member_users=[panel_member])

    said = "\n".join(what_to_tell_the_person(decided))

    assert f"On {format_date(decided.panel_date)}, a panel met" in said
    assert "The panel was 3 people" in said
    assert f"{panel_member}, Clinical director" in said
    assert "Asha Patel, clinical director" in said
    assert "They looked at 2 options and at what you think" in said
    assert "The panel chose option 1: Swim at the lake" in said
    assert "What the panel decided: Yes: the budget can pay" in said
    assert "Why they decided this: Swimming outdoors matters" in said
    assert "open-water safety training first." in said
    assert f"looked at again by {format_date(decided.review_date)}" in said
    assert "you have the right to appeal" in said


def test_given_none_of_the_options_then_it_says_why(panel_member, referral):
    decided = make.decide(panel_member, referral, chosen_option=None, conditions="",
                          review_date=None, none_reason="Neither option keeps her safe enough")

    said = what_to_tell_the_person(decided)

    assert ("The panel did not choose any of the options. This is why: Neither option keeps "
            "her safe enough.") in said
    assert not any("looked at again by" in s for s in said)
    assert not any("What needs to happen" in s for s in said)


def test_given_members_named_and_linked_then_all_are_listed(panel_member, referral):
    decided = make.decide(panel_member, referral, member_users=[panel_member],
                          members="Asha Patel, clinical director\n\n  ")

    assert panel_members(decided) == [f"{panel_member}, Clinical director",
                                      "Asha Patel, clinical director"]
