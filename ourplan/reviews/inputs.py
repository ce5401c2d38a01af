"""What the review schedule reads from a plan, for a plan already reached through the user's
scope (or by the operator's command). A fixed number of queries whatever the plan's size."""

from __future__ import annotations

import datetime as dt

from ourplan.budgets.models import Budget, BudgetStatus, Holding, HoldingWay, Payment
from ourplan.plans.models import (
    DecisionRecord,
    HasCapacity,
    Plan,
    PlanVersion,
    ReviewArrangement,
    Risk,
)
from ourplan.reviews.models import Review, ReviewCircumstances, ReviewStatus, ReviewTrigger
from ourplan.reviews.schedule import ReviewDue, SoonerReason, Trigger, review_due_date

CURRENT_BUDGETS = (BudgetStatus.DRAFT, BudgetStatus.SIGNED_OFF)


def has_budget(plan: Plan) -> bool:
    """A budget being worked on or in force."""
    return Budget.objects.filter(plan=plan, status__in=CURRENT_BUDGETS).exists()


def has_direct_payment(plan: Plan) -> bool:
    """The budget in force, or the draft, holds some of the money as a direct payment."""
    return Holding.objects.filter(budget__plan=plan, budget__status__in=CURRENT_BUDGETS,
                                  way=HoldingWay.DIRECT_PAYMENT).exists()


def first_direct_payment_on(plan: Plan) -> dt.date | None:
    """The date of the first payment of a line paid by a direct payment, in any budget of the
    plan (the first may have been made under a budget since replaced)."""
    return (Payment.objects.filter(budget__plan=plan,
                                   line__holding__way=HoldingWay.DIRECT_PAYMENT)
            .order_by("paid_on").values_list("paid_on", flat=True).first())


def sooner_reasons(plan: Plan) -> set[str]:
    """The reasons in the plan, and in the circumstances kept here, for six-monthly reviews."""
    reasons: set[str] = set()
    circumstances = ReviewCircumstances.objects.filter(plan=plan).first()
    if circumstances is not None:
        for name in ("isolated", "degenerative_condition", "fluctuating_condition"):
            if getattr(circumstances, name):
                reasons.add(SoonerReason(name))
    if DecisionRecord.objects.filter(
            plan=plan, capacity__in=[HasCapacity.NO, HasCapacity.FLUCTUATING]).exists():
        reasons.add(SoonerReason.LACKS_CAPACITY)
    if Risk.objects.filter(plan=plan).exists():
        reasons.add(SoonerReason.IDENTIFIED_RISK)
    return reasons


def review_due_now(plan: Plan) -> ReviewDue | None:
    """The next review's due date and reason from what the plan records now."""
    last_review = (Review.objects.filter(plan=plan, status=ReviewStatus.COMPLETED)
                   .order_by("-completed_at").values_list("completed_at", flat=True).first())
    first_agreed = (PlanVersion.objects.filter(plan=plan).order_by("number")
                    .values_list("agreed_at", flat=True).first())
    arrangement = ReviewArrangement.objects.filter(plan=plan).first()
    triggers = [Trigger(reason, occurred) for reason, occurred in
                ReviewTrigger.objects.filter(plan=plan, resolved_by_review__isnull=True)
                .values_list("reason", "occurred_on")]
    direct = has_direct_payment(plan)
    return review_due_date(
        last_review=last_review, first_agreed=first_agreed, has_direct_payment=direct,
        first_direct_payment=first_direct_payment_on(plan) if direct else None,
        sooner=sooner_reasons(plan), triggers=triggers,
        arranged_on=arrangement.planned_date if arrangement else None,
        arranged_every_months=arrangement.interval_months if arrangement else None,
    )
