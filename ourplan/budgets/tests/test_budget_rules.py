"""What a budget may buy, unusual requests, whether it covers the plan, and the guards on
every change: nothing half-written, nothing signed off ever changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ourplan.accounts.models import Role
from ourplan.budgets import selectors, services
from ourplan.budgets.exclusions import EXCLUSIONS_BY_CODE, exclusions_for
from ourplan.budgets.models import Budget, BudgetStatus, CostLine, Holding, PARates, Payment
from ourplan.budgets.services import BudgetNotReady, year_end
from ourplan.budgets.sufficiency import sufficiency
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make
from ourplan.testing.factories import PersonalContactFactory, TeamAllocationFactory, UserFactory


def _refused(field, call):
    lines, audit = CostLine.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert (CostLine.objects.count(), AuditEvent.objects.count()) == (lines, audit)
    return " ".join(caught.value.message_dict[field])


# --- what a budget cannot buy --------------------------------------------------------------

EXCLUDED = [
    ("gambling", "Betting shop vouchers", "gambling"),
    ("gambling", "National Lottery tickets", "gambling"),
    ("debt", "Paying off credit card arrears", "paying off debts"),
    ("tobacco", "Cigarettes", "tobacco"),
    ("alcohol", "Wine for Sunday lunch", "alcohol"),
    ("alcohol", "Beer", "alcohol"),
    ("unlawful", "Street drugs", "illegal or unlawful"),
    ("gp_services", "Private GP appointments", "primary medical services from a GP"),
    ("public_health", "Flu jab at the pharmacy", "vaccination"),
    ("public_health", "Breast screening", "screening"),
    ("urgent_care", "A&E visit", "urgent or emergency treatment"),
    ("surgery", "Knee replacement surgery", "surgery"),
    ("nhs_charges", "Prescription charges", "prescription or dental charges"),
    ("nhs_charges", "Dental charges for a check-up", "prescription or dental charges"),
]


@pytest.mark.parametrize(("code", "item", "words"), EXCLUDED)
def test_given_an_excluded_item_then_it_is_refused_with_the_reason(planner, draft, outcome,
                                                                   code, item, words):
    message = _refused("item", lambda: make.line(planner, draft, outcome, item=item,
                                                 category="other"))

    assert message == EXCLUSIONS_BY_CODE[code].reason
    assert words in message


def test_every_exclusion_in_the_guidance_is_tested():
    assert {code for code, _, _ in EXCLUDED} == set(EXCLUSIONS_BY_CODE)


def test_given_the_supplier_names_an_exclusion_then_it_is_refused(planner, draft, outcome):
    _refused("item", lambda: make.line(planner, draft, outcome, item="Vouchers",
                                       supplier="Riverside Casino", category="other"))


@pytest.mark.parametrize("item", [
    "Surgical stockings", "Ginger tea", "Transport to the GP surgery", "Better sleep pillow",
    "Spirit level for the garden shed", "Operating the hoist: training for two PAs",
    "Screen reader software", "Swimming lessons", "Cooking lessons",
    "Taxi to GP appointments", "Someone to come with me to my GP visits",
])
def test_given_an_ordinary_item_with_a_lookalike_word_then_it_is_allowed(item):
    assert exclusions_for(item) == []


# --- unusual requests ----------------------------------------------------------------------

def test_given_an_unusual_request_then_it_is_kept_and_waits_for_a_decision(planner, draft,
                                                                            outcome):
    line = make.line(planner, draft, outcome, item="A season ticket for Riverside FC",
                     category="other", unit_cost=Decimal("420.00"), unusual=True,
                     unusual_reason="Going to home games with my son gets me out every "
                                    "fortnight")

    sheet = selectors.budget_sheet(user=planner, plan=draft.plan)
    assert sheet is not None
    assert line.unusual_decision == "pending"
    assert [x.item for x in sheet.lines] == ["A season ticket for Riverside FC"]
    assert "Decide each unusual request" in sheet.problems


def test_given_an_unusual_request_without_a_reason_then_the_reason_is_asked_for(
        planner, draft, outcome):
    message = _refused("unusual_reason", lambda: make.line(
        planner, draft, outcome, item="Season ticket", category="other", unusual=True))

    assert message == services.UNUSUAL_REASON_NEEDED


def test_a_commissioner_decides_an_unusual_request_with_a_reason(planner, draft, outcome):
    commissioner = make.commissioner_for(planner)
    line = make.line(planner, draft, outcome, item="Season ticket", category="other",
                     unusual=True, unusual_reason="Gets me out every fortnight")

    with pytest.raises(NotAllowed):
        services.unusual_request_decide(actor=planner, line=line, version=line.version,
                                        agreed=True, reason="Fine")
    with pytest.raises(ValidationError) as caught:
        services.unusual_request_decide(actor=commissioner, line=line, version=line.version,
                                        agreed=False, reason="  ")
    assert "reason" in caught.value.message_dict
    decided = services.unusual_request_decide(
        actor=commissioner, line=line, version=line.version, agreed=False,
        reason="A cheaper way to get to games is a community transport pass")

    assert decided.unusual_decision == "not_agreed"
    assert decided.unusual_decided_by == commissioner
    assert "Take out the unusual requests that were not agreed" in \
        services.sign_off_problems(draft)
    assert AuditEvent.objects.filter(action="budget.unusual_request_decided").count() == 1


# --- PA lines ------------------------------------------------------------------------------

def test_given_a_pa_line_then_it_is_costed_with_the_years_rates(planner, draft, outcome):
    line = make.line(planner, draft, outcome, item="Morning PA", category="pa_employment",
                     unit_cost=Decimal("13.00"), quantity=Decimal("20"), frequency="weekly")

    # A year from 1 April 2026 is almost all in tax year 2026-27 (from 6 April).
    assert line.pa_rates == PARates.objects.get(tax_year="2026-27")
    assert line.annual_cost == Decimal("17990.48")
    assert line.pa_breakdown["employer_ni"] == "1496.40"


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"unit_cost": Decimal("12.70")}, "unit_cost",
     "National Living Wage: £12.71 an hour in 2026-27"),
    ({"quantity": Decimal("169")}, "quantity", "168 hours"),
    ({"frequency": "monthly"}, "frequency", "select weekly"),
])
def test_given_a_pa_line_that_cannot_be_right_then_it_is_refused(planner, draft, outcome, data,
                                                                 field, words):
    values = {"item": "PA", "category": "pa_employment", "unit_cost": Decimal("13.00"),
              "quantity": Decimal("20"), "frequency": "weekly"} | data

    assert words in _refused(field, lambda: make.line(planner, draft, outcome, **values))


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "field"), [
    ({"unit_cost": Decimal("-5.00")}, "unit_cost"),
    ({"unit_cost": Decimal("0")}, "unit_cost"),
    ({"unit_cost": Decimal("5000000.01")}, "unit_cost"),
    ({"unit_cost": Decimal("1.005")}, "unit_cost"),
    ({"quantity": Decimal("0")}, "quantity"),
    ({"frequency": ""}, "frequency"),
    ({"frequency": "fortnightly"}, "frequency"),
    ({"item": ""}, "item"),
    ({"unit_cost": Decimal("100000.00"), "frequency": "weekly"}, "unit_cost"),  # £5.2m a year
    ({"colour": "red"}, "colour"),
])
def test_given_bad_input_then_the_field_is_named_and_nothing_is_written(planner, draft, outcome,
                                                                        data, field):
    _refused(field, lambda: make.line(planner, draft, outcome, **data))


def test_given_another_persons_outcome_then_the_line_is_refused(planner, draft, team):
    other = TeamAllocationFactory(team=team).person
    _, their_outcome = make.plan_with_outcome(planner, other)

    message = _refused("outcome", lambda: make.line(planner, draft, their_outcome))

    assert message == services.NOT_THIS_PLANS_OUTCOME


def test_given_another_budgets_holding_then_the_line_is_refused(planner, draft, outcome, team):
    other = TeamAllocationFactory(team=team).person
    other_plan, _ = make.plan_with_outcome(planner, other)
    their_holding = make.holding(planner, make.budget(planner, other_plan))

    _refused("holding", lambda: make.line(planner, draft, outcome, holding=their_holding.pk))


def test_given_a_direct_payment_then_its_amount_frequency_and_notice_are_required(planner,
                                                                                  draft):
    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, way="direct_payment")

    assert {"paid_to", "payment_amount", "payment_frequency", "notice_days"} <= set(
        caught.value.message_dict)
    assert not Holding.objects.exists()


def test_given_a_direct_payment_to_a_nominee_then_they_must_be_a_nominee_in_the_circle(
        planner, draft, person, stranger):
    brother = PersonalContactFactory(person=person, contact_types=["emergency_contact"])
    mum = PersonalContactFactory(person=person, contact_types=["nominee"])
    someone_elses = PersonalContactFactory(person=stranger, contact_types=["nominee"])
    values = {"way": "direct_payment", "paid_to": "nominee", "payment_amount": Decimal("500"),
              "payment_frequency": "monthly", "notice_days": 28}

    for wrong in (brother, someone_elses.pk):
        with pytest.raises(ValidationError) as caught:
            make.holding(planner, draft, paid_to_contact=wrong, **values)
        assert "paid_to_contact" in caught.value.message_dict
    held = make.holding(planner, draft, paid_to_contact=mum, **values)

    assert held.paid_to_contact == mum


def test_given_a_second_start_then_it_is_refused(planner, draft):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, draft.plan)

    assert caught.value.message_dict["eligibility"] == [services.ALREADY_HAS_BUDGET]


def test_given_a_stale_version_then_the_change_is_refused(planner, draft):
    services.budget_update(actor=planner, budget=draft, version=1,
                           data={"final_amount": Decimal("19000.00")})

    with pytest.raises(StaleVersion):
        services.budget_update(actor=planner, budget=draft, version=1,
                               data={"final_amount": Decimal("18000.00")})
    assert Budget.objects.get().final_amount == Decimal("19000.00")


def test_given_someone_they_cannot_see_then_nothing_is_read_or_written(planner, draft, outcome):
    outsider = UserFactory(role=Role.PRACTITIONER)

    with pytest.raises(NotAllowed):
        make.line(outsider, draft, outcome)
    assert selectors.budget_sheet(user=outsider, plan=draft.plan) is None
    with pytest.raises(NotFound):
        selectors.budget_get(user=outsider, budget_id=draft.pk)
    assert not CostLine.objects.exists()


def test_year_end_handles_leap_days():
    assert year_end(dt.date(2026, 4, 1)) == dt.date(2027, 3, 31)
    assert year_end(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert year_end(dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)


# --- sufficiency ---------------------------------------------------------------------------

def _cover(planner, draft, outcome, amount, costs):
    services.budget_update(actor=planner, budget=draft, version=draft.version,
                           data={"final_amount": amount})
    for i, cost in enumerate(costs):
        make.line(planner, draft, outcome, item=f"Line {i}", unit_cost=cost)
    draft.refresh_from_db()
    return sufficiency(draft, list(draft.lines.all()), list(draft.holdings.all()))


def test_given_lines_within_the_budget_then_every_line_is_covered(planner, draft, outcome):
    result = _cover(planner, draft, outcome, Decimal("1000.00"),
                    [Decimal("300.00"), Decimal("650.00")])

    assert [c.covered for c in result.lines] == [True, True]
    assert (result.total_cost, result.shortfall, result.surplus) == (
        Decimal("950.00"), Decimal("0"), Decimal("50.00"))
    assert not result.large_surplus


def test_given_lines_over_the_budget_then_the_line_that_crosses_it_is_short_by_the_rest(
        planner, draft, outcome):
    result = _cover(planner, draft, outcome, Decimal("1000.00"),
                    [Decimal("600.00"), Decimal("500.00"), Decimal("200.00")])

    assert [c.short_by for c in result.lines] == [Decimal("0"), Decimal("100.00"),
                                                  Decimal("200.00")]
    assert result.shortfall == Decimal("300.00")
    assert "£1,300.00 a year but the budget is £1,000.00: £300.00 short" in \
        result.problems()[0]


def test_given_more_than_a_tenth_left_over_then_the_surplus_is_flagged(planner, draft,
                                                                        outcome):
    exactly_a_tenth = _cover(planner, draft, outcome, Decimal("1000.00"), [Decimal("900.00")])
    assert not exactly_a_tenth.large_surplus

    services.cost_line_update(actor=planner, line=draft.lines.get(), version=1,
                              data={"unit_cost": Decimal("899.99")})
    draft.refresh_from_db()
    more = sufficiency(draft, list(draft.lines.all()))
    assert more.large_surplus
    assert more.surplus == Decimal("100.01")


def test_given_holdings_that_do_not_add_up_then_it_is_said(planner, draft, outcome):
    services.budget_update(actor=planner, budget=draft, version=draft.version,
                           data={"final_amount": Decimal("1000.00")})
    held = make.holding(planner, draft, amount=Decimal("400.00"))
    make.line(planner, draft, outcome, unit_cost=Decimal("500.00"), holding=held)
    draft.refresh_from_db()

    problems = services.sign_off_problems(draft)

    assert "The ways of holding the money add up to £400.00, not the budget of £1,000.00" in \
        problems
    assert "Notional pays for £500.00 a year but holds £400.00: £100.00 short" in problems


# --- sign-off and new drafts ---------------------------------------------------------------

def test_given_a_change_after_sign_off_then_ids_and_versions_seen_on_the_old_budget_work(
        planner, plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line, held = signed.lines.get(), signed.holdings.get()

    with pytest.raises(StaleVersion):
        services.cost_line_update(actor=planner, line=line, version=line.version + 1,
                                  data={"unit_cost": Decimal("45.00")})
    assert not Budget.objects.filter(status=BudgetStatus.DRAFT).exists()
    changed = services.cost_line_update(actor=planner, line=line, version=line.version,
                                        data={"unit_cost": Decimal("45.00"),
                                              "holding": str(held.pk)})

    assert changed.budget.number == 2
    assert changed.holding == changed.budget.holdings.get()


def test_given_a_change_that_changes_nothing_then_no_new_draft_is_made(planner,
                                                                       plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line, held = signed.lines.get(), signed.holdings.get()

    same_budget = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                         data={"final_amount": Decimal("5000.00")})
    same_line = services.cost_line_update(actor=planner, line=line, version=line.version,
                                          data={"unit_cost": Decimal("40.00"),
                                                "outcome": outcome})
    same_holding = services.holding_update(actor=planner, holding=held, version=held.version,
                                           data={"amount": Decimal("5000")})

    assert same_budget.pk == same_line.budget.pk == same_holding.budget.pk == signed.pk
    assert Budget.objects.count() == 1
    with pytest.raises(StaleVersion):
        services.budget_update(actor=planner, budget=signed, version=1,
                               data={"final_amount": Decimal("5000.00")})


def test_given_a_signed_off_budget_then_a_change_makes_a_new_draft_and_keeps_the_figures(
        planner, plan_and_outcome):
    plan, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    old_line = signed.lines.get()

    changed = services.cost_line_update(actor=planner, line=old_line, version=old_line.version,
                                        data={"unit_cost": Decimal("45.00")})

    signed.refresh_from_db()
    old_line.refresh_from_db()
    assert (signed.status, signed.number, signed.final_amount) == (
        BudgetStatus.SIGNED_OFF, 1, Decimal("5000.00"))
    assert (old_line.unit_cost, old_line.annual_cost) == (Decimal("40.00"), Decimal("2080.00"))
    assert changed.budget.number == 2
    assert changed.budget.status == BudgetStatus.DRAFT
    assert changed.annual_cost == Decimal("2340.00")
    assert changed.holding.budget == changed.budget
    assert AuditEvent.objects.filter(action="budget.draft_made").count() == 1

    services.budget_sign_off(actor=commissioner, budget=changed.budget,
                             version=Budget.objects.get(pk=changed.budget.pk).version)
    assert Budget.objects.get(pk=signed.pk).status == BudgetStatus.SUPERSEDED


def test_given_problems_then_sign_off_is_refused_with_the_list(planner, draft):
    commissioner = make.commissioner_for(planner)

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)

    assert caught.value.problems == ["Enter the final budget", "Say how the money will be held",
                                     "Add what the budget will pay for"]
    with pytest.raises(NotAllowed):
        services.budget_sign_off(actor=planner, budget=draft, version=draft.version)


def test_payments_go_only_against_the_budget_in_force_and_within_its_year(
        planner, draft, plan_and_outcome):
    plan, outcome = plan_and_outcome
    line = make.line(planner, draft, outcome)
    with pytest.raises(ValidationError):
        services.payment_record(actor=planner, budget=draft, data={
            "line": line, "paid_on": dt.date(2026, 5, 1), "amount": Decimal("10")})
    draft.refresh_from_db()
    services.cost_line_remove(actor=planner, line=line, version=line.version)

    plan_person = plan.person
    Budget.objects.filter(pk=draft.pk).delete()
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    in_force = signed.lines.get()
    for paid_on, field in ((dt.date(2026, 3, 31), "paid_on"), (dt.date(2099, 1, 1), "paid_on")):
        with pytest.raises(ValidationError) as caught:
            services.payment_record(actor=planner, budget=signed, data={
                "line": in_force, "paid_on": paid_on, "amount": Decimal("10")})
        assert field in caught.value.message_dict
    paid = services.payment_record(actor=planner, budget=signed, data={
        "line": in_force, "paid_on": dt.date(2026, 4, 2), "amount": Decimal("10.50")})

    assert Payment.objects.get().amount == Decimal("10.50")
    assert AuditEvent.objects.filter(action="budget.payment_recorded",
                                     person=plan_person).exists()
    assert paid.recorded_by == planner


def test_only_an_administrator_changes_the_rates(planner):
    rates = PARates.objects.get(tax_year="2026-27")
    admin = UserFactory(role=Role.ADMINISTRATOR)

    with pytest.raises(NotAllowed):
        services.pa_rates_update(actor=planner, rates=rates, version=rates.version,
                                 data={"training_per_pa": Decimal("300")})
    services.pa_rates_update(actor=admin, rates=rates, version=rates.version,
                             data={"training_per_pa": Decimal("300")})

    assert PARates.objects.get(pk=rates.pk).training_per_pa == Decimal("300.00")


def test_given_direct_payments_that_fall_short_of_the_amount_then_it_is_said(planner, draft,
                                                                            outcome):
    values = {"way": "direct_payment", "amount": Decimal("1000.00"), "paid_to": "person",
              "payment_frequency": "monthly", "notice_days": 28}
    services.budget_update(actor=planner, budget=draft, version=draft.version,
                           data={"final_amount": Decimal("1000.00")})
    short = make.holding(planner, draft, payment_amount=Decimal("83.33"), **values)
    draft.refresh_from_db()

    assert ("Direct payments of £83.33 (monthly) come to £999.96 a year, £0.04 less than the "
            "£1,000.00 held this way") in services.sign_off_problems(draft)

    services.holding_update(actor=planner, holding=short, version=short.version,
                            data={"payment_amount": Decimal("83.34")})
    draft.refresh_from_db()
    assert not any(p.startswith("Direct payments") for p in services.sign_off_problems(draft))
