"""Needs, outcomes and actions: rules, pages with coaching, and the same over the API."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ourplan.core.errors import StaleVersion
from ourplan.plans import services
from ourplan.plans.models import Action, Outcome
from ourplan.plans.workflow import SectionStatus

pytestmark = pytest.mark.django_db

TEA = "I can make a cup of tea on my own, the way I like it, in my fine bone china cup"


@pytest.fixture
def plan(planner, person):
    return services.plan_start(actor=planner, person=person)


@pytest.fixture
def outcome(planner, plan):
    return services.outcome_add(actor=planner, plan=plan, data={
        "need": "Help with physical tasks after my stroke", "text": TEA,
        "rough_cost": Decimal("40.00"), "importance": "high"})


def _errors(response):
    body = " ".join(response.content.decode().split())
    found = re.findall(r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?) </span>', body)
    return [html.unescape(f) for f in found]


def test_an_outcome_puts_the_section_in_progress(plan, outcome):
    assert outcome.rough_cost == Decimal("40.00")
    assert plan.sections.get(section="outcomes").status == SectionStatus.IN_PROGRESS


@pytest.mark.parametrize(("data", "field"), [
    ({"text": ""}, "text"),
    ({"text": TEA, "rough_cost": Decimal("-1")}, "rough_cost"),
    ({"text": TEA, "importance": "urgent"}, "importance"),
    ({"text": TEA, "status": "done-ish"}, "status"),
])
def test_outcomes_are_validated(planner, plan, data, field):
    with pytest.raises(ValidationError) as caught:
        services.outcome_add(actor=planner, plan=plan, data=data)
    assert field in caught.value.message_dict
    assert not Outcome.objects.exists()


def test_an_action_serves_an_outcome_of_the_same_plan(planner, plan, outcome, stranger, team):
    stranger.allocations.create(team=team)
    other_plan = services.plan_start(actor=planner, person=stranger)

    action = services.action_add(actor=planner, plan=plan, data={
        "outcome": outcome, "what": "Try a kettle tipper", "owner_kind": "service"})
    with pytest.raises(ValidationError) as caught:
        services.action_add(actor=planner, plan=other_plan, data={
            "outcome": outcome, "what": "x", "owner_kind": "person"})

    assert action.outcome == outcome
    assert "outcome" in caught.value.message_dict
    assert Action.objects.count() == 1


def test_outcome_edits_are_versioned(planner, outcome):
    services.outcome_update(actor=planner, outcome=outcome, version=1,
                            data={"status": "in_progress"})
    with pytest.raises(StaleVersion):
        services.outcome_update(actor=planner, outcome=outcome, version=1,
                                data={"status": "achieved"})
    assert Outcome.objects.get(pk=outcome.pk).status == "in_progress"


def test_the_outcomes_page_coaches_each_outcome(client, planner, person, plan, outcome):
    services.outcome_add(actor=planner, plan=plan,
                         data={"text": "Support to go to the day centre"})
    client.force_login(planner)

    page = client.get(f"/people/{person.pk}/plan/outcomes/").content.decode()

    assert TEA in page
    assert page.count("This outcome could be better") == 1
    assert "“Support to go”" in page or "“day centre”" in page


def test_the_coaching_fragment_answers_as_the_outcome_is_typed(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/outcomes/coach/"

    weak = client.post(url, {"text": "3 homecare visits a day"}).content.decode()
    good = client.post(url, {"text": "I see my daughter at least once a fortnight"})

    assert "This outcome could be better" in weak
    assert "Nothing to suggest" in good.content.decode()


def test_adding_an_outcome_page_bad_input(client, planner, person, plan):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/plan/outcomes/add/", {
        "text": "", "rough_cost": "ten pounds", "importance": "high", "status": "not_started"})

    assert response.status_code == 400
    assert _errors(response) == ["Write the outcome, in the person's words",
                                 "Enter a rough cost in pounds, like 250 or 49.99"]
    assert not Outcome.objects.exists()


def test_adding_an_action_page(client, planner, person, plan, outcome):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/outcomes/{outcome.pk}/actions/add/"

    bad = client.post(url, {"what": "", "status": "to_do", "by_when_day": "31",
                            "by_when_month": "2", "by_when_year": "2027"})
    good = client.post(url, {"what": "Practise in the kitchen with the OT",
                             "owner_kind": "service", "owner": "Community OT",
                             "status": "to_do"})

    assert bad.status_code == 400
    assert _errors(bad) == ["Say what will be done", "Select who will do it",
                            "By when must be a real date"]
    assert good.status_code == 302
    assert outcome.actions.get().owner == "Community OT"


def test_outcomes_and_actions_over_the_api(planner, person, plan):
    from ourplan.api.tests.conftest import ApiClient

    api = ApiClient(planner)
    path = f"/people/{person.pk}/plan"

    checked = api.post("/outcomes/check", {"text": "Support to go to the day centre"})
    added = api.post(f"{path}/outcomes", {"text": TEA, "rough_cost": "12.50"})
    bad = api.post(f"{path}/outcomes", {"text": TEA, "rough_cost": "12.505"})
    outcome_id = added.json()["id"]
    action = api.post(f"{path}/outcomes/{outcome_id}/actions",
                      {"what": "Find a lighter kettle", "owner_kind": "circle",
                       "owner": "Bernard"})
    changed = api.patch(f"{path}/actions/{action.json()['id']}",
                        {"version": 1, "status": "done"})
    stale = api.patch(f"{path}/outcomes/{outcome_id}", {"version": 9, "status": "achieved"})
    whole = api.get(path).json()

    assert checked.json()["flags"] == ["solution_embedded", "not_personal"]
    assert checked.json()["advice"][0]["hint"]
    assert added.status_code == 201
    assert added.json()["flags"] == []
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["rough_cost"]
    assert action.status_code == 201
    assert changed.json()["status"] == "done"
    assert stale.status_code == 409
    assert whole["outcomes"][0]["actions"][0]["owner"] == "Bernard"
