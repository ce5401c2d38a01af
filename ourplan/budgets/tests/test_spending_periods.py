"""Planned against actual, as a person and their coordinator read it: months from the start
of the budget year, quarters, and no flag for pennies of rounding."""

from __future__ import annotations

from decimal import Decimal

# --- planned against actual ----------------------------------------------------------------

def _spending(payments, *, today, months_per_period=1):
    import datetime as dt
    import uuid

    from ourplan.budgets.models import Budget, CostLine, Payment
    from ourplan.budgets.spending import spending

    budget = Budget(starts_on=dt.date(2026, 1, 31), ends_on=dt.date(2027, 1, 30))
    weekly = CostLine(id=uuid.uuid4(), annual_cost=Decimal("1200.00"), frequency="weekly")
    once = CostLine(id=uuid.uuid4(), annual_cost=Decimal("300.00"), frequency="one_off")
    paid = [Payment(line_id=weekly.pk, paid_on=day, amount=Decimal(amount))
            for day, amount in payments]
    return spending(budget, [weekly, once], paid, today=today,
                    months_per_period=months_per_period)


def test_given_a_budget_year_then_it_is_planned_month_by_month_from_its_start():
    import datetime as dt

    result = _spending([(dt.date(2026, 2, 27), "100.00"), (dt.date(2026, 3, 5), "40.00"),
                        (dt.date(2026, 3, 30), "99.50")], today=dt.date(2026, 4, 15))
    periods = result.periods

    assert [p.starts_on for p in periods[:3]] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28),
                                                  dt.date(2026, 3, 31)]
    assert periods[0].planned == Decimal("400.00")  # the one-off, and 1200 / 12
    assert sum(p.planned for p in periods) == Decimal("1500.00")
    assert (periods[0].actual, periods[0].flag) == (Decimal("100.00"), "underspent")
    assert (periods[1].actual, periods[1].flag) == (Decimal("139.50"), "overspent")
    assert periods[2].flag == ""  # not over yet
    assert result.planned_to_date == Decimal("500.00")
    assert result.actual_to_date == Decimal("239.50")


def test_given_pennies_of_difference_then_no_flag_is_raised():
    import datetime as dt

    result = _spending([(dt.date(2026, 3, 1), "100.01")], today=dt.date(2026, 6, 1))

    assert result.periods[1].difference == Decimal("0.01")
    assert result.periods[1].flag == ""


def test_given_quarters_then_three_months_are_added_together():
    import datetime as dt

    result = _spending([], today=dt.date(2027, 3, 1), months_per_period=3)

    assert len(result.periods) == 4
    assert result.periods[0].planned == Decimal("600.00")
    assert result.periods[0].label == "Quarter 1: Jan 2026 to Apr 2026"
    assert all(p.flag == "underspent" for p in result.periods)
