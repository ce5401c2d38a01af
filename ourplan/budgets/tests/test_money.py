"""Money, exactly: the yearly cost of a line for every frequency, rounding to the penny (halves
up, once), splitting a year into periods that add back exactly, and how money is shown.

Every figure here is a `Decimal` worked out by hand; no floats anywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ourplan.budgets.money import (
    MOST,
    PENNY,
    TIMES_A_YEAR,
    ZERO,
    Frequency,
    plain_number,
    pounds,
    split,
    to_pennies,
    total,
    yearly_cost,
)

# Whole pennies from 1p to £5,000,000 (what a cost field holds), and quantities in hundredths
# from 0.01 to 10,000 (what the quantity field holds).
unit_pennies = st.integers(min_value=1, max_value=500_000_000)
quantity_hundredths = st.integers(min_value=1, max_value=1_000_000)


def _pounds(pennies: int) -> Decimal:
    return Decimal(pennies) / 100


# --- how many times a year -------------------------------------------------------------------

@pytest.mark.parametrize(("frequency", "times"), [
    (Frequency.ONE_OFF, 1),
    (Frequency.WEEKLY, 52),
    (Frequency.FOUR_WEEKLY, 13),
    (Frequency.MONTHLY, 12),
    (Frequency.YEARLY, 1),
])
def test_given_each_frequency_then_a_year_counts_it_the_stated_number_of_times(frequency,
                                                                               times):
    assert TIMES_A_YEAR[frequency] == times


def test_given_the_frequencies_offered_then_every_one_has_a_count_and_no_other_does():
    assert set(TIMES_A_YEAR) == set(Frequency.values)


# £12.34 each time, 2.5 at a time = £30.85 each time.
@pytest.mark.parametrize(("frequency", "expected"), [
    (Frequency.ONE_OFF, Decimal("30.85")),      # 30.85 x 1
    (Frequency.WEEKLY, Decimal("1604.20")),     # 30.85 x 52
    (Frequency.FOUR_WEEKLY, Decimal("401.05")),  # 30.85 x 13
    (Frequency.MONTHLY, Decimal("370.20")),     # 30.85 x 12
    (Frequency.YEARLY, Decimal("30.85")),       # 30.85 x 1
])
def test_given_a_unit_cost_and_quantity_then_the_yearly_cost_is_worked_out_by_frequency(
        frequency, expected):
    assert yearly_cost(Decimal("12.34"), Decimal("2.5"), frequency) == expected


@pytest.mark.parametrize(("frequency", "expected"), [
    (Frequency.ONE_OFF, Decimal("2500.00")),
    (Frequency.WEEKLY, Decimal("130000.00")),    # 2500 x 52
    (Frequency.FOUR_WEEKLY, Decimal("32500.00")),  # 2500 x 13
    (Frequency.MONTHLY, Decimal("30000.00")),    # 2500 x 12
    (Frequency.YEARLY, Decimal("2500.00")),
])
def test_given_a_quantity_of_one_then_the_yearly_cost_is_the_unit_cost_times_a_year(
        frequency, expected):
    assert yearly_cost(Decimal("2500.00"), Decimal("1"), frequency) == expected


def test_given_an_unknown_frequency_then_there_is_no_yearly_cost():
    with pytest.raises(KeyError):
        yearly_cost(Decimal("10.00"), Decimal("1"), "fortnightly")


# --- rounding: to the penny, halves up, once --------------------------------------------------

@pytest.mark.parametrize(("amount", "expected"), [
    (Decimal("0.125"), Decimal("0.13")),    # half a penny: up
    (Decimal("0.135"), Decimal("0.14")),    # half: up (banker's rounding would give 0.14 too)
    (Decimal("0.145"), Decimal("0.15")),    # half: up (banker's rounding would give 0.14)
    (Decimal("2.675"), Decimal("2.68")),    # the float 2.675 is below the half and gives 2.67
    (Decimal("0.005"), Decimal("0.01")),    # the smallest half there is
    (Decimal("0.0049"), Decimal("0.00")),   # just under half a penny: down
    (Decimal("0.1249999"), Decimal("0.12")),
    (Decimal("-0.125"), Decimal("-0.13")),  # halves go away from zero
    (Decimal("1234.5"), Decimal("1234.50")),
    (Decimal("7"), Decimal("7.00")),
])
def test_given_an_amount_then_it_rounds_to_the_nearest_penny_halves_up(amount, expected):
    rounded = to_pennies(amount)

    assert rounded == expected
    assert rounded.as_tuple().exponent == -2


@pytest.mark.parametrize(("unit", "quantity", "frequency", "expected"), [
    # one-off: 0.05 x 2.5 = 0.125, exactly half a penny over 0.12 -> 0.13
    (Decimal("0.05"), Decimal("2.5"), Frequency.ONE_OFF, Decimal("0.13")),
    # yearly: 1.25 x 0.1 = 0.125 -> 0.13
    (Decimal("1.25"), Decimal("0.1"), Frequency.YEARLY, Decimal("0.13")),
    # four-weekly: 0.77 x 0.5 = 0.385; x 13 = 5.005, exactly half -> 5.01
    (Decimal("0.77"), Decimal("0.5"), Frequency.FOUR_WEEKLY, Decimal("5.01")),
    # four-weekly: 0.15 x 0.25 = 0.0375; x 13 = 0.4875 -> 0.49
    (Decimal("0.15"), Decimal("0.25"), Frequency.FOUR_WEEKLY, Decimal("0.49")),
    # weekly: 0.01 x 0.15 = 0.0015; x 52 = 0.078 -> 0.08
    (Decimal("0.01"), Decimal("0.15"), Frequency.WEEKLY, Decimal("0.08")),
    # weekly: 0.01 x 0.01 x 52 = 0.0052 -> 0.01
    (Decimal("0.01"), Decimal("0.01"), Frequency.WEEKLY, Decimal("0.01")),
    # monthly: 1.01 x 0.35 = 0.3535; x 12 = 4.242 -> 4.24
    (Decimal("1.01"), Decimal("0.35"), Frequency.MONTHLY, Decimal("4.24")),
    # monthly: 0.37 x 0.45 = 0.1665; x 12 = 1.998 -> 2.00
    (Decimal("0.37"), Decimal("0.45"), Frequency.MONTHLY, Decimal("2.00")),
])
def test_given_fractions_of_a_penny_then_the_yearly_cost_rounds_once_at_the_end(
        unit, quantity, frequency, expected):
    assert yearly_cost(unit, quantity, frequency) == expected


def test_given_a_weekly_cost_of_fractions_then_the_year_is_not_rounded_week_by_week():
    # 0.01 x 0.15 = 0.0015 a week. Rounded each week that is 0.00 x 52 = 0.00; rounded once
    # for the year it is 0.078 -> 0.08.
    assert yearly_cost(Decimal("0.01"), Decimal("0.15"), Frequency.WEEKLY) == Decimal("0.08")


# The integer oracle: unit u pennies, quantity q hundredths, t times a year. The exact yearly
# cost is u x q x t / 100 pennies; rounding half up in whole numbers is (u x q x t + 50) // 100.
@given(u=unit_pennies, q=quantity_hundredths, frequency=st.sampled_from(list(Frequency)))
def test_the_yearly_cost_is_the_exact_product_rounded_half_up_to_the_penny(u, q, frequency):
    unit, quantity = _pounds(u), Decimal(q) / 100
    times = TIMES_A_YEAR[frequency]

    cost = yearly_cost(unit, quantity, frequency)

    assert isinstance(cost, Decimal)
    assert cost == to_pennies(Decimal(unit) * quantity * times)
    assert cost == _pounds((u * q * times + 50) // 100)
    assert cost.as_tuple().exponent == -2
    assert cost >= ZERO


@given(u=unit_pennies, q=quantity_hundredths)
def test_a_yearly_cost_is_never_negative_and_grows_with_how_often(u, q):
    unit, quantity = _pounds(u), Decimal(q) / 100
    costs = {f: yearly_cost(unit, quantity, f) for f in Frequency}

    assert all(c >= ZERO for c in costs.values())
    assert costs[Frequency.ONE_OFF] == costs[Frequency.YEARLY]
    assert costs[Frequency.YEARLY] <= costs[Frequency.MONTHLY] <= \
        costs[Frequency.FOUR_WEEKLY] <= costs[Frequency.WEEKLY]


# --- totals ----------------------------------------------------------------------------------

def test_given_rounded_lines_then_the_total_is_their_sum_to_the_penny():
    lines = [yearly_cost(Decimal("0.05"), Decimal("2.5"), Frequency.ONE_OFF),   # 0.13
             yearly_cost(Decimal("1.25"), Decimal("0.1"), Frequency.YEARLY),    # 0.13
             yearly_cost(Decimal("0.77"), Decimal("0.5"), Frequency.FOUR_WEEKLY)]  # 5.01

    # The lines shown add to 5.27; adding the unrounded 0.125 + 0.125 + 5.005 would give 5.26.
    assert total(lines) == Decimal("5.27")


def test_given_no_amounts_then_the_total_is_zero_pounds():
    assert total([]) == Decimal("0.00")
    assert isinstance(total([]), Decimal)


# --- splitting a year into periods -----------------------------------------------------------

@pytest.mark.parametrize(("amount", "parts", "expected"), [
    (Decimal("100.00"), 3, ["33.34", "33.33", "33.33"]),
    (Decimal("1000.00"), 12, ["83.34"] * 4 + ["83.33"] * 8),   # 4 spare pennies
    (Decimal("0.02"), 3, ["0.01", "0.01", "0.00"]),
    (Decimal("120.00"), 12, ["10.00"] * 12),
    (Decimal("-0.05"), 2, ["-0.03", "-0.02"]),
    (Decimal("10.005"), 2, ["5.01", "5.00"]),                   # 10.005 is first 10.01
    (Decimal("99.99"), 1, ["99.99"]),
])
def test_given_an_amount_then_the_spare_pennies_go_to_the_first_periods(amount, parts,
                                                                         expected):
    assert split(amount, parts) == [Decimal(e) for e in expected]


@pytest.mark.parametrize("parts", [0, -1])
def test_given_no_periods_then_an_amount_cannot_be_split(parts):
    with pytest.raises(ValueError, match="at least 1"):
        split(Decimal("10.00"), parts)


@given(pennies=st.integers(min_value=-500_000_000, max_value=500_000_000),
       parts=st.integers(min_value=1, max_value=60))
def test_a_split_always_sums_back_to_the_amount_and_parts_differ_by_at_most_a_penny(
        pennies, parts):
    amount = _pounds(pennies)

    shares = split(amount, parts)

    assert len(shares) == parts
    assert sum(shares, ZERO) == amount
    assert max(shares) - min(shares) <= PENNY
    assert all(s == to_pennies(s) for s in shares)
    assert all(isinstance(s, Decimal) for s in shares)


@given(u=unit_pennies, q=quantity_hundredths, frequency=st.sampled_from(list(Frequency)))
def test_a_yearly_cost_split_into_months_adds_back_to_the_yearly_cost(u, q, frequency):
    cost = yearly_cost(_pounds(u), Decimal(q) / 100, frequency)

    assert sum(split(cost, 12), ZERO) == cost


# --- how money is shown ----------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("0"), "£0.00"),
    (Decimal("1234.5"), "£1,234.50"),
    (Decimal("1234567.89"), "£1,234,567.89"),
    (MOST, "£5,000,000.00"),
    (Decimal("12.345"), "£12.35"),     # rounded half up before it is shown
    (Decimal("-3"), "-£3.00"),
    (Decimal("-1234.5"), "-£1,234.50"),
    (Decimal("-0.004"), "£0.00"),      # never "-£0.00"
    (Decimal("-0.005"), "-£0.01"),
    (5, "£5.00"),
    (None, "Not set"),
])
def test_given_an_amount_then_it_is_shown_in_pounds_with_commas_and_pence(amount, shown):
    assert pounds(amount) == shown


@given(pennies=st.integers(min_value=-500_000_000, max_value=500_000_000))
def test_pounds_shows_every_penny_exactly(pennies):
    shown = pounds(_pounds(pennies))

    sign = -1 if shown.startswith("-") else 1
    assert Decimal(shown.lstrip("-").lstrip("£").replace(",", "")) * sign == _pounds(pennies)


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("20.00"), "20"),
    (Decimal("12.50"), "12.5"),
    (Decimal("0.25"), "0.25"),
    (Decimal("100"), "100"),      # not "1E+2"
    (Decimal("168.00"), "168"),
])
def test_given_hours_or_a_quantity_then_it_is_shown_without_trailing_zeros(value, shown):
    assert plain_number(value) == shown
