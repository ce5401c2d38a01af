"""Money arithmetic: yearly costs for every frequency, rounding, splitting, and the PA costs
calculator against examples worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ourplan.budgets.money import (
    TIMES_A_YEAR,
    Frequency,
    plain_number,
    pounds,
    split,
    to_pennies,
    yearly_cost,
)
from ourplan.budgets.pa_costs import pa_costs
from ourplan.budgets.rates import STARTING_RATES

pennies = st.integers(min_value=1, max_value=100_000_000).map(lambda p: Decimal(p) / 100)
quantities = st.integers(min_value=1, max_value=1_000_000).map(lambda q: Decimal(q) / 100)


@pytest.mark.parametrize(("frequency", "expected"), [
    (Frequency.ONE_OFF, Decimal("95.00")),
    (Frequency.WEEKLY, Decimal("4940.00")),      # 95 x 52
    (Frequency.FOUR_WEEKLY, Decimal("1235.00")),  # 95 x 13
    (Frequency.MONTHLY, Decimal("1140.00")),     # 95 x 12
    (Frequency.YEARLY, Decimal("95.00")),
])
def test_given_each_frequency_then_the_yearly_cost_counts_it_that_many_times(frequency,
                                                                              expected):
    assert yearly_cost(Decimal("95.00"), Decimal("1"), frequency) == expected


def test_given_every_frequency_then_each_has_a_count_a_year():
    assert set(TIMES_A_YEAR) == set(Frequency.values)


@pytest.mark.parametrize(("unit", "quantity", "frequency", "expected"), [
    # 12.71 x 7.5 = 95.325 a week; x 52 = 4956.90 exactly
    (Decimal("12.71"), Decimal("7.5"), Frequency.WEEKLY, Decimal("4956.90")),
    # 0.01 x 0.5 = 0.005: half a penny rounds up
    (Decimal("0.01"), Decimal("0.5"), Frequency.ONE_OFF, Decimal("0.01")),
    # 3.33 x 0.25 x 13 = 10.82250 -> 10.82 (below the half)
    (Decimal("3.33"), Decimal("0.25"), Frequency.FOUR_WEEKLY, Decimal("10.82")),
    # 1.25 x 0.1 x 12 = 1.5 exactly
    (Decimal("1.25"), Decimal("0.1"), Frequency.MONTHLY, Decimal("1.50")),
    # 0.05 x 0.05 x 1 = 0.0025 -> 0.00 (less than half a penny)
    (Decimal("0.05"), Decimal("0.05"), Frequency.YEARLY, Decimal("0.00")),
])
def test_given_fractions_of_a_penny_then_the_year_rounds_once_halves_up(unit, quantity,
                                                                         frequency, expected):
    assert yearly_cost(unit, quantity, frequency) == expected


@given(unit=pennies, quantity=quantities, frequency=st.sampled_from(list(Frequency)))
def test_the_yearly_cost_is_the_exact_product_rounded_to_the_penny(unit, quantity, frequency):
    cost = yearly_cost(unit, quantity, frequency)
    exact = unit * quantity * TIMES_A_YEAR[frequency]

    assert isinstance(cost, Decimal)
    assert cost == cost.quantize(Decimal("0.01"))
    assert abs(cost - exact) <= Decimal("0.005")
    assert cost >= 0


@given(unit=pennies, quantity=quantities)
def test_a_weekly_cost_is_always_four_times_four_weekly_in_whole_pennies(unit, quantity):
    # 52 weeks and 13 four-week periods are the same year.
    weekly = yearly_cost(unit, quantity, Frequency.WEEKLY)
    four_weekly = yearly_cost(unit * 4, quantity, Frequency.FOUR_WEEKLY)

    assert weekly == four_weekly


@given(amount=st.integers(min_value=-10**9, max_value=10**9).map(lambda p: Decimal(p) / 100),
       parts=st.integers(min_value=1, max_value=60))
def test_a_split_always_adds_back_to_the_amount_exactly(amount, parts):
    shares = split(amount, parts)

    assert len(shares) == parts
    assert sum(shares) == amount
    assert max(shares) - min(shares) <= Decimal("0.01")
    assert shares == sorted(shares, reverse=amount >= 0)


def test_a_split_gives_the_spare_pennies_to_the_first_periods():
    assert split(Decimal("100.00"), 3) == [Decimal("33.34"), Decimal("33.33"),
                                           Decimal("33.33")]
    with pytest.raises(ValueError, match="at least 1"):
        split(Decimal("1"), 0)


def test_money_and_numbers_are_shown_in_plain_words():
    assert pounds(Decimal("1234.5")) == "£1,234.50"
    assert pounds(Decimal("-3")) == "-£3.00"
    assert pounds(None) == "Not set"
    assert to_pennies(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert plain_number(Decimal("20.00")) == "20"
    assert plain_number(Decimal("12.50")) == "12.5"


# --- the PA calculator ---------------------------------------------------------------------

class Rates:
    """A tax year's rates, as the starting 2025-26 row holds them."""

    def __init__(self, **changes):
        values = dict(STARTING_RATES[0]) | changes
        for name, value in values.items():
            setattr(self, name, value)


def test_given_13_pounds_for_20_hours_then_the_hidden_costs_match_the_hand_worked_sums():
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"), rates=Rates())

    assert costs.wages == Decimal("13520.00")          # 13.00 x 20 x 52
    assert costs.holiday_pay == Decimal("1456.00")     # 13.00 x 20 x 5.6
    assert costs.earnings == Decimal("14976.00")
    assert costs.employer_ni == Decimal("1496.40")     # (14976 - 5000) x 15%
    assert costs.pension == Decimal("262.08")          # (14976 - 6240) x 3%
    assert costs.emergency_cover == Decimal("676.00")  # 13520 x 5%
    assert (costs.training, costs.payroll, costs.insurance) == (
        Decimal("250.00"), Decimal("180.00"), Decimal("150.00"))
    assert costs.total == Decimal("17990.48")
    assert costs.hidden == Decimal("4470.48")
    assert costs.as_json()["total"] == "17990.48"


def test_given_few_hours_then_no_national_insurance_or_pension_is_due():
    # 12.71 x 6 x 52 = 3965.52; holiday 12.71 x 6 x 5.6 = 427.056 -> 427.06; earnings
    # 4392.58: under the NI threshold (5000) and the pension lower limit (6240).
    costs = pa_costs(hourly_pay=Decimal("12.71"), hours_per_week=Decimal("6"), rates=Rates())

    assert (costs.wages, costs.holiday_pay) == (Decimal("3965.52"), Decimal("427.06"))
    assert (costs.employer_ni, costs.pension) == (Decimal("0.00"), Decimal("0.00"))
    assert costs.emergency_cover == Decimal("198.28")  # 3965.52 x 5% = 198.276
    assert costs.total == Decimal("3965.52") + Decimal("427.06") + Decimal("198.28") + \
        Decimal("580.00")


def test_given_earnings_above_the_upper_limit_then_the_pension_stops_at_it():
    # 25.00 x 40 x 52 = 52000; holiday 5600; earnings 57600 > 50270:
    # pension (50270 - 6240) x 3% = 1320.90; NI (57600 - 5000) x 15% = 7890.00
    costs = pa_costs(hourly_pay=Decimal("25.00"), hours_per_week=Decimal("40"), rates=Rates())

    assert costs.pension == Decimal("1320.90")
    assert costs.employer_ni == Decimal("7890.00")


def test_given_a_second_pa_then_insurance_can_be_left_to_the_first():
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"), rates=Rates(),
                     includes_insurance=False)

    assert costs.insurance == Decimal("0.00")
    assert costs.total == Decimal("17840.48")


def test_given_different_rates_then_the_costs_follow_them_not_figures_in_the_code():
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"), rates=Rates(
        employer_ni_rate=Decimal("13.80"), ni_secondary_threshold=Decimal("9100.00"),
        holiday_weeks=Decimal("6"), training_per_pa=Decimal("0")))

    assert costs.holiday_pay == Decimal("1560.00")  # 13 x 20 x 6
    # earnings 13520 + 1560 = 15080; (15080 - 9100) = 5980 x 13.8% = 825.24
    assert costs.employer_ni == Decimal("825.24")
    assert costs.training == Decimal("0.00")


@given(pay=st.integers(min_value=1221, max_value=5000).map(lambda p: Decimal(p) / 100),
       hours=st.integers(min_value=1, max_value=1680).map(lambda h: Decimal(h) / 10))
def test_the_pa_total_is_always_the_sum_of_its_rounded_parts(pay, hours):
    costs = pa_costs(hourly_pay=pay, hours_per_week=hours, rates=Rates())
    parts = [costs.wages, costs.holiday_pay, costs.employer_ni, costs.pension,
             costs.emergency_cover, costs.training, costs.payroll, costs.insurance]

    assert costs.total == sum(parts)
    assert all(p == p.quantize(Decimal("0.01")) and p >= 0 for p in parts)
    assert costs.total > costs.wages


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
