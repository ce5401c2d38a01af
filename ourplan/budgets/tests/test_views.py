"""The budget's pages: what each shows, bad input beside the field, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ourplan.accounts.models import Role
from ourplan.budgets.models import Budget, BudgetStatus, CostLine, PARates
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make
from ourplan.testing.factories import UserFactory


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


def _url(name, person, **kwargs):
    return reverse(f"budgets:{name}", kwargs={"person_id": person.pk, **kwargs})


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_given_no_budget_then_the_page_offers_to_start_one(signed_in, person, plan_and_outcome):
    response = signed_in.get(_url("sheet", person))

    assert response.status_code == 200
    assert "Start a personal health budget" in response.content.decode()


def test_given_a_budget_start_without_a_reason_then_the_message_is_beside_the_field(
        signed_in, person, plan_and_outcome):
    response = signed_in.post(_url("start", person), {"indicative_amount": "-5"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Select why they have a personal health budget" in body
    assert "Enter an amount of at least £0.01" in body
    assert not Budget.objects.exists()


def test_given_a_started_budget_then_the_year_follows_from_its_start(
        signed_in, person, plan_and_outcome):
    response = signed_in.post(_url("start", person), {
        "eligibility": "chc_adult", **_date("starts_on", dt.date(2026, 4, 1)),
        "indicative_amount": "18000.00", "indicative_basis": "Resource allocation"})

    assert response.status_code == 302
    budget = Budget.objects.get()
    assert budget.ends_on == dt.date(2027, 3, 31)
    assert budget.indicative_amount == Decimal("18000.00")


def test_given_lines_costing_more_than_the_budget_then_the_shortfall_is_flagged(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    budget = make.budget(planner, plan, indicative_amount=Decimal("1000.00"))
    make.line(planner, budget, outcome, item="Gardening help", category="activity",
              unit_cost=Decimal("30.00"), frequency="weekly")

    body = signed_in.get(_url("sheet", person)).content.decode()

    assert "Shortfall of £560.00 a year" in body
    assert "£1,560.00" in body
    assert "£560.00 short" in body


def test_given_an_excluded_item_then_the_reason_is_shown_beside_it_and_nothing_is_saved(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    budget = make.budget(planner, plan)

    response = signed_in.post(_url("line_add", person), {
        "version": budget.version, "outcome": outcome.pk, "item": "Cigarettes",
        "category": "other", "unit_cost": "10.00", "quantity": "1", "frequency": "weekly"})

    assert response.status_code == 400
    assert "cannot be spent on tobacco" in response.content.decode()
    assert not CostLine.objects.exists()


def test_given_a_pa_line_then_the_hidden_costs_are_shown(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    budget = make.budget(planner, plan)
    rates = PARates.objects.get(tax_year="2025-26")

    response = signed_in.post(_url("line_add", person), {
        "version": budget.version, "outcome": outcome.pk, "item": "Personal assistant",
        "category": "pa_employment", "unit_cost": "13.00", "quantity": "20",
        "frequency": "weekly", "pa_rates": rates.pk, "pa_includes_insurance": "on"})
    body = signed_in.get(_url("sheet", person)).content.decode()

    assert response.status_code == 302
    assert "£17,990.48" in body
    assert "Employer&#39;s National Insurance: £1,496.40" in body


def test_given_another_persons_outcome_then_the_line_is_refused(
        signed_in, planner, person, plan_and_outcome, team):
    from ourplan.testing.factories import TeamAllocationFactory

    plan, _ = plan_and_outcome
    budget = make.budget(planner, plan)
    other = TeamAllocationFactory(team=team).person
    _, their_outcome = make.plan_with_outcome(planner, other)

    response = signed_in.post(_url("line_add", person), {
        "version": budget.version, "outcome": their_outcome.pk, "item": "Stool",
        "category": "equipment", "unit_cost": "10.00", "quantity": "1", "frequency": "one_off"})

    assert response.status_code == 400
    assert "Select one of the outcomes in this plan" in response.content.decode()
    assert not CostLine.objects.exists()


def test_given_a_signed_off_budget_then_a_change_makes_a_new_draft_and_keeps_the_old(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)

    response = signed_in.post(_url("edit", person), {
        "version": signed.version, "eligibility": "chc_adult",
        **_date("starts_on", dt.date(2026, 4, 1)), "indicative_amount": "20000.00",
        "final_amount": "6000.00"})

    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.final_amount == Decimal("5000.00")
    assert signed.status == BudgetStatus.SIGNED_OFF
    draft = Budget.objects.get(status=BudgetStatus.DRAFT)
    assert (draft.number, draft.final_amount) == (2, Decimal("6000.00"))
    body = signed_in.get(_url("sheet", person)).content.decode()
    assert "Budget 1 stays in force" in body
    old = signed_in.get(_url("version", person, number=1)).content.decode()
    assert "£5,000.00" in old


def test_given_a_planner_then_sign_off_is_forbidden(signed_in, planner, person,
                                                     plan_and_outcome):
    plan, _ = plan_and_outcome
    make.budget(planner, plan)

    assert signed_in.get(_url("sign_off", person)).status_code == 403


def test_given_a_commissioner_then_problems_are_listed_and_a_ready_budget_is_signed_off(
        client, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    budget = make.budget(planner, plan)
    client.force_login(commissioner)

    refused = client.get(_url("sign_off", person)).content.decode()
    assert "Enter the final budget" in refused

    budget = make.budget.__globals__["services"].budget_update(
        actor=planner, budget=budget, version=budget.version,
        data={"final_amount": Decimal("2080.00")})
    held = make.holding(planner, budget)
    make.line(planner, budget, outcome, item="Gardening help", category="activity",
              unit_cost=Decimal("40.00"), frequency="weekly", holding=held)
    budget.refresh_from_db()
    response = client.post(_url("sign_off", person), {"version": budget.version})

    assert response.status_code == 302
    assert Budget.objects.get().status == BudgetStatus.SIGNED_OFF


def test_given_a_budget_in_force_then_payments_are_recorded_and_compared_with_the_plan(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line = signed.lines.get()

    bad = signed_in.post(_url("payment_add", person), {
        "line": line.pk, **_date("paid_on", dt.date(2026, 5, 1)), "amount": "0"})
    good = signed_in.post(_url("payment_add", person), {
        "line": line.pk, **_date("paid_on", dt.date(2026, 4, 20)), "amount": "200.00",
        "reference": "Invoice 12"})
    body = signed_in.get(_url("spending", person)).content.decode()
    quarters = signed_in.get(_url("spending", person) + "?period=quarter").content.decode()

    assert bad.status_code == 400
    assert "Enter an amount of at least £0.01" in bad.content.decode()
    assert good.status_code == 302
    assert "Invoice 12" in body
    assert "April 2026" in body
    # April plans £173.34: £2,080.00 over 12 months, the first four taking the spare pennies.
    assert "Overspent by £26.66" in body
    assert "Underspent by £173.34" in body  # May: nothing paid
    assert "Quarter 1" in quarters


def test_given_someone_they_cannot_see_then_every_budget_page_is_not_found(
        signed_in, planner, stranger):
    for name in ("sheet", "start", "edit", "line_add", "holding_add", "sign_off", "spending",
                 "payment_add"):
        assert signed_in.get(_url(name, stranger)).status_code == 404, name
    assert AuditEvent.objects.filter(action="person.access_refused").exists()


def test_given_the_budget_page_then_the_read_is_audited(signed_in, planner, person,
                                                        plan_and_outcome):
    plan, _ = plan_and_outcome
    make.budget(planner, plan)

    signed_in.get(_url("sheet", person))

    assert AuditEvent.objects.filter(action="budget.viewed", person=person).exists()


def test_given_an_administrator_then_the_rates_can_be_changed_and_others_cannot(client,
                                                                                 planner):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=planner.organisation)
    rates = PARates.objects.get(tax_year="2026-27")
    client.force_login(planner)
    edit = reverse("budget_admin:rates_edit", kwargs={"rates_id": rates.pk})
    assert client.get(reverse("budget_admin:rates")).status_code == 200
    assert client.get(edit).status_code == 403

    client.force_login(admin)
    data = {f: getattr(rates, f) for f in (
        "tax_year", "national_living_wage", "holiday_weeks", "employer_ni_rate",
        "ni_secondary_threshold", "pension_rate", "pension_lower_limit", "pension_upper_limit",
        "emergency_cover_rate", "training_per_pa", "payroll_per_pa", "insurance_per_employer")}
    response = client.post(edit, {**data, **_date("starts_on", rates.starts_on),
                                  "version": rates.version, "training_per_pa": "300.00",
                                  "pension_upper_limit": "1.00"})
    assert response.status_code == 400
    assert "The upper limit must be more than the lower limit" in response.content.decode()

    response = client.post(edit, {**data, **_date("starts_on", rates.starts_on),
                                  "version": rates.version, "training_per_pa": "300.00"})
    assert response.status_code == 302
    assert PARates.objects.get(pk=rates.pk).training_per_pa == Decimal("300.00")
    assert AuditEvent.objects.filter(action="pa_rates.updated").exists()


def test_given_a_commissioner_then_returns_show_and_download_and_a_planner_cannot(
        client, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    make.signed_off_budget(planner, commissioner, plan, outcome)
    period = {**_date("starts_on", dt.date(2026, 4, 1)), **_date("ends_on", dt.date(2026, 6, 30))}

    client.force_login(planner)
    assert client.get(reverse("budget_admin:returns")).status_code == 403

    client.force_login(commissioner)
    page = client.get(reverse("budget_admin:returns"), period)
    csv = client.get(reverse("budget_admin:returns"), {**period, "format": "csv"})
    backwards = client.get(reverse("budget_admin:returns"), {
        **_date("starts_on", dt.date(2026, 6, 30)), **_date("ends_on", dt.date(2026, 4, 1))})

    assert page.status_code == 200
    assert csv["Content-Type"] == "text/csv"
    assert ",total,People with a personal health budget,1\r\n" in csv.content.decode()
    assert backwards.status_code == 400
    assert "The end must be on or after the start" in backwards.content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_given_more_lines_and_payments_then_the_budget_pages_take_no_more_queries(
        signed_in, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line = signed.lines.get()
    sheet, spending = _url("sheet", person), _url("spending", person)
    few = (_queries(signed_in, sheet), _queries(signed_in, spending))

    from ourplan.budgets import services
    for n in range(8):
        services.payment_record(actor=planner, budget=signed, data={
            "line": line, "paid_on": dt.date(2026, 4, 1) + dt.timedelta(days=n * 20),
            "amount": Decimal("10.00")})
    draft = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                   data={"final_amount": Decimal("9000.00")})
    for n in range(8):
        make.line(planner, draft, outcome, item=f"Taxi to the allotment {n}",
                  category="transport", unit_cost=Decimal("12.00"), frequency="weekly",
                  holding=draft.holdings.get())
    many = (_queries(signed_in, sheet), _queries(signed_in, spending))

    assert many == few
