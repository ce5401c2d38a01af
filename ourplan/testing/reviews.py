"""Building plans ready for review, direct payments and reviews for tests, through the real
services (no shortcuts past the rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.budgets import services as budget_services
from ourplan.budgets.models import Budget, Payment
from ourplan.plans import services as plan_services
from ourplan.plans.models import Outcome, Plan
from ourplan.plans.workflow import NEEDED_TO_LEAVE, SectionStatus, Stage, sections_for
from ourplan.reviews import services
from ourplan.reviews.models import Review, ReviewTrigger
from ourplan.testing import budgets as make_budget

OUTCOME_TEXT = "I can make my own cup of tea in my kitchen by the summer"


def YEAR_START() -> dt.date:  # noqa: N802 (reads like the budgets helper's constant)
    return timezone.localdate() - dt.timedelta(days=60)


def _complete_for(actor: User, plan: Plan) -> Plan:
    for section in NEEDED_TO_LEAVE[Stage(plan.stage)]:
        if section in sections_for(plan.kind):
            plan = plan_services.plan_section_set_status(
                actor=actor, plan=plan, version=plan.version, section=section,
                status=SectionStatus.COMPLETED)
    return plan


def agree(actor: User, plan: Plan) -> Plan:
    """From the conversation stage: record the plan and have the person agree it."""
    plan.refresh_from_db()
    plan = _complete_for(actor, plan)
    plan = plan_services.plan_record(actor=actor, plan=plan, version=plan.version)
    plan = _complete_for(actor, plan)
    plan_services.plan_agree(actor=actor, plan=plan, version=plan.version, agreed_by="person",
                             how="Signed at home")
    plan.refresh_from_db()
    return plan


def plan_in_action(actor: User, person: Any, *, outcomes: int = 1) -> tuple[Plan, list[Outcome]]:
    """A plan agreed and at "make it happen", with `outcomes` outcomes."""
    plan = plan_services.plan_start(actor=actor, person=person)
    made = [plan_services.outcome_add(actor=actor, plan=plan, data={
        "need": "Help with physical tasks since my stroke",
        "text": OUTCOME_TEXT if n == 0 else f"I walk to the shop on my own, {n} times a week"})
        for n in range(outcomes)]
    for move in (plan_services.plan_prepare, plan_services.plan_hold_conversation):
        plan = _complete_for(actor, plan)
        plan = move(actor=actor, plan=plan, version=plan.version)
    plan = agree(actor, plan)
    plan = plan_services.plan_make_it_happen(actor=actor, plan=plan, version=plan.version)
    return plan, made


def direct_payment_budget(planner: User, commissioner: User, plan: Plan, outcome: Outcome, *,
                          paid_on: dt.date | None = None) -> Budget:
    """A signed-off budget held as a direct payment paid to the person, for a year that began
    two months ago, with one payment on `paid_on` if given."""
    amount = Decimal("5000.00")
    draft = make_budget.budget(planner, plan, final_amount=amount, starts_on=YEAR_START())
    held = make_budget.holding(planner, draft, way="direct_payment", amount=amount,
                               held_by="", paid_to="person", payment_amount=Decimal("416.67"),
                               payment_frequency="monthly", notice_days=28)
    make_budget.line(planner, draft, outcome, item="Gardening help", category="activity",
                     unit_cost=Decimal("40.00"), frequency="weekly", holding=held)
    draft.refresh_from_db()
    signed = budget_services.budget_sign_off(actor=commissioner, budget=draft,
                                             version=draft.version)
    if paid_on is not None:
        pay(planner, signed, paid_on)
    return signed


def pay(actor: User, budget: Budget, paid_on: dt.date) -> Payment:
    return budget_services.payment_record(actor=actor, budget=budget, data={
        "line": budget.lines.get(), "paid_on": paid_on, "amount": Decimal("40.00")})


def trigger(actor: User, plan: Plan, *, reason: str = "deterioration",
            occurred_on: dt.date | None = None,
            details: str = "A fall at home; walking is harder") -> ReviewTrigger:
    return services.review_trigger_record(
        actor=actor, plan=plan, reason=reason, details=details,
        occurred_on=occurred_on or timezone.localdate())


def review_ready_to_finish(actor: User, plan: Plan, *, result: str = "achieved",
                           **answers: Any) -> Review:
    """A review started, with a result for every current outcome and the priorities written
    (budget and direct-payment answers come from `answers`)."""
    plan.refresh_from_db()
    review = services.review_start(actor=actor, plan=plan, version=plan.version)
    return services.review_update(actor=actor, review=review, version=review.version, data={
        "priorities": "Get back to the allotment twice a week", **answers,
        "outcome_results": [{"outcome": o, "result": result, "comment": ""}
                            for o in services.current_outcomes(plan)],
    })
