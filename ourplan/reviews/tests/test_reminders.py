"""Reminders to the named coordinator 30 and 7 days before a review is due, sent once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ourplan.notifications.models import Message
from ourplan.reviews.models import ReviewSchedule
from ourplan.reviews.reminders import review_reminders_send
from ourplan.testing import reviews as make
from ourplan.testing.factories import CareTeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def plan(planner, person):
    plan, _ = make.plan_in_action(planner, person)
    # A change of circumstances today: the review is due in 28 days.
    make.trigger(planner, plan, reason="change_of_circumstances", details="Moved house")
    return plan


@pytest.fixture
def due_on(plan):
    return ReviewSchedule.objects.get(plan=plan).due_on


@pytest.fixture
def coordinator(person):
    user = UserFactory(email="sam.coordinator@example.nhs.uk")
    CareTeamMemberFactory(person=person, user=user, is_named_coordinator=True,
                          start_date=today() - dt.timedelta(days=90))
    return user


def test_the_named_coordinator_is_reminded_30_days_and_7_days_before(plan, person, due_on,
                                                                      coordinator):
    first = review_reminders_send(today=due_on - dt.timedelta(days=30))
    between = review_reminders_send(today=due_on - dt.timedelta(days=20))
    second = review_reminders_send(today=due_on - dt.timedelta(days=7))

    assert (first, between, second) == (1, 0, 1)
    keys = set(Message.objects.values_list("key", flat=True))
    assert keys == {f"review-due:{plan.pk}:{due_on}:30", f"review-due:{plan.pk}:{due_on}:7"}
    message = Message.objects.get(key=f"review-due:{plan.pk}:{due_on}:7")
    assert message.recipients == ["sam.coordinator@example.nhs.uk"]
    assert message.person == person
    assert message.subject == f"Review of {person.full_name}'s plan due by " \
                              f"{due_on.day} {due_on:%B %Y}"
    assert "in 7 days" in message.body
    assert "Moved house" not in message.body  # why it is due is read after signing in


def test_a_rerun_sends_nothing_twice(plan, due_on, coordinator):
    day = due_on - dt.timedelta(days=7)

    assert review_reminders_send(today=day) == 1
    assert review_reminders_send(today=day) == 0
    assert Message.objects.count() == 1


def test_a_review_due_within_a_week_gets_only_the_7_day_reminder(plan, due_on, coordinator):
    assert review_reminders_send(today=due_on - dt.timedelta(days=3)) == 1

    assert Message.objects.get().key.endswith(":7")
    assert "in 3 days" in Message.objects.get().body


def test_a_day_the_job_did_not_run_loses_nothing(plan, due_on, coordinator):
    assert review_reminders_send(today=due_on - dt.timedelta(days=26)) == 1

    assert Message.objects.get().key.endswith(":30")


def test_nothing_is_sent_before_30_days_or_after_the_due_date(plan, due_on, coordinator):
    assert review_reminders_send(today=due_on - dt.timedelta(days=31)) == 0
    assert review_reminders_send(today=due_on + dt.timedelta(days=1)) == 0
    assert not Message.objects.exists()


def test_without_a_named_coordinator_nobody_is_reminded(plan, person, due_on):
    CareTeamMemberFactory(person=person, user=UserFactory(), is_named_coordinator=False)

    assert review_reminders_send(today=due_on - dt.timedelta(days=7)) == 0
    assert not Message.objects.exists()


def test_a_named_coordinator_without_an_email_address_is_not_reminded(plan, person, due_on):
    CareTeamMemberFactory(person=person, user=UserFactory(email=""), is_named_coordinator=True)

    assert review_reminders_send(today=due_on - dt.timedelta(days=7)) == 0


def test_a_named_coordinator_who_does_not_use_ourplan_is_not_reminded(plan, person, due_on):
    CareTeamMemberFactory(person=person, user=None, name="Sam Jones",
                          email="sam@example.org", is_named_coordinator=True)

    assert review_reminders_send(today=due_on - dt.timedelta(days=7)) == 0


def test_a_new_due_date_gets_its_own_reminders(planner, plan, due_on, coordinator):
    review_reminders_send(today=due_on - dt.timedelta(days=7))
    make.trigger(planner, plan, reason="unplanned_admission", details="Admitted after a fall")
    sooner = ReviewSchedule.objects.get(plan=plan).due_on

    assert sooner < due_on
    assert review_reminders_send(today=sooner - dt.timedelta(days=7)) == 1
    assert Message.objects.count() == 2


def test_the_command_sends_todays_reminders(plan, due_on, coordinator):
    out = StringIO()

    call_command("send_review_reminders", stdout=out)

    assert "Review reminders sent: 1" in out.getvalue()  # due in 28 days: the 30-day one
