"""What it really costs to employ a personal assistant (PA) for a year.

PHB guide 2 §5 and the direct payments guidance: the budget must cover the "hidden" costs of
employment as well as the wages. Every rate comes from the tax year's `PARates` row, which an
administrator keeps up to date; nothing here is a number from the law.

For H hours a week at £P an hour, with the year's rates:
  wages            P x H x 52                         (the weeks of support the person needs)
  holiday pay      P x H x holiday weeks              (the PA's paid leave, 5.6 weeks by law,
                                                       so someone covers those weeks too)
  earnings         wages + holiday pay
  employer's NI    (earnings - secondary threshold) x employer's rate, never below £0
  pension          (earnings, capped at the upper limit, - lower limit) x employer's rate,
                   never below £0 (auto-enrolment "qualifying earnings")
  emergency cover  wages x emergency cover rate       (a PA off sick, say)
  training         the year's amount per PA
  payroll          the year's amount per PA
  insurance        employer's and public liability, the year's amount per employer: count it
                   on one PA line only when the person employs several
Each figure is rounded to the penny (halves up) and the total adds the rounded figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ourplan.budgets.money import ZERO, to_pennies

WEEKS_OF_SUPPORT = 52


class Rates(Protocol):
    tax_year: str
    holiday_weeks: Decimal
    employer_ni_rate: Decimal
    ni_secondary_threshold: Decimal
    pension_rate: Decimal
    pension_lower_limit: Decimal
    pension_upper_limit: Decimal
    emergency_cover_rate: Decimal
    training_per_pa: Decimal
    payroll_per_pa: Decimal
    insurance_per_employer: Decimal


PARTS = (
    ("wages", "Wages"),
    ("holiday_pay", "Holiday pay"),
    ("employer_ni", "Employer's National Insurance"),
    ("pension", "Workplace pension (employer's part)"),
    ("emergency_cover", "Emergency cover"),
    ("training", "Training"),
    ("payroll", "Payroll service"),
    ("insurance", "Employer's and public liability insurance"),
)


@dataclass(frozen=True)
class PACosts:
    tax_year: str
    hourly_pay: Decimal
    hours_per_week: Decimal
    wages: Decimal
    holiday_pay: Decimal
    employer_ni: Decimal
    pension: Decimal
    emergency_cover: Decimal
    training: Decimal
    payroll: Decimal
    insurance: Decimal

    @property
    def earnings(self) -> Decimal:
        return self.wages + self.holiday_pay

    @property
    def hidden(self) -> Decimal:
        """Everything on top of the wages."""
        return self.total - self.wages

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name, _ in PARTS), ZERO)

    def as_json(self) -> dict[str, Any]:
        return {"tax_year": self.tax_year, "hourly_pay": str(self.hourly_pay),
                "hours_per_week": str(self.hours_per_week),
                **{name: str(getattr(self, name)) for name, _ in PARTS},
                "total": str(self.total)}


def _percent(amount: Decimal, rate: Decimal) -> Decimal:
    return to_pennies(max(amount, ZERO) * Decimal(rate) / 100)


def pa_costs(*, hourly_pay: Decimal, hours_per_week: Decimal, rates: Rates,
             includes_insurance: bool = True) -> PACosts:
    hourly_pay, hours_per_week = Decimal(hourly_pay), Decimal(hours_per_week)
    wages = to_pennies(hourly_pay * hours_per_week * WEEKS_OF_SUPPORT)
    holiday_pay = to_pennies(hourly_pay * hours_per_week * Decimal(rates.holiday_weeks))
    earnings = wages + holiday_pay
    qualifying = min(earnings, Decimal(rates.pension_upper_limit)) - rates.pension_lower_limit
    return PACosts(
        tax_year=rates.tax_year,
        hourly_pay=hourly_pay,
        hours_per_week=hours_per_week,
        wages=wages,
        holiday_pay=holiday_pay,
        employer_ni=_percent(earnings - rates.ni_secondary_threshold, rates.employer_ni_rate),
        pension=_percent(qualifying, rates.pension_rate),
        emergency_cover=_percent(wages, rates.emergency_cover_rate),
        training=to_pennies(Decimal(rates.training_per_pa)),
        payroll=to_pennies(Decimal(rates.payroll_per_pa)),
        insurance=to_pennies(Decimal(rates.insurance_per_employer)) if includes_insurance
        else ZERO,
    )
