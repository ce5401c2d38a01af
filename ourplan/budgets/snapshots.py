"""The budget sheet as JSON, for the plan's agreed versions: what the person agreed to pay for,
how the money is held and what each line costs a year."""

from __future__ import annotations

from typing import Any

from ourplan.budgets.models import Budget, BudgetStatus
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
