"""Does the budget cover the full yearly cost of every service (IPC summary guide Annex D
§8.3.3)? Line by line, in the order the lines were added, and way of holding by way of holding.

The rules are checked on records in memory (nothing about them needs the database) and then
through the services, where they stop a budget being signed off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ourplan.budgets import selectors, services
from ourplan.budgets.models import Budget, BudgetStatus, CostLine, Holding, HoldingWay
from ourplan.budgets.money import ZERO
from ourplan.budgets.services import BudgetNotReady
from ourplan.budgets.sufficiency import sufficiency
from ourplan.testing import budgets as make


def _budget(final=None, indicative=None) -> Budget:
    return Budget(final_amount=None if final is None else Decimal(final),
                  indicative_amount=None if indicative is None else Decimal(indicative))


def _lines(*costs, holding=None) -> list[CostLine]:
    return [CostLine(item=f"Line {i}", annual_cost=Decimal(c), holding=holding)
            for i, c in enumerate(costs)]


def _holding(way, amount) -> Holding:
    return Holding(way=way, amount=Decimal(amount))


# --- line by line ----------------------------------------------------------------------------

def test_given_lines_over_the_budget_then_each_line_shows_the_running_total_and_its_shortfall():
    # Budget £1,000. Running totals 400, 900, 1,200, 1,400: the third line crosses the budget
    # and is short by the 200 not covered; the fourth is wholly short.
    result = sufficiency(_budget("1000.00"), _lines("400.00", "500.00", "300.00", "200.00"))

    assert [c.running_total for c in result.lines] == [
        Decimal("400.00"), Decimal("900.00"), Decimal("1200.00"), Decimal("1400.00")]
    assert [c.short_by for c in result.lines] == [
        ZERO, ZERO, Decimal("200.00"), Decimal("200.00")]
    assert [c.covered for c in result.lines] == [True, True, False, False]
    assert result.total_cost == Decimal("1400.00")
    assert result.shortfall == Decimal("400.00")
    assert result.surplus == ZERO


def test_given_a_line_that_crosses_the_budget_by_a_penny_then_only_the_penny_is_short():
    result = sufficiency(_budget("1000.00"), _lines("999.99", "0.02", "50.00"))

    assert [c.short_by for c in result.lines] == [ZERO, Decimal("0.01"), Decimal("50.00")]
    assert result.shortfall == Decimal("50.01")


def test_given_lines_that_use_the_budget_exactly_then_every_line_is_covered_and_nothing_is_left():
    result = sufficiency(_budget("1000.00"), _lines("400.00", "600.00"))

    assert all(c.covered for c in result.lines)
    assert (result.shortfall, result.surplus) == (ZERO, ZERO)
    assert not result.large_surplus
    assert result.problems() == []


def test_given_the_first_line_alone_is_over_the_budget_then_it_is_short_by_the_difference():
    result = sufficiency(_budget("500.00"), _lines("800.00", "100.00"))

    assert [c.short_by for c in result.lines] == [Decimal("300.00"), Decimal("100.00")]


def test_given_no_lines_then_nothing_is_spent_and_the_whole_budget_is_left_over():
    result = sufficiency(_budget("1000.00"), [])

    assert result.total_cost == ZERO
    assert result.surplus == Decimal("1000.00")
    assert result.large_surplus


@given(budget=st.integers(min_value=1, max_value=10_000_000),
       costs=st.lists(st.integers(min_value=1, max_value=5_000_000), max_size=12))
def test_the_lines_short_add_up_to_the_shortfall_and_never_exceed_their_own_cost(budget,
                                                                                  costs):
    result = sufficiency(_budget(Decimal(budget) / 100),
                         _lines(*(Decimal(c) / 100 for c in costs)))

    assert sum((c.short_by for c in result.lines), ZERO) == result.shortfall
    assert all(ZERO <= c.short_by <= c.line.annual_cost for c in result.lines)
    assert result.total_cost == sum((Decimal(c) / 100 for c in costs), ZERO)
    assert result.total_cost - result.shortfall + result.surplus == Decimal(budget) / 100
    # Once a line is short, every later line is wholly short.
    short = [c.covered for c in result.lines]
    assert short == sorted(short, reverse=True)


# --- surplus ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("cost", "surplus", "large"), [
    ("950.00", "50.00", False),
    ("900.00", "100.00", False),   # exactly a tenth: not flagged
    ("899.99", "100.01", True),    # a penny more than a tenth: flagged
    ("100.00", "900.00", True),
])
def test_given_money_left_over_then_more_than_a_tenth_of_the_budget_is_flagged(cost, surplus,
                                                                              large):
    result = sufficiency(_budget("1000.00"), _lines(cost))

    assert result.surplus == Decimal(surplus)
    assert result.shortfall == ZERO
    assert result.large_surplus is large


def test_given_a_large_surplus_then_it_is_not_a_problem_for_sign_off():
    assert sufficiency(_budget("1000.00"), _lines("100.00")).problems() == []


# --- which amount ----------------------------------------------------------------------------

def test_given_only_an_indicative_budget_then_the_lines_are_measured_against_it():
    result = sufficiency(_budget(indicative="800.00"), _lines("1000.00"))

    assert result.amount == Decimal("800.00")
    assert result.shortfall == Decimal("200.00")


def test_given_a_final_budget_then_it_replaces_the_indicative_one():
    result = sufficiency(_budget(final="1200.00", indicative="800.00"), _lines("1000.00"))

    assert result.amount == Decimal("1200.00")
    assert (result.shortfall, result.surplus) == (ZERO, Decimal("200.00"))


def test_given_no_budget_amount_then_nothing_is_short_and_it_is_said():
    result = sufficiency(_budget(), _lines("400.00", "600.00"))

    assert [c.short_by for c in result.lines] == [ZERO, ZERO]
    assert (result.shortfall, result.surplus, result.large_surplus) == (ZERO, ZERO, False)
    assert result.problems() == ["There is no budget amount yet"]


# --- ways of holding the money ---------------------------------------------------------------

def test_given_holdings_that_do_not_add_up_to_the_budget_then_it_is_reported():
    holdings = [_holding(HoldingWay.NOTIONAL, "600.00"),
                _holding(HoldingWay.DIRECT_PAYMENT, "300.00")]

    result = sufficiency(_budget("1000.00"), [], holdings)

    assert result.holdings_total == Decimal("900.00")
    assert not result.holdings_match
    assert result.problems() == ["The ways of holding the money add up to £900.00, not the "
                                 "budget of £1,000.00"]


def test_given_holdings_that_add_up_to_the_budget_then_they_match():
    holdings = [_holding(HoldingWay.NOTIONAL, "600.00"),
                _holding(HoldingWay.THIRD_PARTY, "400.00")]

    result = sufficiency(_budget("1000.00"), [], holdings)

    assert result.holdings_match
    assert result.problems() == []


def test_given_no_holdings_yet_then_there_is_nothing_to_add_up():
    assert sufficiency(_budget("1000.00"), _lines("10.00")).holdings_match


def test_given_a_holding_paying_for_more_than_it_holds_then_it_is_reported():
    notional = _holding(HoldingWay.NOTIONAL, "600.00")
    direct = _holding(HoldingWay.DIRECT_PAYMENT, "400.00")
    lines = [*_lines("450.00", "250.00", holding=notional), *_lines("300.00", holding=direct),
             *_lines("20.00")]

    result = sufficiency(_budget("1000.00"), lines, [notional, direct])

    notional_cover, direct_cover = result.holdings
    assert (notional_cover.planned, notional_cover.difference) == (Decimal("700.00"),
                                                                   Decimal("-100.00"))
    assert (direct_cover.planned, direct_cover.difference) == (Decimal("300.00"),
                                                               Decimal("100.00"))
    assert result.unpaid_lines == Decimal("20.00")
    assert result.problems() == [
        "The plan costs £1,020.00 a year but the budget is £1,000.00: £20.00 short",
        "Notional pays for £700.00 a year but holds £600.00: £100.00 short",
    ]


def test_given_a_shortfall_then_the_problem_names_the_amounts_with_commas_and_pence():
    result = sufficiency(_budget("10000.00"), _lines("6000.00", "5234.00"))

    assert result.problems() == [
        "The plan costs £11,234.00 a year but the budget is £10,000.00: £1,234.00 short"]


# --- through the services --------------------------------------------------------------------

@pytest.fixture
def draft(planner, plan_and_outcome):
    """A draft whose final budget is £1,000.00 a year."""
    return make.budget(planner, plan_and_outcome[0], final_amount=Decimal("1000.00"))


def test_given_saved_lines_then_the_sheet_covers_them_in_the_order_they_were_added(
        planner, draft, plan_and_outcome):
    _, outcome = plan_and_outcome
    for item, cost in (("Stool", "600.00"), ("Kettle tipper", "500.00"), ("Rail", "70.00")):
        make.line(planner, draft, outcome, item=item, unit_cost=Decimal(cost))

    sheet = selectors.budget_sheet(user=planner, plan=draft.plan)

    assert sheet is not None
    cover = sheet.sufficiency
    assert [(c.line.item, c.running_total, c.short_by) for c in cover.lines] == [
        ("Stool", Decimal("600.00"), ZERO),
        ("Kettle tipper", Decimal("1100.00"), Decimal("100.00")),
        ("Rail", Decimal("1170.00"), Decimal("70.00")),
    ]
    assert cover.shortfall == Decimal("170.00")
    assert "The plan costs £1,170.00 a year but the budget is £1,000.00: £170.00 short" in \
        sheet.problems


def test_given_a_shortfall_and_a_holding_short_then_sign_off_is_refused_listing_both(
        planner, draft, plan_and_outcome):
    _, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    held = make.holding(planner, draft, amount=Decimal("900.00"))
    make.line(planner, draft, outcome, unit_cost=Decimal("1234.00"), holding=held)
    draft.refresh_from_db()

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)

    assert caught.value.problems == [
        "The plan costs £1,234.00 a year but the budget is £1,000.00: £234.00 short",
        "The ways of holding the money add up to £900.00, not the budget of £1,000.00",
        "Notional pays for £1,234.00 a year but holds £900.00: £334.00 short",
    ]
    assert Budget.objects.get(pk=draft.pk).status == BudgetStatus.DRAFT


def test_given_a_large_surplus_then_the_budget_can_still_be_signed_off(planner, draft,
                                                                       plan_and_outcome):
    _, outcome = plan_and_outcome
    held = make.holding(planner, draft, amount=Decimal("1000.00"))
    make.line(planner, draft, outcome, unit_cost=Decimal("500.00"), holding=held)
    draft.refresh_from_db()
    sheet = selectors.budget_sheet(user=planner, plan=draft.plan)

    signed = services.budget_sign_off(actor=make.commissioner_for(planner), budget=draft,
                                      version=draft.version)

    assert sheet is not None
    assert sheet.sufficiency.large_surplus
    assert sheet.problems == []
    assert signed.status == BudgetStatus.SIGNED_OFF
