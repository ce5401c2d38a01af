"""Does the budget cover the full yearly cost of every service? (IPC summary guide Annex D
§8.3.3: the ICB must be satisfied the money covers the full cost of each service.)

Line by line, in the order the lines were added, the running total is compared with the
budget: a line is covered while the running total is within it, and a line that takes the
total past it is short by the part not covered. Each way of holding the money is compared with
the lines it pays for in the same way. A surplus of more than a tenth of the budget is flagged:
money planned but not needed, which the person and ICB should talk about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ourplan.budgets.models import Budget, CostLine, Holding
from ourplan.budgets.money import TIMES_A_YEAR, ZERO, pounds, total

LARGE_SURPLUS_SHARE = Decimal("0.10")


@dataclass(frozen=True)
class LineCover:
    line: CostLine
    running_total: Decimal
    short_by: Decimal

    @property
    def covered(self) -> bool:
        return self.short_by == ZERO


@dataclass(frozen=True)
class HoldingCover:
    holding: Holding
    planned: Decimal

    @property
    def difference(self) -> Decimal:
        """Positive: money left over; negative: the lines cost more than this way holds."""
        return self.holding.amount - self.planned

    @property
    def payments_a_year(self) -> Decimal | None:
        """What a direct payment's instalments add up to in a year (None if not one)."""
        h = self.holding
        if h.payment_amount is None or not h.payment_frequency:
            return None
        return h.payment_amount * TIMES_A_YEAR[h.payment_frequency]


@dataclass(frozen=True)
class Sufficiency:
    amount: Decimal | None
    total_cost: Decimal
    lines: list[LineCover]
    holdings: list[HoldingCover] = field(default_factory=list)
    unpaid_lines: Decimal = ZERO  # lines not yet given a way of holding the money

    @property
    def shortfall(self) -> Decimal:
        if self.amount is None:
            return ZERO
        return max(self.total_cost - self.amount, ZERO)

    @property
    def surplus(self) -> Decimal:
        if self.amount is None:
            return ZERO
        return max(self.amount - self.total_cost, ZERO)

    @property
    def large_surplus(self) -> bool:
        return self.amount is not None and self.surplus > self.amount * LARGE_SURPLUS_SHARE

    @property
    def holdings_total(self) -> Decimal:
        return total(h.holding.amount for h in self.holdings)

    @property
    def holdings_match(self) -> bool:
        """The ways of holding the money add up to the budget."""
        return not self.holdings or self.holdings_total == self.amount

    def problems(self) -> list[str]:
        """In plain words, everything that stops the budget covering the plan."""
        found = []
        if self.amount is None:
            found.append("There is no budget amount yet")
        elif self.shortfall:
            found.append(f"The plan costs {pounds(self.total_cost)} a year but the budget is "
                         f"{pounds(self.amount)}: {pounds(self.shortfall)} short")
        if not self.holdings_match:
            found.append(f"The ways of holding the money add up to "
                         f"{pounds(self.holdings_total)}, not the budget of "
                         f"{pounds(self.amount)}")
        for h in self.holdings:
            if h.difference < 0:
                found.append(f"{h.holding} pays for {pounds(h.planned)} a year but holds "
                             f"{pounds(h.holding.amount)}: {pounds(-h.difference)} short")
            paid = h.payments_a_year
            if paid is not None and paid < h.holding.amount:
                found.append(
                    f"Direct payments of {pounds(h.holding.payment_amount)} "
                    f"({h.holding.get_payment_frequency_display().lower()}) come to "
                    f"{pounds(paid)} a year, {pounds(h.holding.amount - paid)} less than the "
                    f"{pounds(h.holding.amount)} held this way")
        return found


def sufficiency(budget: Budget, lines: Sequence[CostLine],
                holdings: Sequence[Holding] = ()) -> Sufficiency:
    amount = budget.amount
    running = ZERO
    covers = []
    for line in lines:
        running += line.annual_cost
        over = ZERO if amount is None else max(running - amount, ZERO)
        covers.append(LineCover(line=line, running_total=running,
                                short_by=min(over, line.annual_cost)))
    return Sufficiency(
        amount=amount, total_cost=running, lines=covers,
        holdings=[HoldingCover(holding=h, planned=total(
            line.annual_cost for line in lines if line.holding_id == h.pk)) for h in holdings],
        unpaid_lines=total(line.annual_cost for line in lines if line.holding_id is None),
    )
