"""Planned against actual spending over the budget year: the months and quarters, the plan
split to the penny, payments counted in the period they were paid, ended periods flagged.

The arithmetic is checked on records in memory, then through the services and the selector
with a budget in force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.budgets import selectors, services
from ourplan.budgets.models import Budget, CostLine, Payment
from ourplan.budgets.money import ZERO, Frequency
from ourplan.budgets.services import year_end
from ourplan.budgets.spending import add_months, spending
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make

APRIL = dt.date(2026, 4, 1)


def _budget(starts_on=APRIL) -> Budget:
    return Budget(starts_on=starts_on, ends_on=year_end(starts_on) if starts_on else None)


def _line(annual_cost, frequency=Frequency.WEEKLY, item="Gardening help") -> CostLine:
    return CostLine(item=item, annual_cost=Decimal(annual_cost), frequency=frequency)


def _paid(line, paid_on, amount) -> Payment:
    return Payment(line=line, paid_on=paid_on, amount=Decimal(amount))


# --- add_months ------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 4, 1), 1, dt.date(2026, 5, 1)),
    (dt.date(2026, 4, 15), 0, dt.date(2026, 4, 15)),
    (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),    # into the next year
    (dt.date(2026, 4, 1), 12, dt.date(2027, 4, 1)),
    (dt.date(2026, 4, 1), 25, dt.date(2028, 5, 1)),
    (dt.date(2027, 1, 15), -1, dt.date(2026, 12, 15)),   # back into the year before
    (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),     # 31 April does not exist
    (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),     # the last day of February
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),     # ... in a leap year
    (dt.date(2027, 1, 30), 1, dt.date(2027, 2, 28)),
    (dt.date(2028, 1, 29), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 10, 31), 4, dt.date(2027, 2, 28)),
    (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
    (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),    # a leap day a year on
    (dt.date(2028, 2, 29), 48, dt.date(2032, 2, 29)),    # ... and four years on
    (dt.date(2027, 1, 31), 2, dt.date(2027, 3, 31)),     # counted from the day, not chained
])
def test_given_a_day_and_some_months_then_add_months_keeps_the_day_or_the_months_last(
        day, months, expected):
    assert add_months(day, months) == expected


# --- year_end --------------------------------------------------------------------------------

@pytest.mark.parametrize(("starts_on", "ends_on"), [
    (dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),   # a leap day start ends on 28 February
    (dt.date(2027, 3, 1), dt.date(2028, 2, 29)),    # a year over a leap day
    (dt.date(2028, 3, 1), dt.date(2029, 2, 28)),
    (dt.date(2027, 12, 31), dt.date(2028, 12, 30)),
])
def test_given_a_start_then_the_budget_year_ends_the_day_before_the_same_day_a_year_on(
        starts_on, ends_on):
    assert year_end(starts_on) == ends_on


# --- the months ------------------------------------------------------------------------------

def test_given_a_year_from_1_april_then_there_are_twelve_calendar_months():
    report = spending(_budget(), [], [], today=APRIL)

    assert [p.label for p in report.periods] == [
        "April 2026", "May 2026", "June 2026", "July 2026", "August 2026", "September 2026",
        "October 2026", "November 2026", "December 2026", "January 2027", "February 2027",
        "March 2027"]
    assert report.periods[0].starts_on == APRIL
    assert report.periods[0].ends_on == dt.date(2026, 4, 30)
    assert report.periods[10].ends_on == dt.date(2027, 2, 28)
    assert report.periods[-1].ends_on == dt.date(2027, 3, 31)
    # The periods run on from each other with no gap.
    for before, after in zip(report.periods, report.periods[1:], strict=False):
        assert after.starts_on == before.ends_on + dt.timedelta(days=1)


def test_given_a_weekly_line_then_the_year_is_planned_evenly_to_the_penny():
    # 40.00 x 52 = 2,080.00 a year; / 12 = 173.333...: four months of 173.34 and eight of
    # 173.33 (4 x 173.34 + 8 x 173.33 = 693.36 + 1,386.64 = 2,080.00).
    report = spending(_budget(), [_line("2080.00")], [], today=APRIL)

    assert [p.planned for p in report.periods] == \
        [Decimal("173.34")] * 4 + [Decimal("173.33")] * 8
    assert sum((p.planned for p in report.periods), ZERO) == Decimal("2080.00")


def test_given_a_one_off_line_then_it_is_all_planned_in_the_first_month():
    report = spending(_budget(), [_line("120.00", Frequency.ONE_OFF, "Perching stool")], [],
                      today=APRIL)

    assert report.periods[0].planned == Decimal("120.00")
    assert all(p.planned == ZERO for p in report.periods[1:])


def test_given_several_lines_then_each_month_plans_their_shares_and_the_year_adds_up():
    lines = [_line("2080.00"), _line("120.00", Frequency.ONE_OFF),
             _line("1000.01", Frequency.MONTHLY)]

    report = spending(_budget(), lines, [], today=APRIL)

    # 173.34 + 120.00 + 83.34 (1,000.01 / 12: 83.3341..., the spare 5p to the first months)
    assert report.periods[0].planned == Decimal("376.68")
    assert report.periods[-1].planned == Decimal("256.66")  # 173.33 + 83.33
    assert sum((p.planned for p in report.periods), ZERO) == Decimal("3200.01")


def test_given_payments_then_each_counts_in_the_month_it_was_paid():
    line = _line("2080.00")
    payments = [
        _paid(line, dt.date(2026, 4, 1), "10.00"),     # the first day
        _paid(line, dt.date(2026, 4, 30), "20.00"),    # the last day of April
        _paid(line, dt.date(2026, 5, 1), "40.00"),     # the first day of May
        _paid(line, dt.date(2027, 3, 31), "80.00"),    # the last day of the year
        _paid(line, dt.date(2026, 3, 31), "160.00"),   # before the year: not counted
        _paid(line, dt.date(2027, 4, 1), "320.00"),    # after the year: not counted
    ]

    report = spending(_budget(), [line], payments, today=dt.date(2027, 6, 1))

    assert report.periods[0].actual == Decimal("30.00")
    assert report.periods[1].actual == Decimal("40.00")
    assert report.periods[-1].actual == Decimal("80.00")
    assert report.actual_total == Decimal("150.00")


def test_given_ended_months_then_over_and_under_spending_is_flagged_and_this_month_is_not():
    line = _line("1200.00", Frequency.MONTHLY)  # 100.00 a month
    payments = [_paid(line, dt.date(2026, 4, 10), "130.00"),   # April: 30 over
                _paid(line, dt.date(2026, 5, 10), "60.00"),    # May: 40 under
                _paid(line, dt.date(2026, 6, 10), "100.00"),   # June: as planned
                _paid(line, dt.date(2026, 7, 2), "500.00")]    # July: not over yet

    report = spending(_budget(), [line], payments, today=dt.date(2026, 7, 15))
    april, may, june, july = report.periods[:4]

    assert (april.ended, april.difference, april.flag) == (True, Decimal("30.00"), "overspent")
    assert (may.ended, may.difference, may.flag) == (True, Decimal("-40.00"), "underspent")
    assert (june.ended, june.flag) == (True, "")
    assert (july.ended, july.flag) == (False, "")
    assert all(p.flag == "" for p in report.periods[4:])
    assert report.planned_to_date == Decimal("300.00")
    assert report.actual_to_date == Decimal("290.00")
    assert report.actual_total == Decimal("790.00")


def test_given_the_last_day_of_a_month_then_that_month_has_not_ended_until_the_next_day():
    line = _line("1200.00", Frequency.MONTHLY)

    on_the_day = spending(_budget(), [line], [], today=dt.date(2026, 4, 30))
    next_day = spending(_budget(), [line], [], today=dt.date(2026, 5, 1))

    assert (on_the_day.periods[0].ended, on_the_day.periods[0].flag) == (False, "")
    assert (next_day.periods[0].ended, next_day.periods[0].flag) == (True, "underspent")


def test_given_lines_then_their_spending_to_date_counts_only_the_ended_months():
    gardening, stool = _line("1200.00", Frequency.MONTHLY), _line("120.00", Frequency.ONE_OFF,
                                                                  "Perching stool")
    payments = [_paid(gardening, dt.date(2026, 4, 3), "100.00"),
                _paid(gardening, dt.date(2026, 5, 3), "100.00"),
                _paid(stool, dt.date(2026, 5, 20), "115.00"),
                _paid(gardening, dt.date(2026, 6, 3), "100.00")]   # June is not over

    report = spending(_budget(), [gardening, stool], payments, today=dt.date(2026, 6, 10))

    by_item = {s.line.item: s for s in report.lines}
    assert (by_item["Gardening help"].planned, by_item["Gardening help"].actual) == (
        Decimal("200.00"), Decimal("200.00"))
    assert (by_item["Perching stool"].planned, by_item["Perching stool"].actual,
            by_item["Perching stool"].difference) == (
        Decimal("120.00"), Decimal("115.00"), Decimal("-5.00"))


# --- quarters --------------------------------------------------------------------------------

def test_given_quarters_then_each_adds_three_months_and_is_labelled_by_its_months():
    line = _line("2080.00")
    payments = [_paid(line, dt.date(2026, 6, 30), "500.00"),
                _paid(line, dt.date(2026, 7, 1), "600.00")]

    report = spending(_budget(), [line], payments, today=dt.date(2026, 10, 1),
                      months_per_period=3)

    assert [p.label for p in report.periods] == [
        "Quarter 1: Apr 2026 to Jun 2026", "Quarter 2: Jul 2026 to Sep 2026",
        "Quarter 3: Oct 2026 to Dec 2026", "Quarter 4: Jan 2027 to Mar 2027"]
    assert [(p.starts_on, p.ends_on) for p in report.periods[:2]] == [
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)), (dt.date(2026, 7, 1),
                                                      dt.date(2026, 9, 30))]
    # Quarter 1: 173.34 x 3; quarter 2: 173.34 + 173.33 x 2; then 173.33 x 3 each.
    assert [p.planned for p in report.periods] == [
        Decimal("520.02"), Decimal("520.00"), Decimal("519.99"), Decimal("519.99")]
    assert sum((p.planned for p in report.periods), ZERO) == Decimal("2080.00")
    assert [p.actual for p in report.periods[:2]] == [Decimal("500.00"), Decimal("600.00")]
    assert [p.flag for p in report.periods] == ["underspent", "overspent", "", ""]


def test_given_a_one_off_line_by_quarter_then_it_is_planned_in_the_first_quarter():
    report = spending(_budget(), [_line("999.99", Frequency.ONE_OFF)], [], today=APRIL,
                      months_per_period=3)

    assert [p.planned for p in report.periods] == [Decimal("999.99"), ZERO, ZERO, ZERO]


# --- years that do not start on the first ----------------------------------------------------

def test_given_a_year_from_the_31st_then_short_months_end_on_their_last_day():
    report = spending(_budget(dt.date(2027, 1, 31)), [], [], today=APRIL)

    assert [(p.starts_on, p.ends_on) for p in report.periods[:3]] == [
        (dt.date(2027, 1, 31), dt.date(2027, 2, 27)),
        (dt.date(2027, 2, 28), dt.date(2027, 3, 30)),
        (dt.date(2027, 3, 31), dt.date(2027, 4, 29)),
    ]
    assert report.periods[-1].ends_on == year_end(dt.date(2027, 1, 31)) == dt.date(2028, 1, 30)


@pytest.mark.parametrize("starts_on", [
    dt.date(2026, 4, 1), dt.date(2026, 4, 6), dt.date(2027, 1, 31), dt.date(2027, 3, 1),
    dt.date(2028, 3, 31), dt.date(2027, 8, 30)])
def test_given_a_budget_year_then_the_periods_cover_it_from_first_day_to_last(starts_on):
    report = spending(_budget(starts_on), [], [], today=APRIL)

    assert report.periods[0].starts_on == starts_on
    assert report.periods[-1].ends_on == year_end(starts_on)


def test_given_a_year_from_a_leap_day_then_a_payment_on_its_last_day_is_counted():
    # A budget year from 29 February 2028 ends on 28 February 2029 (services.year_end), and a
    # payment on that day is within the year (services.payment_record accepts it). It must be
    # counted in the last month.
    budget = _budget(dt.date(2028, 2, 29))
    line = _line("1200.00", Frequency.MONTHLY)
    payment = _paid(line, dt.date(2029, 2, 28), "100.00")

    report = spending(budget, [line], [payment], today=dt.date(2029, 6, 1))

    assert budget.ends_on == dt.date(2029, 2, 28)
    assert report.periods[-1].ends_on == budget.ends_on
    assert report.actual_total == Decimal("100.00")


def test_given_a_budget_without_a_start_then_there_is_nothing_to_compare():
    report = spending(_budget(None), [_line("100.00")], [], today=APRIL)

    assert (report.periods, report.lines) == ([], [])
    assert report.actual_total == ZERO


# --- through the services --------------------------------------------------------------------

@pytest.fixture
def in_force(planner, plan_and_outcome):
    """A budget in force whose year began at the start of last month, so last month is over."""
    plan, outcome = plan_and_outcome
    today = timezone.localdate()
    starts_on = add_months(today.replace(day=1), -1)
    draft = make.budget(planner, plan, starts_on=starts_on, final_amount=Decimal("2400.00"))
    held = make.holding(planner, draft, amount=Decimal("2400.00"))
    make.line(planner, draft, outcome, item="Massage", category="therapy",
              unit_cost=Decimal("200.00"), frequency="monthly", holding=held)
    draft.refresh_from_db()
    return services.budget_sign_off(actor=make.commissioner_for(planner), budget=draft,
                                    version=draft.version)


def test_given_a_budget_in_force_then_the_report_compares_last_month_and_is_audited(
        planner, in_force):
    line = in_force.lines.get()
    services.payment_record(actor=planner, budget=in_force, data={
        "line": line, "paid_on": in_force.starts_on, "amount": Decimal("250.00"),
        "reference": "Invoice 1"})

    report = selectors.spending_report(user=planner, plan=in_force.plan)

    assert report is not None
    last_month, this_month = report.spending.periods[:2]
    assert (last_month.planned, last_month.actual, last_month.flag) == (
        Decimal("200.00"), Decimal("250.00"), "overspent")
    assert (this_month.ended, this_month.flag) == (False, "")
    assert [p.amount for p in report.payments] == [Decimal("250.00")]
    assert AuditEvent.objects.filter(action="budget.spending_viewed",
                                     person=in_force.person).count() == 1


def test_given_quarters_through_the_selector_then_there_are_four(planner, in_force):
    report = selectors.spending_report(user=planner, plan=in_force.plan, months_per_period=3)

    assert report is not None
    assert len(report.spending.periods) == 4
    assert sum((p.planned for p in report.spending.periods), ZERO) == Decimal("2400.00")


def test_given_no_budget_in_force_then_there_is_no_spending_report(planner, plan_and_outcome):
    plan, _ = plan_and_outcome
    make.budget(planner, plan)

    assert selectors.spending_report(user=planner, plan=plan) is None
    assert not AuditEvent.objects.filter(action="budget.spending_viewed").exists()


def test_given_a_payment_removed_then_it_is_no_longer_counted_and_the_audit_keeps_it(
        planner, in_force):
    paid = services.payment_record(actor=planner, budget=in_force, data={
        "line": in_force.lines.get(), "paid_on": in_force.starts_on,
        "amount": Decimal("75.00")})

    services.payment_remove(actor=planner, payment=paid, version=paid.version)

    report = selectors.spending_report(user=planner, plan=in_force.plan)
    assert report is not None
    assert report.spending.actual_total == ZERO
    removed = AuditEvent.objects.get(action="budget.payment_removed")
    assert removed.changes["amount"] == "75.00"
    assert not Payment.objects.exists()


def test_given_a_payment_of_nothing_then_it_is_refused(
        planner, in_force):
    with pytest.raises(ValidationError) as caught:
        services.payment_record(actor=planner, budget=in_force, data={
            "line": in_force.lines.get(), "paid_on": in_force.starts_on,
            "amount": Decimal("0.00")})

    assert "amount" in caught.value.message_dict
    assert not Payment.objects.exists()
