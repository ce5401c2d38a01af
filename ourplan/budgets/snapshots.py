"""The budget sheet as JSON, for the plan's agreed versions: what the person agreed to pay for,
how the money is held and what each line costs a year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ourplan.budgets.models import Budget, BudgetStatus
from ourplan.budgets.money import pounds
from ourplan.core.audit import snapshot

BUDGET_KEYS = ("eligibility", "starts_on", "ends_on", "indicative_amount",
               "indicative_basis", "final_amount")
HOLDING_KEYS = ("way", "amount", "held_by", "accountable", "records_to_keep", "paid_to",
                "payment_amount", "payment_frequency", "notice_days")
LINE_KEYS = ("outcome_id", "item", "category", "supplier", "unit_cost", "quantity",
             "frequency", "annual_cost", "unusual", "unusual_decision")


def budget_snapshot(plan: Any) -> dict[str, Any] | None:
    budgets = {b.status: b for b in Budget.objects.filter(
        plan=plan, status__in=[BudgetStatus.DRAFT, BudgetStatus.SIGNED_OFF]
    ).prefetch_related("holdings", "lines__holding")}
    budget = budgets.get(BudgetStatus.DRAFT) or budgets.get(BudgetStatus.SIGNED_OFF)
    if budget is None:
        return None
    return {
        **snapshot(budget, BUDGET_KEYS),
        "holdings": [snapshot(h, HOLDING_KEYS) for h in budget.holdings.all()],
        "lines": [{**snapshot(line, LINE_KEYS),
                   "paid_by": line.holding.way if line.holding else None}
                  for line in budget.lines.all()],
    }


def _money(value: Any) -> str:
    return pounds(Decimal(value)) if value not in (None, "") else "not set"


def describe_budget_changes(before: dict[str, Any] | None,
                            after: dict[str, Any] | None) -> list[str]:
    """The budget sheet's changes between two agreed versions, in plain words."""
    if before == after:
        return []
    if before is None or after is None:
        return ["Added a personal health budget" if after else
                "The personal health budget was taken out"]
    changes = []
    for key, label in (("indicative_amount", "indicative budget"),
                       ("final_amount", "final budget")):
        if before.get(key) != after.get(key):
            changes.append(f"Budget: {label} moved from {_money(before.get(key))} to "
                           f"{_money(after.get(key))}")
    old_lines = {(line["item"], line["annual_cost"]) for line in before.get("lines", [])}
    new_lines = {(line["item"], line["annual_cost"]) for line in after.get("lines", [])}
    changes += [f"Budget: added {item} ({_money(cost)} a year)"
                for item, cost in sorted(new_lines - old_lines)]
    changes += [f"Budget: took out {item} ({_money(cost)} a year)"
                for item, cost in sorted(old_lines - new_lines)]
    if before.get("holdings") != after.get("holdings"):
        changes.append("Budget: how the money is held changed")
    if not changes:
        changes.append("Budget: details changed")
    return changes
