"""Reading referrals: a detail read is audited with the person, an attempt outside the scope is
audited and not found; the search finds words anywhere in the question, decision, rationale or
principle, filters, pages newest first and audits each person shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.core.audit import Action
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.models import AuditEvent
from ourplan.panels import selectors
from ourplan.panels.models import PanelReferral
from ourplan.testing import panels as make
from ourplan.testing.factories import TeamAllocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _another(planner, team, **data):
    person = TeamAllocationFactory(team=team).person
    return make.refer(planner, make.plan_for(planner, person), **data)


def _found(user, **filters):
    return list(selectors.panel_referral_search(user=user, **filters).page.object_list)


def test_given_a_panel_member_reads_a_referral_then_the_read_is_audited_with_the_person(
        panel_member, referral, person):
    read = selectors.panel_referral_get(user=panel_member, referral_id=referral.pk)

    assert read == referral
    event = AuditEvent.objects.get(action="panel_referral.viewed")
    assert (event.person, event.actor, event.object_id) == (person, panel_member,
                                                            str(referral.pk))


def test_given_someone_outside_the_scope_then_it_is_not_found_and_the_attempt_audited(
        other_icb_member, referral, person):
    with pytest.raises(NotFound):
        selectors.panel_referral_get(user=other_icb_member, referral_id=referral.pk)

    event = AuditEvent.objects.get(action=Action.PERSON_ACCESS_REFUSED)
    assert (event.person, event.object_type) == (person, "panels.panelreferral")
    assert not AuditEvent.objects.filter(action="panel_referral.viewed").exists()


@pytest.mark.parametrize("referral_id",
                         ["not-a-uuid", None, "0d1f0e1e-8f4b-4a51-9f52-0e3e6f0e0a11"])
def test_given_an_unknown_id_then_it_is_not_found(panel_member, referral_id):
    with pytest.raises(NotFound):
        selectors.panel_referral_get(user=panel_member, referral_id=referral_id)


@pytest.mark.parametrize(("query", "where"), [
    ("WILD swimming", "the question"),
    ("trained assistant", "the rationale"),
    ("lake swimming", "the decision"),
    ("safety plan outdoor", "the principle"),
])
def test_given_words_from_any_searched_part_then_the_decision_is_found(
        planner, commissioner, decided, team, query, where):
    make.mark_principle(commissioner, decided)
    _another(planner, team, question="Can the budget pay for a season ticket to the football?")

    assert _found(commissioner, query=query) == [decided], where


def test_given_words_that_are_not_all_there_then_nothing_is_found(commissioner, decided):
    assert _found(commissioner, query="swimming football") == []


def test_given_filters_then_only_matching_referrals_are_found(
        planner, commissioner, decided, team):
    waiting = _another(planner, team, reason="disagreement")
    make.mark_principle(commissioner, decided)

    assert _found(commissioner, status="referred") == [waiting]
    assert _found(commissioner, status="decided") == [decided]
    assert _found(commissioner, reason="disagreement") == [waiting]
    assert _found(commissioner, principles_only=True) == [decided]
    assert _found(commissioner, person=decided.person) == [decided]


def test_given_many_referrals_then_they_come_newest_first_a_page_at_a_time(
        planner, panel_member, plan, settings):
    settings.PAGE_SIZE = 2
    made = [make.refer(planner, plan) for _ in range(3)]
    for n, referral in enumerate(made):
        PanelReferral.objects.filter(pk=referral.pk).update(
            referred_at=timezone.now() - dt.timedelta(days=10 - n))

    first = selectors.panel_referral_search(user=panel_member)
    second = selectors.panel_referral_search(user=panel_member, page_number=2)

    assert first.total == 3
    assert list(first.page.object_list) == [made[2], made[1]]
    assert list(second.page.object_list) == [made[0]]


def test_given_a_search_then_each_person_shown_is_audited_as_listed(
        planner, commissioner, decided, team, person):
    other = _another(planner, team)

    selectors.panel_referral_search(user=commissioner, query="swimming")

    listed = AuditEvent.objects.filter(action="panel_referral.listed")
    assert {e.person for e in listed} == {person, other.person}
    assert {e.changes["query"] for e in listed} == {"swimming"}


def test_given_the_search_then_planners_see_only_people_they_can_see(
        planner, other_icb_member, referral):
    outsider = UserFactory(role=Role.PRACTITIONER)

    assert _found(planner) == [referral]
    assert _found(outsider) == []
    assert _found(other_icb_member) == []


def test_given_another_role_then_the_search_is_not_allowed(icb, referral):
    with pytest.raises(NotAllowed):
        selectors.panel_referral_search(user=UserFactory(role=Role.ADMINISTRATOR,
                                                         organisation=icb))


def test_given_local_principles_then_they_are_found_by_their_words_only(
        planner, commissioner, decided):
    make.mark_principle(commissioner, decided)

    assert list(selectors.local_principles(user=planner).page.object_list) == [decided]
    assert list(selectors.local_principles(user=planner, query="safety").page.object_list) \
        == [decided]
    assert list(selectors.local_principles(user=planner, query="lake").page.object_list) == []


def test_given_staff_outside_any_icb_then_local_principles_are_not_allowed(db):
    with pytest.raises(NotAllowed):
        selectors.local_principles(user=UserFactory(organisation=None))
