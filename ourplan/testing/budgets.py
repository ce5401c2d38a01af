"""Building budgets for tests through the real services (no shortcuts past the rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ourplan.accounts.models import Role, User
from ourplan.budgets import services
from ourplan.budgets.models import Budget, CostLine, Holding
from ourplan.plans import services as plan_services
from ourplan.plans.models import Outcome, Plan
from ourplan.testing.factories import UserFactory

YEAR_START = dt.date(2026, 4, 1)


def commissioner_for(planner: User) -> User:
    """A commissioner on the same teams as `planner`, so they see the same people."""
    user: User = UserFactory(role=Role.COMMISSIONER, organisation=planner.organisation,  # type: ignore[assignment]
                             teams=list(planner.teams.all()))
    return user


def plan_with_outcome(actor: User, person: Any) -> tuple[Plan, Outcome]:
    plan = plan_services.plan_start(actor=actor, person=person)
    outcome = plan_services.outcome_add(actor=actor, plan=plan, data={
        "need": "Help with physical tasks since my stroke",
        "text": "I can make my own cup of tea in my kitchen by the summer",
    })
    return plan, outcome


def budget(actor: User, plan: Plan, **data: Any) -> Budget:
    values = {"eligibility": "chc_adult", "starts_on": YEAR_START,
              "indicative_amount": Decimal("20000.00"),
              "indicative_basis": "Resource allocation: 12 hours' support a week"} | data
    return services.budget_start(actor=actor, plan=plan, data=values)


def line(actor: User, budget: Budget, outcome: Outcome, **data: Any) -> CostLine:
    values = {"outcome": outcome, "item": "Perching stool", "category": "equipment",
              "unit_cost": Decimal("120.00"), "quantity": Decimal("1"),
              "frequency": "one_off"} | data
    budget.refresh_from_db()
    return services.cost_line_add(actor=actor, budget=budget, version=budget.version,
                                  data=values)


def holding(actor: User, budget: Budget, **data: Any) -> Holding:
    values = {"way": "notional", "amount": budget.amount, "accountable": "NHS Riverside ICB",
              "held_by": "PHB team"} | data
    budget.refresh_from_db()
    return services.holding_add(actor=actor, budget=budget, version=budget.version,
                                data=values)


def signed_off_budget(planner: User, commissioner: User, plan: Plan, outcome: Outcome,
                      amount: Decimal = Decimal("5000.00")) -> Budget:
    """A budget in force: one notional holding paying for one weekly line, within budget."""
    draft = budget(planner, plan, final_amount=amount)
    held = holding(planner, draft, amount=amount)
    line(planner, draft, outcome, item="Gardening help", category="activity",
         unit_cost=Decimal("40.00"), frequency="weekly", holding=held)
    draft.refresh_from_db()
    return services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)
