"""Money, exactly: `Decimal` pounds with two places, never floats.

The rules, stated once and tested:
* a cost line's yearly cost is unit cost x quantity x times a year, rounded once to the nearest
  penny, halves rounded up (ROUND_HALF_UP, as people round by hand);
* a year counts 52 weeks, 13 four-week periods, 12 months; a one-off cost counts once, in the
  year it is bought;
* totals add the rounded lines, so a total always equals the sum of the lines shown;
* a yearly amount is split into periods with the pennies left over given to the earliest
  periods, so the periods always add back to the year exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
# Above this a figure is a typing slip, not a budget (the largest packages are a few hundred
# thousand pounds a year).
MOST = Decimal("5000000.00")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    WEEKLY = "weekly", "Weekly"
    FOUR_WEEKLY = "four_weekly", "Every four weeks"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


TIMES_A_YEAR: dict[str, int] = {
    Frequency.ONE_OFF: 1,
    Frequency.WEEKLY: 52,
    Frequency.FOUR_WEEKLY: 13,
    Frequency.MONTHLY: 12,
    Frequency.YEARLY: 1,
}


def to_pennies(amount: Decimal) -> Decimal:
    """Round to the nearest penny, halves up."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def yearly_cost(unit_cost: Decimal, quantity: Decimal, frequency: str) -> Decimal:
    """What a cost line costs in a year."""
    return to_pennies(Decimal(unit_cost) * Decimal(quantity) * TIMES_A_YEAR[frequency])


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum((Decimal(a) for a in amounts), ZERO)


def split(amount: Decimal, parts: int) -> list[Decimal]:
    """Share `amount` over `parts` periods to the penny; the first periods take the spare
    pennies, so the parts add up to `amount` exactly."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    pennies = int(to_pennies(amount) * 100)
    each, spare = divmod(abs(pennies), parts)
    sign = -1 if pennies < 0 else 1
    return [Decimal(sign * (each + (1 if i < spare else 0))) / 100 for i in range(parts)]


def pounds(amount: Decimal | None) -> str:
    """£1,234.50 — how money is shown everywhere (pages, PDFs, CSV labels)."""
    if amount is None:
        return "Not set"
    value = to_pennies(Decimal(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def plain_number(value: Decimal) -> str:
    """12.50 -> "12.5", 20.00 -> "20" (hours and quantities, without trailing zeros)."""
    return format(Decimal(value).normalize(), "f")
