"""Reading budgets: scoped through the person (`visible_to`) and audited. Each read takes a
fixed number of queries whatever the number of lines or payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.budgets.models import Budget, BudgetStatus, CostLine, Holding, PARates, Payment
from ourplan.budgets.services import sign_off_problems
from ourplan.budgets.spending import Spending, spending
from ourplan.budgets.sufficiency import Sufficiency, sufficiency
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.plans.models import Plan


@dataclass(frozen=True)
class BudgetSheet:
    """One budget with everything a page, the API or a PDF shows of it."""

    budget: Budget
    holdings: list[Holding]
    lines: list[CostLine]
    sufficiency: Sufficiency
    in_force: Budget | None  # the signed-off budget, when the sheet shows a newer draft

    @property
    def problems(self) -> list[str]:
        return sign_off_problems(self.budget) if self.budget.is_draft else []


def _budgets(user: User | None) -> Any:
    return Budget.objects.all() if user is None else Budget.objects.visible_to(user)


def _sheet(budget: Budget, in_force: Budget | None = None) -> BudgetSheet:
    holdings = list(budget.holdings.all())
    lines = list(budget.lines.all())
    return BudgetSheet(budget=budget, holdings=holdings, lines=lines,
                       sufficiency=sufficiency(budget, lines, holdings), in_force=in_force)


def _with_parts(queryset: Any) -> Any:
    return queryset.select_related("signed_off_by", "person").prefetch_related(
        Prefetch("holdings", queryset=Holding.objects.select_related("paid_to_contact")),
        Prefetch("lines", queryset=CostLine.objects.select_related(
            "outcome", "holding", "pa_rates", "unusual_decided_by")),
    )


def budget_sheet(*, user: User | None, plan: Plan, purpose: str = "view") -> BudgetSheet | None:
    """The budget being worked on (the draft, else the one in force), audited as a read.
    `user` None is the command line, with the operator's authority."""
    current = list(_with_parts(_budgets(user).filter(
        plan=plan, status__in=[BudgetStatus.DRAFT, BudgetStatus.SIGNED_OFF])))
    if not current:
        return None
    by_status = {b.status: b for b in current}
    budget = by_status.get(BudgetStatus.DRAFT) or by_status[BudgetStatus.SIGNED_OFF]
    in_force = by_status.get(BudgetStatus.SIGNED_OFF)
    audit_record(actor=user, action="budget.viewed", person=plan.person, obj=budget,
                 changes={"purpose": purpose})
    return _sheet(budget, in_force if in_force is not budget else None)


def budget_version(*, user: User, plan: Plan, number: int) -> BudgetSheet:
    """Any version of the budget, as it was (signed-off versions never change)."""
    budget = _with_parts(_budgets(user).filter(plan=plan, number=number)).first()
    if budget is None:
        raise NotFound()
    audit_record(actor=user, action="budget.viewed", person=plan.person, obj=budget,
                 changes={"purpose": "version", "number": number})
    return _sheet(budget)


def budget_history(*, plan: Plan) -> list[Budget]:
    """Every version of a plan already read through the user's scope, newest first."""
    return list(Budget.objects.filter(plan=plan).select_related("signed_off_by")
                .order_by("-number"))


def budget_get(*, user: User, budget_id: Any) -> Budget:
    budget = _budgets(user).select_related("plan", "person").filter(pk=budget_id).first() \
        if budget_id else None
    if budget is None:
        raise NotFound()
    return budget


def _part_get(model: Any, user: User, budget: Budget, pk: Any) -> Any:
    """A line, holding or payment of `budget`, if the user may see the budget."""
    found = (model.objects.filter(budget__in=_budgets(user), budget=budget, pk=pk)
             .select_related("budget", "budget__plan", "budget__person").first())
    if found is None:
        raise NotFound()
    return found


def cost_line_get(*, user: User, budget: Budget, line_id: Any) -> CostLine:
    line: CostLine = _part_get(CostLine, user, budget, line_id)
    return line


def holding_get(*, user: User, budget: Budget, holding_id: Any) -> Holding:
    holding: Holding = _part_get(Holding, user, budget, holding_id)
    return holding


def payment_get(*, user: User, budget: Budget, payment_id: Any) -> Payment:
    payment: Payment = _part_get(Payment, user, budget, payment_id)
    return payment


@dataclass(frozen=True)
class SpendingReport:
    budget: Budget
    spending: Spending
    payments: list[Payment]
    lines: list[CostLine]


def spending_report(*, user: User, plan: Plan, months_per_period: int = 1,
                    today: dt.date | None = None) -> SpendingReport | None:
    """Planned against actual for the budget in force, audited as a read."""
    budget = (_budgets(user).filter(plan=plan, status=BudgetStatus.SIGNED_OFF)
              .prefetch_related(Prefetch("lines", queryset=CostLine.objects.select_related(
                  "outcome")))
              .first())
    if budget is None:
        return None
    lines = list(budget.lines.all())
    payments = list(Payment.objects.filter(budget=budget).select_related("line", "recorded_by")
                    .order_by("-paid_on", "-created_at"))
    audit_record(actor=user, action="budget.spending_viewed", person=plan.person, obj=budget)
    report = spending(budget, lines, payments, today=today or timezone.localdate(),
                      months_per_period=months_per_period)
    return SpendingReport(budget=budget, spending=report, payments=payments, lines=lines)


def pa_rates_list() -> list[PARates]:
    return list(PARates.objects.order_by("-starts_on"))
