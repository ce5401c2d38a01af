"""The work queue: plans waiting for agreement or sign-off, refused plans (until resubmitted or
changed on appeal), appeals waiting, reviews due and overdue; "mine" (people whose care team I
am on) or "team" (everyone I can see); each list costs the same queries however many people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.governance import services
from ourplan.governance.models import AppealOutcome, SubmissionStatus
from ourplan.governance.queues import MINE, TEAM, work_queue
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.reviews.models import ReviewSchedule
from ourplan.testing import governance as make
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def manager(planner):
    make.matrix(planner.organisation)
    return make.approver(planner, Role.TEAM_MANAGER)


def _queue(user, whose=TEAM, today=None):
    return work_queue(user=user, whose=whose, today=today or timezone.localdate())


def _someone(planner):
    """Another person on the planner's team's caseload."""
    return TeamAllocationFactory(team=planner.teams.get()).person


def _submitted(planner, person):
    plan = make.ready_plan(planner, person)
    return services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version)


def _refused(planner, manager, person):
    submission = _submitted(planner, person)
    return services.submission_refuse(actor=manager, submission=submission,
                                      version=submission.version, reasons="Too risky",
                                      alternatives="A pendant alarm")


def _appealed(planner, refused):
    return services.appeal_lodge(actor=planner, person=refused.person, data={
        "kind": "refused_plan", "submission": refused, "asked_by": "person",
        "grounds": "I want to choose"})


def _due(person, on):
    ReviewSchedule.objects.update_or_create(plan=person.plan,
                                            defaults={"person": person, "due_on": on})


def _people(rows):
    return [row.person for row in rows]


def test_given_a_plan_at_record_and_agree_not_yet_agreed_then_it_awaits_agreement(
        planner, person):
    plan = make.ready_plan(planner, person, agree=False)
    agreed = make.ready_plan(planner, _someone(planner))
    plan_services.plan_start(actor=planner, person=_someone(planner))  # still at context

    queue = _queue(planner)

    assert queue.awaiting_agreement == [plan]
    assert agreed not in queue.awaiting_agreement
    assert queue.awaiting_agreement[0].reached_at is not None


def test_given_a_plan_back_at_record_and_agree_after_a_review_then_it_awaits_agreement_again(
        planner, person):
    plan = make.ready_plan(planner, person, approach="minimise")  # needs no sign-off
    for move in ("make_it_happen", "review", "start_again", "record"):
        plan.refresh_from_db()
        plan = plan_services.TRANSITION_SERVICES[move](actor=planner, plan=plan,
                                                       version=plan.version)

    assert _queue(planner).awaiting_agreement == [plan]

    plan_services.working_entry_add(actor=planner, plan=plan, data={  # the review changed it
        "kind": "not_working", "text": "Getting to the shop in winter"})
    make.agree_plan(planner, plan)
    assert _queue(planner).awaiting_agreement == []


def test_given_a_submission_waiting_then_it_is_listed_oldest_first(planner, manager, person):
    first = _submitted(planner, person)
    second = _submitted(planner, _someone(planner))

    queue = _queue(planner)

    assert queue.awaiting_sign_off == [first, second]
    assert queue.awaiting_agreement == []
    assert queue.refused == []


def test_given_a_refused_plan_then_it_is_listed_until_it_is_submitted_again(
        planner, manager, person):
    refused = _refused(planner, manager, person)
    assert _queue(planner).refused == [refused]

    again = services.plan_submit_for_sign_off(actor=planner, plan=person.plan,
                                              version=person.plan.version)

    queue = _queue(planner)
    assert queue.refused == []
    assert queue.awaiting_sign_off == [again]


def test_given_a_refusal_changed_on_appeal_then_it_is_no_longer_listed_as_refused(
        planner, manager, person):
    refused = _refused(planner, manager, person)
    appeal = _appealed(planner, refused)
    assert _queue(planner).under_appeal == [appeal]
    assert _queue(planner).refused == [refused]

    services.appeal_decide(actor=make.approver(planner, Role.CLINICAL_DIRECTOR), appeal=appeal,
                           version=appeal.version, outcome=AppealOutcome.CHANGED,
                           reasons="The phone is enough")

    queue = _queue(planner)
    assert (queue.refused, queue.under_appeal, queue.awaiting_sign_off) == ([], [], [])


def test_given_an_appeal_that_stands_then_the_refusal_is_still_listed(planner, manager,
                                                                      person):
    refused = _refused(planner, manager, person)
    appeal = _appealed(planner, refused)

    services.appeal_decide(actor=make.approver(planner, Role.CLINICAL_DIRECTOR), appeal=appeal,
                           version=appeal.version, outcome=AppealOutcome.STANDS,
                           reasons="Still too risky")

    queue = _queue(planner)
    assert (queue.refused, queue.under_appeal) == ([refused], [])


def test_appeals_waiting_are_listed_soonest_due_first(planner, manager, person):
    later = _appealed(planner, _refused(planner, manager, person))
    sooner_refusal = _refused(planner, manager, _someone(planner))
    sooner = services.appeal_lodge(actor=planner, person=sooner_refusal.person, data={
        "kind": "refused_plan", "submission": sooner_refusal, "asked_by": "person",
        "grounds": "Please look again",
        "lodged_on": timezone.localdate() - dt.timedelta(days=1)})

    assert _queue(planner).under_appeal == [sooner, later]


def test_a_withdrawn_submission_is_not_waiting(planner, manager, person):
    submission = _submitted(planner, person)
    services.submission_withdraw(actor=planner, submission=submission,
                                 version=submission.version)

    queue = _queue(planner)

    assert (queue.awaiting_sign_off, queue.refused) == ([], [])


def test_reviews_due_within_30_days_and_overdue_are_listed(planner, person):
    make.ready_plan(planner, person)
    soon, overdue, later = person, _someone(planner), _someone(planner)
    for someone in (overdue, later):
        make.ready_plan(planner, someone)
    _due(soon, TODAY + dt.timedelta(days=30))
    _due(overdue, TODAY - dt.timedelta(days=1))
    _due(later, TODAY + dt.timedelta(days=31))

    queue = _queue(planner, today=TODAY)

    assert _people(queue.reviews_due) == [soon]
    assert _people(queue.reviews_overdue) == [overdue]
    assert queue.total == 2


def test_given_mine_then_only_people_whose_care_team_i_am_on(planner, manager, person):
    mine = _submitted(planner, person)
    CareTeamMemberFactory(person=person, user=planner)
    teams = _submitted(planner, _someone(planner))
    ended = _someone(planner)
    CareTeamMemberFactory(person=ended, user=planner, start_date=dt.date(2020, 1, 1),
                          end_date=dt.date(2021, 1, 1))
    _submitted(planner, ended)
    _due(person, timezone.localdate())

    assert _queue(planner, MINE).awaiting_sign_off == [mine]
    assert _people(_queue(planner, MINE).reviews_due) == [person]
    assert len(_queue(planner, TEAM).awaiting_sign_off) == 3
    assert teams in _queue(planner, TEAM).awaiting_sign_off


@pytest.mark.parametrize("whose", ["", "everyone", None])
def test_given_an_unknown_choice_then_the_queue_is_mine(planner, person, whose):
    assert _queue(planner, whose).whose == MINE


def test_nobody_sees_people_outside_their_care(planner, manager, person, stranger):
    _refused(planner, manager, person)
    other_team = TeamFactory()
    outsider = UserFactory(role=Role.PRACTITIONER, teams=[other_team])
    TeamAllocationFactory(person=stranger, team=other_team)

    queue = _queue(outsider)

    assert queue.total == 0
    assert queue.people == []
    assert _queue(planner).people == [person]


def _fill(planner, manager, count):
    """`count` people in every list: awaiting agreement, awaiting sign-off, refused and under
    appeal, and a review due and one overdue."""
    today = timezone.localdate()
    for _ in range(count):
        make.ready_plan(planner, _someone(planner), agree=False)
        waiting = _someone(planner)
        _submitted(planner, waiting)
        _due(waiting, today + dt.timedelta(days=5))
        refused = _refused(planner, manager, _someone(planner))
        _appealed(planner, refused)
        _due(refused.person, today - dt.timedelta(days=5))


def _count_queries(planner, whose):
    with CaptureQueriesContext(connection) as queries:
        queue = _queue(planner, whose)
        [row.person.full_name for row in queue.awaiting_agreement]
        [(s.person.full_name, s.submitted_by, s.decided_by) for s in
         (*queue.awaiting_sign_off, *queue.refused)]
        [a.person.full_name for a in queue.under_appeal]
        [r.person.full_name for r in (*queue.reviews_due, *queue.reviews_overdue)]
        queue.people  # noqa: B018
    return len(queries), queue


@pytest.mark.parametrize("whose", [MINE, TEAM])
def test_the_queue_costs_the_same_queries_for_one_person_or_five(planner, manager, whose):
    _fill(planner, manager, 1)
    for member_of in Person.objects.all():
        CareTeamMemberFactory(person=member_of, user=planner)
    one, small = _count_queries(planner, whose)

    _fill(planner, manager, 4)
    for member_of in Person.objects.filter(care_team__isnull=True):
        CareTeamMemberFactory(person=member_of, user=planner)
    five, big = _count_queries(planner, whose)

    assert [len(x) for x in (small.awaiting_agreement, small.awaiting_sign_off, small.refused,
                             small.under_appeal, small.reviews_due, small.reviews_overdue)] \
        == [1, 1, 1, 1, 1, 1]
    assert [len(x) for x in (big.awaiting_agreement, big.awaiting_sign_off, big.refused,
                             big.under_appeal, big.reviews_due, big.reviews_overdue)] \
        == [5, 5, 5, 5, 5, 5]
    assert five == one
    assert all(s.status == SubmissionStatus.REFUSED for s in big.refused)
