"""Reading reviews: the work queues (due soon, overdue) only hold people the user can see,
and take a fixed number of queries however many rows they hold; single reads are audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ourplan.core.errors import NotFound
from ourplan.core.models import AuditEvent
from ourplan.reviews import selectors, services
from ourplan.testing import reviews as make
from ourplan.testing.factories import TeamAllocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _plan_with_trigger(planner, team, days_ago, reason="deterioration"):
    """A plan in action with a trigger `days_ago` days back (due 14 days after it)."""
    plan, _ = make.plan_in_action(planner, TeamAllocationFactory(team=team).person)
    make.trigger(planner, plan, reason=reason, occurred_on=today() - dt.timedelta(days=days_ago))
    return plan


def _rows(queryset):
    """Everything a queue page shows of each row."""
    return [(s.due_on, s.person.full_name, s.plan.stage, s.review_in_progress, s.reason)
            for s in queryset]


def test_reviews_due_hold_those_due_within_the_window_soonest_first(planner, team):
    soon = _plan_with_trigger(planner, team, days_ago=10)  # due in 4 days
    later = _plan_with_trigger(planner, team, days_ago=1)  # due in 13 days
    _plan_with_trigger(planner, team, days_ago=20)  # overdue
    make.plan_in_action(planner, TeamAllocationFactory(team=team).person)  # a year away

    due = list(selectors.reviews_due(user=planner, within_days=7, today=today()))
    fortnight = list(selectors.reviews_due(user=planner, within_days=14, today=today()))

    assert [s.plan_id for s in due] == [soon.pk]
    assert [s.plan_id for s in fortnight] == [soon.pk, later.pk]


def test_reviews_overdue_hold_those_past_their_date_most_overdue_first(planner, team):
    late = _plan_with_trigger(planner, team, days_ago=30)
    less_late = _plan_with_trigger(planner, team, days_ago=20)
    _plan_with_trigger(planner, team, days_ago=2)

    overdue = list(selectors.reviews_overdue(user=planner, today=today()))

    assert [s.plan_id for s in overdue] == [late.pk, less_late.pk]


def test_the_queues_hold_only_people_the_user_can_see(planner, team):
    _plan_with_trigger(planner, team, days_ago=20)
    elsewhere = UserFactory()

    assert not selectors.reviews_overdue(user=elsewhere, today=today()).exists()
    assert not selectors.reviews_due(user=elsewhere, within_days=400, today=today()).exists()


def test_the_queues_say_whether_a_review_is_in_progress(planner, team):
    plan = _plan_with_trigger(planner, team, days_ago=20)
    services.review_start(actor=planner, plan=plan, version=plan.version)

    (row,) = selectors.reviews_overdue(user=planner, today=today())

    assert row.review_in_progress is True


def _queries(func):
    with CaptureQueriesContext(connection) as captured:
        _rows(func())
    return len(captured.captured_queries)


def test_the_queues_take_no_more_queries_as_they_grow(planner, team):
    _plan_with_trigger(planner, team, days_ago=20)
    _plan_with_trigger(planner, team, days_ago=5)

    def due():
        return selectors.reviews_due(user=planner, within_days=30, today=today())

    def overdue():
        return selectors.reviews_overdue(user=planner, today=today())

    few = (_queries(due), _queries(overdue))
    for days_ago in (25, 22, 21, 6, 4, 3):
        _plan_with_trigger(planner, team, days_ago=days_ago)
    many = (_queries(due), _queries(overdue))

    assert len(_rows(due())) == 4
    assert len(_rows(overdue())) == 4
    assert many == few == (1, 1)


def test_a_review_is_read_only_through_its_own_plan_and_audited(planner, person, team):
    plan, _ = make.plan_in_action(planner, person)
    review = services.review_start(actor=planner, plan=plan, version=plan.version)
    other_plan, _ = make.plan_in_action(planner, TeamAllocationFactory(team=team).person)

    assert selectors.review_get(user=planner, plan=plan, review_id=review.pk) == review
    with pytest.raises(NotFound):
        selectors.review_get(user=planner, plan=other_plan, review_id=review.pk)
    with pytest.raises(NotFound):
        selectors.review_get(user=UserFactory(), plan=plan, review_id=review.pk)
    assert AuditEvent.objects.filter(action="review.viewed", person=person).count() == 1
