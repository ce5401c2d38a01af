"""What employing a personal assistant really costs: the calculator against examples worked by
hand with the rates rows the migration seeds, and PA lines through the service.

The seeded 2025-26 and 2026-27 rows both hold: holiday 5.6 weeks; employer's NI 15% of
earnings above £5,000; pension 3% of earnings between £6,240 and £50,270; emergency cover 5% of
wages; training £250, payroll £180 and insurance £150 a year. The National Living Wage is
£12.21 an hour in 2025-26 and £12.71 in 2026-27."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ourplan.accounts.models import Role
from ourplan.budgets import services
from ourplan.budgets.models import CostLine, PARates
from ourplan.budgets.money import ZERO
from ourplan.budgets.pa_costs import PARTS, pa_costs
from ourplan.budgets.rates import STARTING_RATES
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make
from ourplan.testing.factories import UserFactory


@pytest.fixture
def rates_2025(db):
    return PARates.objects.get(tax_year="2025-26")


@pytest.fixture
def rates_2026(db):
    return PARates.objects.get(tax_year="2026-27")


# --- the calculator, worked by hand ----------------------------------------------------------

def test_given_the_seeded_rates_then_they_hold_the_stated_figures(rates_2025, rates_2026):
    for rates in (rates_2025, rates_2026):
        assert (rates.holiday_weeks, rates.employer_ni_rate, rates.ni_secondary_threshold) == (
            Decimal("5.60"), Decimal("15.00"), Decimal("5000.00"))
        assert (rates.pension_rate, rates.pension_lower_limit, rates.pension_upper_limit) == (
            Decimal("3.00"), Decimal("6240.00"), Decimal("50270.00"))
        assert (rates.emergency_cover_rate, rates.training_per_pa, rates.payroll_per_pa,
                rates.insurance_per_employer) == (Decimal("5.00"), Decimal("250.00"),
                                                  Decimal("180.00"), Decimal("150.00"))
    assert rates_2025.national_living_wage == Decimal("12.21")
    assert rates_2026.national_living_wage == Decimal("12.71")
    assert (rates_2025.starts_on, rates_2026.starts_on) == (dt.date(2025, 4, 6),
                                                            dt.date(2026, 4, 6))


def test_given_13_pounds_an_hour_for_20_hours_then_every_part_matches_the_hand_worked_sum(
        rates_2025):
    # wages            13.00 x 20 x 52             = 13,520.00
    # holiday pay      13.00 x 20 x 5.6            =  1,456.00
    # earnings         13,520.00 + 1,456.00        = 14,976.00
    # employer's NI    (14,976 - 5,000) x 15%      =  1,496.40
    # pension          (14,976 - 6,240) x 3%       =    262.08
    # emergency cover  13,520.00 x 5%              =    676.00
    # training, payroll, insurance                 =    580.00  (250 + 180 + 150)
    # total                                        = 17,990.48
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"),
                     rates=rates_2025)

    assert costs.wages == Decimal("13520.00")
    assert costs.holiday_pay == Decimal("1456.00")
    assert costs.earnings == Decimal("14976.00")
    assert costs.employer_ni == Decimal("1496.40")
    assert costs.pension == Decimal("262.08")
    assert costs.emergency_cover == Decimal("676.00")
    assert (costs.training, costs.payroll, costs.insurance) == (
        Decimal("250.00"), Decimal("180.00"), Decimal("150.00"))
    assert costs.total == Decimal("17990.48")
    assert costs.hidden == Decimal("4470.48")  # 17,990.48 - 13,520.00
    assert costs.tax_year == "2025-26"


def test_given_few_hours_then_no_national_insurance_or_pension_is_due(rates_2025):
    # wages            12.21 x 7 x 52              =  4,444.44
    # holiday pay      12.21 x 7 x 5.6 = 478.632   ->   478.63
    # earnings                                     =  4,923.07  (under 5,000 and 6,240)
    # employer's NI    4,923.07 - 5,000 < 0        ->     0.00
    # pension          4,923.07 - 6,240 < 0        ->     0.00
    # emergency cover  4,444.44 x 5% = 222.222     ->   222.22
    # total  4,444.44 + 478.63 + 222.22 + 580.00   =  5,725.29
    costs = pa_costs(hourly_pay=Decimal("12.21"), hours_per_week=Decimal("7"),
                     rates=rates_2025)

    assert (costs.wages, costs.holiday_pay) == (Decimal("4444.44"), Decimal("478.63"))
    assert costs.employer_ni == Decimal("0.00")
    assert costs.pension == Decimal("0.00")
    assert costs.emergency_cover == Decimal("222.22")
    assert costs.total == Decimal("5725.29")


def test_given_earnings_between_the_ni_threshold_and_the_pension_limit_then_only_ni_is_due(
        rates_2025):
    # wages            12.21 x 8 x 52              =  5,079.36
    # holiday pay      12.21 x 8 x 5.6 = 547.008   ->   547.01
    # earnings                                     =  5,626.37
    # employer's NI    (5,626.37 - 5,000) x 15% = 93.9555 -> 93.96
    # pension          5,626.37 is under 6,240     ->     0.00
    # emergency cover  5,079.36 x 5% = 253.968     ->   253.97
    # total  5,079.36 + 547.01 + 93.96 + 253.97 + 580.00 = 6,554.30
    costs = pa_costs(hourly_pay=Decimal("12.21"), hours_per_week=Decimal("8"),
                     rates=rates_2025)

    assert costs.employer_ni == Decimal("93.96")
    assert costs.pension == Decimal("0.00")
    assert costs.emergency_cover == Decimal("253.97")
    assert costs.total == Decimal("6554.30")


def test_given_high_earnings_then_the_pension_stops_at_the_upper_limit(rates_2025):
    # wages            30.00 x 45 x 52             = 70,200.00
    # holiday pay      30.00 x 45 x 5.6            =  7,560.00
    # earnings                                     = 77,760.00  (over 50,270)
    # employer's NI    (77,760 - 5,000) x 15%      = 10,914.00  (NI has no upper limit)
    # pension          (50,270 - 6,240) x 3%       =  1,320.90
    # emergency cover  70,200 x 5%                 =  3,510.00
    # total  70,200 + 7,560 + 10,914 + 1,320.90 + 3,510 + 580 = 94,084.90
    costs = pa_costs(hourly_pay=Decimal("30.00"), hours_per_week=Decimal("45"),
                     rates=rates_2025)

    assert costs.employer_ni == Decimal("10914.00")
    assert costs.pension == Decimal("1320.90")
    assert costs.emergency_cover == Decimal("3510.00")
    assert costs.total == Decimal("94084.90")


def test_given_a_part_that_comes_to_half_a_penny_then_it_rounds_up(rates_2025):
    # wages            12.25 x 7.5 x 52            =  4,777.50
    # holiday pay      12.25 x 7.5 x 5.6           =    514.50
    # employer's NI    (5,292.00 - 5,000) x 15%    =     43.80
    # emergency cover  4,777.50 x 5% = 238.875     ->   238.88 (half a penny: up)
    # total  4,777.50 + 514.50 + 43.80 + 238.88 + 580.00 = 6,154.68
    costs = pa_costs(hourly_pay=Decimal("12.25"), hours_per_week=Decimal("7.5"),
                     rates=rates_2025)

    assert costs.emergency_cover == Decimal("238.88")
    assert costs.total == Decimal("6154.68")


def test_given_insurance_is_counted_on_another_pa_line_then_it_is_left_out(rates_2025):
    # The 17,990.48 of the first example less the 150.00 insurance.
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"),
                     rates=rates_2025, includes_insurance=False)

    assert costs.insurance == ZERO
    assert costs.total == Decimal("17840.48")


def test_given_the_rates_row_changes_then_the_costs_follow_it(rates_2025):
    PARates.objects.filter(pk=rates_2025.pk).update(
        employer_ni_rate=Decimal("13.80"), pension_rate=Decimal("5.00"),
        emergency_cover_rate=Decimal("10.00"), payroll_per_pa=Decimal("200.00"))
    changed = PARates.objects.get(pk=rates_2025.pk)

    # employer's NI    (14,976 - 5,000) x 13.8% = 1,376.688 -> 1,376.69
    # pension          (14,976 - 6,240) x 5%    =   436.80
    # emergency cover  13,520 x 10%             = 1,352.00
    # total  13,520 + 1,456 + 1,376.69 + 436.80 + 1,352 + 250 + 200 + 150 = 18,741.49
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"), rates=changed)

    assert costs.employer_ni == Decimal("1376.69")
    assert costs.pension == Decimal("436.80")
    assert costs.emergency_cover == Decimal("1352.00")
    assert costs.payroll == Decimal("200.00")
    assert costs.total == Decimal("18741.49")


def test_given_a_longer_holiday_and_higher_threshold_then_holiday_and_ni_follow(rates_2025):
    PARates.objects.filter(pk=rates_2025.pk).update(holiday_weeks=Decimal("6.00"),
                                                    ni_secondary_threshold=Decimal("9100.00"))
    changed = PARates.objects.get(pk=rates_2025.pk)

    # holiday 13 x 20 x 6 = 1,560.00; earnings 15,080.00; NI (15,080 - 9,100) x 15% = 897.00
    costs = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"), rates=changed)

    assert costs.holiday_pay == Decimal("1560.00")
    assert costs.employer_ni == Decimal("897.00")


def test_given_the_costs_then_the_breakdown_names_every_part_as_text(rates_2025):
    breakdown = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20"),
                         rates=rates_2025).as_json()

    assert breakdown == {
        "tax_year": "2025-26", "hourly_pay": "13.00", "hours_per_week": "20",
        "wages": "13520.00", "holiday_pay": "1456.00", "employer_ni": "1496.40",
        "pension": "262.08", "emergency_cover": "676.00", "training": "250.00",
        "payroll": "180.00", "insurance": "150.00", "total": "17990.48",
    }
    assert [name for name, _ in PARTS] == [k for k in breakdown if k not in {
        "tax_year", "hourly_pay", "hours_per_week", "total"}]


class _Rates:
    """The 2025-26 starting figures as plain values, for property tests without a database."""

    def __init__(self) -> None:
        for name, value in STARTING_RATES[0].items():
            setattr(self, name, value)


@given(pay=st.integers(min_value=1221, max_value=10_000).map(lambda p: Decimal(p) / 100),
       hours=st.integers(min_value=1, max_value=16_800).map(lambda h: Decimal(h) / 100))
def test_the_pa_total_is_the_sum_of_its_rounded_parts_and_never_less_than_the_wages(pay,
                                                                                     hours):
    rates = _Rates()
    costs = pa_costs(hourly_pay=pay, hours_per_week=hours, rates=rates)
    parts = [getattr(costs, name) for name, _ in PARTS]

    assert costs.total == sum(parts, ZERO)
    assert all(p >= ZERO and p == p.quantize(Decimal("0.01")) for p in parts)
    assert costs.total >= costs.wages + Decimal("580.00")
    assert costs.pension <= Decimal("1320.90")  # (50,270 - 6,240) x 3%, the most there is


# --- which year's rates a budget is costed with ----------------------------------------------

@pytest.mark.parametrize(("starts_on", "tax_year"), [
    (dt.date(2026, 4, 1), "2026-27"),   # the middle day, 30 September 2026, is in 2026-27
    (dt.date(2026, 1, 1), "2026-27"),   # middle day 2 July 2026
    (dt.date(2025, 10, 1), "2025-26"),  # middle day 1 April 2026, before 6 April
    (dt.date(2025, 4, 1), "2025-26"),
    (dt.date(2020, 4, 1), "2025-26"),   # before any rates: the earliest there is
])
def test_given_a_budget_year_then_it_is_costed_at_the_rates_of_its_middle_day(db, starts_on,
                                                                              tax_year):
    assert services.rates_for(starts_on).tax_year == tax_year


# --- PA lines through the service ------------------------------------------------------------

def _pa_line(planner, draft, outcome, **data):
    values = {"item": "PA for mornings", "category": "pa_employment",
              "unit_cost": Decimal("13.00"), "quantity": Decimal("20"),
              "frequency": "weekly"} | data
    return make.line(planner, draft, outcome, **values)


def _refused(field, call):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not CostLine.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    return " ".join(caught.value.message_dict[field])


def test_given_a_pa_line_then_its_cost_is_the_calculators_total_and_the_breakdown_is_kept(
        planner, draft, outcome, rates_2026):
    line = _pa_line(planner, draft, outcome)
    # The hours are kept as the quantity field holds them: 20.00.
    expected = pa_costs(hourly_pay=Decimal("13.00"), hours_per_week=Decimal("20.00"),
                        rates=rates_2026)

    stored = CostLine.objects.get(pk=line.pk)
    assert stored.pa_rates == rates_2026
    assert stored.annual_cost == expected.total == Decimal("17990.48")
    assert stored.pa_breakdown == expected.as_json()
    assert stored.pa_breakdown["tax_year"] == "2026-27"
    assert AuditEvent.objects.get(action="budget.line_added").changes["annual_cost"] == \
        "17990.48"


def test_given_a_pa_line_without_a_frequency_then_it_is_costed_weekly(planner, draft, outcome):
    values = {"item": "PA", "category": "pa_employment", "unit_cost": Decimal("13.00"),
              "quantity": Decimal("20")}
    draft.refresh_from_db()

    line = services.cost_line_add(actor=planner, budget=draft, version=draft.version,
                                  data={"outcome": outcome} | values)

    assert line.frequency == "weekly"
    assert line.annual_cost == Decimal("17990.48")


def test_given_a_second_pa_without_insurance_then_the_line_leaves_it_out(planner, draft,
                                                                         outcome):
    line = _pa_line(planner, draft, outcome, pa_includes_insurance=False)

    assert line.annual_cost == Decimal("17840.48")
    assert line.pa_breakdown["insurance"] == "0.00"


def test_given_a_chosen_tax_year_by_id_then_the_line_uses_those_rates(planner, draft, outcome,
                                                                      rates_2025):
    # £12.50 is under 2026-27's £12.71 but over 2025-26's £12.21.
    line = _pa_line(planner, draft, outcome, unit_cost=Decimal("12.50"),
                    pa_rates=str(rates_2025.pk))

    assert line.pa_rates == rates_2025
    assert line.pa_breakdown["tax_year"] == "2025-26"


def test_given_an_unknown_tax_year_then_the_line_is_refused(planner, draft, outcome):
    message = _refused("pa_rates", lambda: _pa_line(planner, draft, outcome,
                                                    pa_rates="not-a-rates-row"))

    assert message == services.PA_RATES_NEEDED


@pytest.mark.parametrize(("starts_on", "pay", "words"), [
    (dt.date(2026, 4, 1), Decimal("12.70"), "Pay at least the National Living Wage: £12.71 an "
                                            "hour in 2026-27"),
    (dt.date(2025, 4, 1), Decimal("12.20"), "Pay at least the National Living Wage: £12.21 an "
                                            "hour in 2025-26"),
])
def test_given_pay_below_the_national_living_wage_then_the_line_is_refused_naming_it(
        planner, plan_and_outcome, starts_on, pay, words):
    plan, outcome = plan_and_outcome
    draft = make.budget(planner, plan, starts_on=starts_on)

    message = _refused("unit_cost", lambda: _pa_line(planner, draft, outcome, unit_cost=pay))

    assert message == words


def test_given_pay_at_the_national_living_wage_then_the_line_is_saved(planner, draft, outcome):
    line = _pa_line(planner, draft, outcome, unit_cost=Decimal("12.71"))

    assert line.unit_cost == Decimal("12.71")


def test_given_more_hours_than_a_week_has_then_the_line_is_refused(planner, draft, outcome):
    message = _refused("quantity", lambda: _pa_line(planner, draft, outcome,
                                                    quantity=Decimal("168.01")))

    assert message == "Enter no more than 168 hours a week"
    assert _pa_line(planner, draft, outcome, quantity=Decimal("168")).quantity == 168


@pytest.mark.parametrize("frequency", ["one_off", "four_weekly", "monthly", "yearly"])
def test_given_a_pa_line_not_costed_weekly_then_it_is_refused(planner, draft, outcome,
                                                              frequency):
    message = _refused("frequency", lambda: _pa_line(planner, draft, outcome,
                                                     frequency=frequency))

    assert message == "Employing a PA is costed by the week: select weekly"


def test_given_a_pa_line_made_into_equipment_then_the_pa_costing_goes(planner, draft, outcome):
    line = _pa_line(planner, draft, outcome)

    changed = services.cost_line_update(actor=planner, line=line, version=line.version, data={
        "category": "equipment", "item": "Riser recliner chair", "unit_cost": Decimal("650.00"),
        "quantity": Decimal("1"), "frequency": "one_off"})

    assert changed.annual_cost == Decimal("650.00")
    assert changed.pa_rates is None
    assert changed.pa_breakdown == {}


def test_given_the_hours_change_then_the_pa_line_is_costed_again(planner, draft, outcome):
    line = _pa_line(planner, draft, outcome)

    changed = services.cost_line_update(actor=planner, line=line, version=line.version,
                                        data={"quantity": Decimal("7"),
                                              "unit_cost": Decimal("12.71")})

    # 12.71 x 7 x 52 = 4,626.44; holiday 12.71 x 7 x 5.6 = 498.232 -> 498.23; earnings
    # 5,124.67: NI (124.67 x 15% = 18.7005) 18.70, pension 0; cover 231.322 -> 231.32;
    # total 4,626.44 + 498.23 + 18.70 + 231.32 + 580.00 = 5,954.69
    assert changed.annual_cost == Decimal("5954.69")
    assert changed.pa_breakdown["employer_ni"] == "18.70"
    assert changed.version == 2


def test_given_the_rates_change_then_new_lines_use_them_and_saved_lines_keep_their_figures(
        planner, draft, outcome, rates_2026):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    before = _pa_line(planner, draft, outcome)

    services.pa_rates_update(actor=admin, rates=rates_2026, version=rates_2026.version,
                             data={"employer_ni_rate": Decimal("13.80"),
                                   "pension_rate": Decimal("5.00")})
    after = _pa_line(planner, draft, outcome, item="PA for evenings")

    # NI (14,976 - 5,000) x 13.8% = 1,376.69; pension (14,976 - 6,240) x 5% = 436.80:
    # 17,990.48 - 1,496.40 - 262.08 + 1,376.69 + 436.80 = 18,045.49
    assert after.annual_cost == Decimal("18045.49")
    assert CostLine.objects.get(pk=before.pk).annual_cost == Decimal("17990.48")
