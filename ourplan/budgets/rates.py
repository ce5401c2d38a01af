"""The PA employment rates an ICB starts with, for 2025-26 and 2026-27; administrators change
them, and add later years, on the rates page.

Statutory figures: National Living Wage (21 and over), employer's Class 1 National Insurance and
its secondary threshold, 5.6 weeks' statutory holiday, auto-enrolment qualifying earnings and
the 3% minimum employer's contribution. Training, payroll, insurance and emergency cover are the
ICB's local allowances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

LOCAL = {"emergency_cover_rate": Decimal("5.00"), "training_per_pa": Decimal("250.00"),
         "payroll_per_pa": Decimal("180.00"), "insurance_per_employer": Decimal("150.00")}
STATUTORY = {"holiday_weeks": Decimal("5.60"), "employer_ni_rate": Decimal("15.00"),
             "ni_secondary_threshold": Decimal("5000.00"), "pension_rate": Decimal("3.00"),
             "pension_lower_limit": Decimal("6240.00"), "pension_upper_limit": Decimal("50270.00")}
STARTING_RATES: list[dict[str, Any]] = [
    {"tax_year": "2025-26", "starts_on": "2025-04-06", "national_living_wage": Decimal("12.21"),
     **STATUTORY, **LOCAL},
    {"tax_year": "2026-27", "starts_on": "2026-04-06", "national_living_wage": Decimal("12.71"),
     **STATUTORY, **LOCAL},
]


def ensure_starting_rates(model: Any) -> None:
    """Add any starting year that is missing (never changes a year an administrator edited).
    `model` is PARates, or its historical version inside a migration."""
    for rates in STARTING_RATES:
        values = dict(rates)
        model.objects.get_or_create(tax_year=values.pop("tax_year"), defaults=values)
