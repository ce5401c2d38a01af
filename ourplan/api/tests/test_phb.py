"""The personal health budget over the API: exact money in and out, fields named on bad
input, scope, roles, stale versions, new drafts after sign-off, PA costs and returns."""

from __future__ import annotations

import datetime as dt

import pytest

from ourplan.budgets.models import Budget, BudgetStatus, CostLine
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_and_outcome(planner, person):
    return make.plan_with_outcome(planner, person)


def _base(person):
    return f"/people/{person.pk}/plan/budget"


def _fields(response):
    return {e["field"] for e in response.json()["errors"]}


def test_a_budget_is_costed_and_its_shortfall_fixed_over_the_api(api, person,
                                                                 plan_and_outcome):
    _, outcome = plan_and_outcome
    base = _base(person)
    started = api.post(base, {"eligibility": "chc_adult", "starts_on": "2026-04-01",
                              "indicative_amount": "15000.00"})
    assert started.status_code == 201, started.json()
    assert started.json()["ends_on"] == "2027-03-31"

    held = api.post(f"{base}/holdings", {"way": "notional", "amount": "15000.00",
                                         "accountable": "NHS Riverside ICB"})
    holding = held.json()["holdings"][0]["id"]
    pa = api.post(f"{base}/lines", {
        "outcome": str(outcome.pk), "item": "Morning PA", "category": "pa_employment",
        "unit_cost": "13.00", "quantity": "20", "frequency": "weekly", "holding": holding})
    stool = api.post(f"{base}/lines", {
        "outcome": str(outcome.pk), "item": "Perching stool", "category": "equipment",
        "unit_cost": "0.10", "quantity": "1", "frequency": "one_off", "holding": holding})
    assert pa.status_code == stool.status_code == 201

    body = api.get(base).json()
    assert [line["annual_cost"] for line in body["lines"]] == ["17990.48", "0.10"]
    assert body["lines"][0]["pa_breakdown"]["employer_ni"] == "1496.40"
    assert body["sufficiency"]["total_cost"] == "17990.58"
    assert body["sufficiency"]["shortfall"] == "2990.58"
    assert [line["covered"] for line in body["lines"]] == [False, False]
    assert body["lines"][0]["short_by"] == "2990.48"

    fixed = api.patch(base, {"version": body["version"], "final_amount": "18000.00"})
    assert fixed.json()["sufficiency"]["shortfall"] == "0.00"
    assert fixed.json()["sufficiency"]["surplus"] == "9.42"
    assert AuditEvent.objects.filter(action="budget.viewed", person=person).exists()
    assert AuditEvent.objects.filter(action="budget.line_added").count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"unit_cost": "-5.00"}, "unit_cost"),
    ({"unit_cost": "0"}, "unit_cost"),
    ({"unit_cost": "5000000.01"}, "unit_cost"),
    ({"unit_cost": "12.345"}, "unit_cost"),
    ({"frequency": None}, "frequency"),
    ({"item": "Betting shop vouchers"}, "item"),
    ({"colour": "red"}, "colour"),
])
def test_given_bad_input_then_422_names_the_field_and_nothing_is_written(
        api, planner, person, plan_and_outcome, body, field):
    plan, outcome = plan_and_outcome
    make.budget(planner, plan)
    line = {"outcome": str(outcome.pk), "item": "Stool", "category": "equipment",
            "unit_cost": "10.00", "quantity": "1", "frequency": "one_off"} | body
    if body.get("frequency", "x") is None:
        del line["frequency"]

    response = api.post(f"{_base(person)}/lines", line)

    assert response.status_code == 422, response.json()
    assert field in _fields(response)
    assert not CostLine.objects.exists()


def test_given_an_excluded_item_then_the_reason_comes_back(api, planner, person,
                                                            plan_and_outcome):
    plan, outcome = plan_and_outcome
    make.budget(planner, plan)

    response = api.post(f"{_base(person)}/lines", {
        "outcome": str(outcome.pk), "item": "Betting shop vouchers", "category": "other",
        "unit_cost": "10.00", "frequency": "weekly"})

    assert response.json()["errors"] == [
        {"field": "item", "message": "A personal health budget cannot be spent on gambling"}]


def test_given_another_persons_outcome_then_422_on_outcome(api, planner, person, team,
                                                            plan_and_outcome):
    from ourplan.testing.factories import TeamAllocationFactory

    plan, _ = plan_and_outcome
    make.budget(planner, plan)
    _, theirs = make.plan_with_outcome(planner, TeamAllocationFactory(team=team).person)

    response = api.post(f"{_base(person)}/lines", {
        "outcome": str(theirs.pk), "item": "Stool", "category": "equipment",
        "unit_cost": "10.00", "frequency": "one_off"})

    assert response.status_code == 422
    assert _fields(response) == {"outcome"}


def test_given_someone_out_of_scope_or_no_budget_then_404(api, planner, stranger, person,
                                                          plan_and_outcome):
    assert api.get(_base(person)).status_code == 404  # no budget yet
    assert api.get(_base(stranger)).status_code == 404
    assert api.post(_base(stranger), {"eligibility": "chc_adult"}).status_code == 404
    assert api.get("/people/not-a-uuid/plan/budget").status_code == 404


def test_given_a_practitioner_then_sign_off_is_403_and_an_unready_budget_is_409(
        api, api_as, planner, person, plan_and_outcome):
    plan, _ = plan_and_outcome
    budget = make.budget(planner, plan)
    commissioner = api_as(make.commissioner_for(planner))

    assert api.post(f"{_base(person)}/sign-off", {"version": budget.version}).status_code == 403
    refused = commissioner.post(f"{_base(person)}/sign-off", {"version": budget.version})
    assert refused.status_code == 409
    assert {"field": "budget", "message": "Enter the final budget"} in refused.json()["errors"]


def test_given_a_stale_version_then_409_with_the_saved_record(api, planner, person,
                                                              plan_and_outcome):
    plan, _ = plan_and_outcome
    make.budget(planner, plan)
    api.patch(_base(person), {"version": 1, "final_amount": "100.00"})

    response = api.patch(_base(person), {"version": 1, "final_amount": "200.00"})

    assert response.status_code == 409
    assert response.json()["current"]["final_amount"] == "100.00"


def test_given_a_signed_off_budget_then_a_change_returns_a_new_draft_and_keeps_version_1(
        api, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line = signed.lines.get()

    changed = api.patch(f"{_base(person)}/lines/{line.pk}",
                        {"version": line.version, "unit_cost": "50.00"})
    first = api.get(f"{_base(person)}/versions/1").json()

    assert changed.status_code == 200
    assert (changed.json()["number"], changed.json()["status"]) == (2, "draft")
    assert changed.json()["in_force_number"] == 1
    assert changed.json()["lines"][0]["annual_cost"] == "2600.00"
    assert first["status"] == "signed_off"
    assert first["lines"][0]["annual_cost"] == "2080.00"
    assert Budget.objects.get(number=1).status == BudgetStatus.SIGNED_OFF


def test_payments_and_spending_over_the_api(api, planner, person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    signed = make.signed_off_budget(planner, make.commissioner_for(planner), plan, outcome)
    line = signed.lines.get()

    paid = api.post(f"{_base(person)}/payments", {"line": str(line.pk),
                                                  "paid_on": "2026-04-20", "amount": "200.00"})
    future = api.post(f"{_base(person)}/payments", {
        "line": str(line.pk), "paid_on": (dt.date.today() + dt.timedelta(days=400)).isoformat(),
        "amount": "1.00"})
    spending = api.get(f"{_base(person)}/spending", period="quarter")

    assert paid.status_code == 201
    assert paid.json()["amount"] == "200.00"
    assert future.status_code == 422
    assert _fields(future) == {"paid_on"}
    assert len(spending.json()["periods"]) == 4
    assert spending.json()["periods"][0]["actual"] == "200.00"
    assert api.get(f"{_base(person)}/spending", period="fortnight").status_code == 422


def test_pa_costs_match_the_hand_worked_example(api):
    response = api.post("/pa-costs", {"hourly_pay": "13.00", "hours_per_week": "20",
                                      "tax_year": "2025-26"})
    unknown = api.post("/pa-costs", {"hourly_pay": "13.00", "hours_per_week": "20",
                                     "tax_year": "1999-00"})

    assert response.json()["total"] == "17990.48"
    assert response.json()["holiday_pay"] == "1456.00"
    assert unknown.status_code == 422
    assert _fields(unknown) == {"tax_year"}


def test_returns_are_for_commissioners_and_count_their_organisation(api, api_as, planner,
                                                                     person, plan_and_outcome):
    plan, outcome = plan_and_outcome
    commissioner = make.commissioner_for(planner)
    make.signed_off_budget(planner, commissioner, plan, outcome)
    period = {"starts_on": "2026-04-01", "ends_on": "2026-06-30"}

    assert api.get("/phb-returns", **period).status_code == 403
    response = api_as(commissioner).get("/phb-returns", **period)
    backwards = api_as(commissioner).get("/phb-returns", starts_on="2026-06-30",
                                         ends_on="2026-04-01")

    assert response.json()["counts"]["total"] == 1
    assert response.json()["counts"]["notional"] == 1
    assert backwards.status_code == 422
