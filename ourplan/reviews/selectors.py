"""Reading reviews: scoped through the person (`visible_to`) and audited. Each read takes a
fixed number of queries whatever the number of triggers, reviews or outcomes.

The work-queue selectors (`reviews_due`, `reviews_overdue`) return querysets of stored
schedules; the page that lists them audits the people it shows (`audit_record_reads`), as
caseload lists do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.plans.models import Plan, ReviewArrangement
from ourplan.reviews.inputs import has_budget, has_direct_payment, sooner_reasons
from ourplan.reviews.models import (
    Review,
    ReviewCircumstances,
    ReviewOutcome,
    ReviewSchedule,
    ReviewStatus,
    ReviewTrigger,
)
from ourplan.reviews.schedule import SoonerReason, Trigger, trigger_due_on


@dataclass(frozen=True)
class TriggerRow:
    trigger: ReviewTrigger
    review_by: dt.date


@dataclass(frozen=True)
class ReviewsOverview:
    """Everything the reviews page shows about one plan."""

    plan: Plan
    schedule: ReviewSchedule
    circumstances: ReviewCircumstances | None
    sooner: list[str]  # the reasons for six-monthly reviews, in words
    arrangement: ReviewArrangement | None
    open_triggers: list[TriggerRow]
    in_progress: Review | None
    completed: list[Review]
    has_budget: bool
    has_direct_payment: bool


def reviews_overview(*, user: User, plan: Plan, schedule: ReviewSchedule) -> ReviewsOverview:
    """The reviews of a plan already read through the user's scope, audited as a read."""
    reviews = list(Review.objects.visible_to(user).filter(plan=plan)
                   .select_related("started_by", "completed_by").order_by("-started_at"))
    triggers = list(ReviewTrigger.objects.visible_to(user)
                    .filter(plan=plan, resolved_by_review__isnull=True)
                    .select_related("raised_by").order_by("occurred_on", "raised_at"))
    reasons = sooner_reasons(plan)
    audit_record(actor=user, action="reviews.viewed", person=plan.person, obj=plan)
    return ReviewsOverview(
        plan=plan, schedule=schedule,
        circumstances=ReviewCircumstances.objects.visible_to(user).filter(plan=plan).first(),
        sooner=[r.label for r in SoonerReason if r.value in reasons],
        arrangement=ReviewArrangement.objects.filter(plan=plan).first(),
        open_triggers=[TriggerRow(t, trigger_due_on(Trigger(t.reason, t.occurred_on)))
                       for t in triggers],
        in_progress=next((r for r in reviews if not r.is_completed), None),
        completed=[r for r in reviews if r.is_completed],
        has_budget=has_budget(plan),
        has_direct_payment=has_direct_payment(plan),
    )


def review_circumstances(*, user: User, plan: Plan) -> ReviewCircumstances | None:
    return ReviewCircumstances.objects.visible_to(user).filter(plan=plan).first()


def review_get(*, user: User, plan: Plan, review_id: Any) -> Review:
    """One review of the plan, with its results and the triggers it answers; audited."""
    review = (
        Review.objects.visible_to(user).filter(plan=plan, pk=review_id)
        .select_related("plan", "person", "started_by", "completed_by")
        .prefetch_related(
            Prefetch("outcome_results",
                     queryset=ReviewOutcome.objects.select_related("outcome")),
            Prefetch("triggers", queryset=ReviewTrigger.objects.select_related("raised_by")
                     .order_by("occurred_on")),
        )
        .first()
    ) if review_id else None
    if review is None:
        raise NotFound()
    audit_record(actor=user, action="review.viewed", person=plan.person, obj=review)
    return review


# --- work queues ---------------------------------------------------------------------------------

def _queue(user: User) -> QuerySet[ReviewSchedule]:
    in_progress = Review.objects.filter(person=OuterRef("person"),
                                        status=ReviewStatus.IN_PROGRESS)
    return (ReviewSchedule.objects.visible_to(user).filter(due_on__isnull=False)
            .select_related("person", "plan")
            .annotate(review_in_progress=Exists(in_progress))
            .order_by("due_on", "person__family_name", "person__given_name"))


def reviews_due(*, user: User, within_days: int, today: dt.date) -> QuerySet[ReviewSchedule]:
    """Reviews due from `today` to `within_days` days later, for people the user can see,
    soonest first. Each row has `person`, `plan` and `review_in_progress` with no further
    query."""
    return _queue(user).filter(due_on__gte=today,
                               due_on__lte=today + dt.timedelta(days=within_days))


def reviews_overdue(*, user: User, today: dt.date) -> QuerySet[ReviewSchedule]:
    """Reviews whose due date has passed, for people the user can see, most overdue first."""
    return _queue(user).filter(due_on__lt=today)
