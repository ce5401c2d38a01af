"""Reminding the named coordinator that a review is coming: 30 days and 7 days before it is
due, through the outbox (`ourplan.notifications.services.message_send`).

Run once a day (`manage.py send_review_reminders`). A reminder is sent when the due date is
that many days away or less (and not yet passed), so a day the job did not run loses nothing;
a review brought forward to within a week gets only the 7-day reminder. The message key
names the plan, the due date and the reminder, so a rerun sends each once, and a new due date
gets its own reminders.

Only the named coordinator is told, and only when they use Ourplan and have an email address
(a current place on the care team): otherwise nobody is. The email names the person and the
date, never why the review is due, which may be about their health: that is read after
signing in."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from ourplan.core.presenters import format_date
from ourplan.notifications.models import Message
from ourplan.notifications.services import message_send
from ourplan.people.models import CareTeamMember
from ourplan.people.querysets import current_on
from ourplan.reviews.models import ReviewSchedule

REMINDER_DAYS = (30, 7)
SUBJECT = "Review of {name}'s plan due by {due}"
BODY = ("The review of {name}'s personalised care and support plan is due by {due}, in {days}.\n"
        "\n"
        "You are their named coordinator. Sign in to Ourplan and open their reviews page to see "
        "why it is due and to start the review.")


def reminder_key(schedule: ReviewSchedule, days: int) -> str:
    return f"review-due:{schedule.plan_id}:{schedule.due_on}:{days}"


def _reminder(days_left: int) -> int | None:
    """Which reminder is due with `days_left` days to go: the nearest one not yet passed."""
    fitting = [days for days in REMINDER_DAYS if days_left <= days]
    return min(fitting) if fitting else None


def _in(days: int) -> str:
    return {0: "today", 1: "1 day"}.get(days, f"{days} days")


@transaction.atomic
def review_reminders_send(*, today: dt.date) -> int:
    """Send the reminders due on `today`; return how many were sent (not counting any sent
    before under the same key)."""
    schedules = list(
        ReviewSchedule.objects.filter(due_on__gte=today,
                                      due_on__lte=today + dt.timedelta(days=max(REMINDER_DAYS)))
        .select_related("person"))
    wanted: dict[str, tuple[ReviewSchedule, dt.date]] = {}
    for schedule in schedules:
        if schedule.due_on is None:  # never: filtered above
            continue
        days = _reminder((schedule.due_on - today).days)
        if days is not None:
            wanted[reminder_key(schedule, days)] = (schedule, schedule.due_on)
    already = set(Message.objects.filter(key__in=wanted).values_list("key", flat=True))
    coordinators = {
        member.person_id: member.user
        for member in CareTeamMember.objects.filter(
            current_on(today), Q(user__isnull=False) & ~Q(user__email=""),
            is_named_coordinator=True, user__is_active=True,
            person_id__in={s.person_id for s, _ in wanted.values()})
        .select_related("user")
    }
    sent = 0
    for key, (schedule, due_on) in wanted.items():
        coordinator = coordinators.get(schedule.person_id)
        if key in already or coordinator is None:
            continue
        name, due = schedule.person.full_name, format_date(due_on)
        message_send(key=key, to=[coordinator], subject=SUBJECT.format(name=name, due=due),
                     body=BODY.format(name=name, due=due, days=_in((due_on - today).days)),
                     person=schedule.person)
        sent += 1
    return sent
