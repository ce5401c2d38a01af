"""Planned against actual spending, period by period, over the budget year.

Each line's yearly cost is planned evenly over the twelve months of the budget year (split to
the penny, money.split); a one-off cost is planned in the first month. Quarters add three
months. Payments count in the period of the date they were paid. A period that has ended is
flagged when £1 or more less or more was spent than planned (pennies from rounding instalments
are not worth anyone's attention); the current period is shown but not flagged (it is not over
yet)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ourplan.budgets.models import Budget, CostLine, Payment
from ourplan.budgets.money import ZERO, Frequency, split, total

MONTHS = 12
TOLERANCE = Decimal("1.00")


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: dt.date
    ends_on: dt.date
    planned: Decimal
    actual: Decimal
    ended: bool

    @property
    def difference(self) -> Decimal:
        """Positive: overspent; negative: underspent."""
        return self.actual - self.planned

    @property
    def flag(self) -> str:
        if not self.ended or abs(self.difference) < TOLERANCE:
            return ""
        return "overspent" if self.difference > 0 else "underspent"


@dataclass(frozen=True)
class LineSpending:
    line: CostLine
    planned: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned


@dataclass(frozen=True)
class Spending:
    periods: list[Period]
    lines: list[LineSpending]  # to the end of the last period that has ended

    @property
    def planned_to_date(self) -> Decimal:
        return total(p.planned for p in self.periods if p.ended)

    @property
    def actual_to_date(self) -> Decimal:
        return total(p.actual for p in self.periods if p.ended)

    @property
    def actual_total(self) -> Decimal:
        return total(p.actual for p in self.periods)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or the month's last day, for the 29th to the 31st)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_plan(line: CostLine) -> list[Decimal]:
    if line.frequency == Frequency.ONE_OFF:
        return [line.annual_cost] + [ZERO] * (MONTHS - 1)
    return split(line.annual_cost, MONTHS)


def spending(budget: Budget, lines: Sequence[CostLine], payments: Sequence[Payment], *,
             today: dt.date, months_per_period: int = 1) -> Spending:
    if budget.starts_on is None:
        return Spending(periods=[], lines=[])
    starts = [add_months(budget.starts_on, i) for i in range(MONTHS)]
    # The year ends when the budget says (a year from 29 February ends on 28 February), so
    # a payment on its last day is always in the last period.
    ends_on = budget.ends_on or add_months(budget.starts_on, MONTHS) - dt.timedelta(days=1)
    starts.append(max(ends_on + dt.timedelta(days=1), starts[-1] + dt.timedelta(days=1)))
    plans = {line.pk: _month_plan(line) for line in lines}
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    paid_by_line: dict[tuple[object, int], Decimal] = defaultdict(lambda: ZERO)
    for payment in payments:
        month = next((i for i in range(MONTHS) if starts[i] <= payment.paid_on < starts[i + 1]),
                     None)
        if month is not None:
            paid[month] += payment.amount
            paid_by_line[(payment.line_id, month)] += payment.amount

    periods = []
    for first in range(0, MONTHS, months_per_period):
        months = range(first, min(first + months_per_period, MONTHS))
        ends_on = starts[months[-1] + 1] - dt.timedelta(days=1)
        label = (f"{starts[first]:%B %Y}" if months_per_period == 1 else
                 f"Quarter {first // months_per_period + 1}: {starts[first]:%b %Y} to "
                 f"{ends_on:%b %Y}")
        periods.append(Period(
            label=label, starts_on=starts[first], ends_on=ends_on,
            planned=total(plans[line.pk][m] for line in lines for m in months),
            actual=total(paid[m] for m in months), ended=ends_on < today,
        ))
    ended_months = [m for m in range(MONTHS) if starts[m + 1] - dt.timedelta(days=1) < today]
    per_line = [
        LineSpending(line=line,
                     planned=total(plans[line.pk][m] for m in ended_months),
                     actual=total(paid_by_line[(line.pk, m)] for m in ended_months))
        for line in lines
    ]
    return Spending(periods=periods, lines=per_line)
