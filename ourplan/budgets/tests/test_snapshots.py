"""The budget sheet is part of what the person agrees: it is in the plan's snapshot, and the
plain-words list of changes since the agreed version names budget changes."""

from __future__ import annotations

from decimal import Decimal

from ourplan.budgets import services
from ourplan.plans.snapshots import describe_changes, plan_snapshot
from ourplan.testing import budgets as make


def test_given_a_plan_without_a_budget_then_its_snapshot_has_no_budget(planner, person):
    plan, _ = make.plan_with_outcome(planner, person)

    assert "budget" not in plan_snapshot(plan)


def test_given_budget_changes_then_they_are_described_in_plain_words(planner, person):
    plan, outcome = make.plan_with_outcome(planner, person)
    before = plan_snapshot(plan)
    budget = make.budget(planner, plan, indicative_amount=Decimal("1000.00"))
    added = plan_snapshot(plan)
    make.line(planner, budget, outcome, item="Perching stool", unit_cost=Decimal("95.00"))
    budget.refresh_from_db()
    services.budget_update(actor=planner, budget=budget, version=budget.version,
                           data={"final_amount": Decimal("1200.00")})
    after = plan_snapshot(plan)

    assert describe_changes(before, added) == ["Added a personal health budget"]
    assert describe_changes(added, before) == ["The personal health budget was taken out"]
    assert describe_changes(added, after) == [
        "Budget: final budget moved from not set to £1,200.00",
        "Budget: added Perching stool (£95.00 a year)",
    ]
    assert after["budget"]["lines"][0]["annual_cost"] == "95.00"
    assert describe_changes(after, plan_snapshot(plan)) == []
