"""Portal users over the API with their own token: the person, a representative, a nominee and
family the plan is shared with reach and change only what the pages let them, and every refusal
is an answer (403 or 404), never a 500, with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ourplan.budgets.models import Budget, CostLine, Holding
from ourplan.consent.services import consent_withdraw
from ourplan.core.models import AuditEvent
from ourplan.plans.models import AboutMe, Outcome, Plan, PlanVersion, Risk, WorkingEntry
from ourplan.testing.governance import direct_payment_plan
from ourplan.testing.portal import circle_member_of, nominee_of, representative_of, the_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(planner, person) -> Plan:
    """A plan at record and agree, with a direct payment budget still in draft."""
    plan, _ = direct_payment_plan(planner, person, agree=False)
    plan.refresh_from_db()
    return plan


def _path(person: Any, rest: str = "") -> str:
    return f"/people/{person.pk}/plan{rest}"


def _about_me(api: Any, person: Any, **fields: str) -> Any:
    version = AboutMe.objects.get(plan__person=person).version
    return api.put(_path(person, "/about-me"), {"version": version, **fields})


def _state(plan: Plan) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    plan.refresh_from_db()
    return {
        "plan": (plan.stage, plan.version),
        "about_me": AboutMe.objects.filter(plan=plan).values_list("version", "important").get(),
        "working": sorted(WorkingEntry.objects.filter(plan=plan)
                          .values_list("pk", "version", "text", "kind")),
        "outcomes": sorted(Outcome.objects.filter(plan=plan)
                           .values_list("pk", "version", "text", "status", "importance")),
        "risks": sorted(Risk.objects.filter(plan=plan)
                        .values_list("pk", "version", "description")),
        "agreed": PlanVersion.objects.filter(plan=plan).count(),
        "budgets": sorted(Budget.objects.filter(plan=plan)
                          .values_list("pk", "version", "status", "final_amount")),
        "lines": sorted(CostLine.objects.filter(budget__plan=plan)
                        .values_list("pk", "version", "item", "unit_cost")),
        "holdings": sorted(Holding.objects.filter(budget__plan=plan)
                           .values_list("pk", "version", "amount")),
    }


def _changes_refused_by_the_plan_rules(api: Any, person: Any, plan: Plan) -> dict[str, Any]:
    """Every change only a planner may make, tried by `api`: the response to each."""
    outcome = plan.outcomes.get()
    risk = Risk.objects.get(plan=plan)
    budget = Budget.objects.get(plan=plan)
    line = CostLine.objects.get(budget=budget)
    holding = Holding.objects.get(budget=budget)
    return {
        "transition": api.post(_path(person, "/transitions/make_it_happen"),
                               {"version": plan.version}),
        "start_again": api.post(_path(person, "/transitions/start_again"),
                                {"version": plan.version}),
        "agree": api.post(_path(person, "/agree"), {
            "version": plan.version, "agreed_by": "person", "how": "I said yes on the phone",
            "agreements": ["needs_met"]}),
        "section": api.put(_path(person, "/sections/about_me"),
                           {"version": plan.version, "status": "in_progress"}),
        "support_needs": api.patch(_path(person, "/support-needs"),
                                   {"version": plan.version, "confidence": 1}),
        "outcome_add": api.post(_path(person, "/outcomes"), {"text": "I can go swimming"}),
        "action_add": api.post(_path(person, f"/outcomes/{outcome.pk}/actions"),
                               {"what": "Ring the pool", "owner_kind": "person"}),
        "risk_update": api.patch(_path(person, f"/entries/risks/{risk.pk}"),
                                 {"version": risk.version, "description": "No risk at all"}),
        "risk_add": api.post(_path(person, "/entries/risks"), {
            "description": "I cook alone", "kind": "personal", "approach": "take",
            "mitigation": "A smoke alarm"}),
        "risk_remove": api.delete(_path(person, f"/entries/risks/{risk.pk}?version="
                                                f"{risk.version}")),
        "budget_update": api.patch(_path(person, "/budget"),
                                   {"version": budget.version, "final_amount": "99999.00"}),
        "budget_sign_off": api.post(_path(person, "/budget/sign-off"),
                                    {"version": budget.version}),
        "line_add": api.post(_path(person, "/budget/lines"), {
            "outcome": str(outcome.pk), "item": "Hot tub", "category": "equipment",
            "unit_cost": "5000.00", "frequency": "one_off"}),
        "line_update": api.patch(_path(person, f"/budget/lines/{line.pk}"),
                                 {"version": line.version, "unit_cost": "999.00"}),
        "line_remove": api.delete(_path(person, f"/budget/lines/{line.pk}?version="
                                                f"{line.version}")),
        "holding_update": api.patch(_path(person, f"/budget/holdings/{holding.pk}"),
                                    {"version": holding.version, "amount": "1.00"}),
        "holding_remove": api.delete(_path(person, f"/budget/holdings/{holding.pk}?version="
                                                   f"{holding.version}")),
    }


def _own_words_changes(api: Any, person: Any, plan: Plan) -> dict[str, Any]:
    """The changes the person may make themselves, tried by `api`."""
    entry = plan.working_entries.get()
    outcome = plan.outcomes.get()
    return {
        "about_me": _about_me(api, person, important="Someone else's words"),
        "working_add": api.post(_path(person, "/working"),
                                {"kind": "not_working", "text": "Someone else's words"}),
        "working_update": api.patch(_path(person, f"/working/{entry.pk}"),
                                    {"version": entry.version, "text": "Someone else's words"}),
        "outcome_wording": api.patch(_path(person, f"/outcomes/{outcome.pk}"),
                                     {"version": outcome.version,
                                      "text": "Someone else's words"}),
    }


def _statuses(responses: dict[str, Any]) -> dict[str, int]:
    return {name: response.status_code for name, response in responses.items()}


# --- the person themselves -------------------------------------------------------------------

def test_the_person_reads_their_plan_and_budget(api_as, person, plan):
    api = api_as(the_person(person))

    read = api.get(_path(person))
    budget = api.get(_path(person, "/budget"))

    assert read.status_code == 200, read.json()
    assert read.json()["id"] == str(plan.pk)
    assert read.json()["about_me"]["important"] == "My family and my garden"
    assert budget.status_code == 200, budget.json()
    assert budget.json()["final_amount"] == "5200.00"


def test_the_person_changes_their_own_words(api_as, person, plan):
    user = the_person(person)
    api = api_as(user)
    entry = plan.working_entries.get()
    outcome = plan.outcomes.get()

    about = _about_me(api, person, important="My grandchildren, then my garden",
                      please_dont="Call me love")
    added = api.post(_path(person, "/working"),
                     {"kind": "not_working", "text": "Mornings are rushed"})
    changed = api.patch(_path(person, f"/working/{entry.pk}"),
                        {"version": entry.version, "text": "Living at home with my cat"})
    reworded = api.patch(_path(person, f"/outcomes/{outcome.pk}"),
                         {"version": outcome.version,
                          "text": "I make my own cup of tea every morning by August"})

    assert about.status_code == 200, about.json()
    assert about.json()["please_dont"] == "Call me love"
    assert added.status_code == 201, added.json()
    assert changed.status_code == 200, changed.json()
    assert changed.json()["text"] == "Living at home with my cat"
    assert reworded.status_code == 200, reworded.json()
    outcome.refresh_from_db()
    assert outcome.text == "I make my own cup of tea every morning by August"
    assert outcome.status == "not_started"
    whole = api.get(_path(person)).json()
    assert whole["about_me"]["important"] == "My grandchildren, then my garden"
    assert {w["text"] for w in whole["working"]} == {"Living at home with my cat",
                                                    "Mornings are rushed"}


@pytest.mark.parametrize("fields", [
    {"status": "achieved"},
    {"importance": "high"},
    {"rough_cost": "100.00"},
    {"text": "I make tea", "status": "achieved"},
])
def test_the_person_cannot_change_more_of_an_outcome_than_its_wording(api_as, person, plan,
                                                                      fields):
    api = api_as(the_person(person))
    outcome = plan.outcomes.get()
    before = _state(plan)

    response = api.patch(_path(person, f"/outcomes/{outcome.pk}"),
                         {"version": outcome.version, **fields})

    # Refused beside the field, as on the page (the service's field error), never a 500.
    assert response.status_code == 422, response.json()
    named = {e["field"] for e in response.json()["errors"]}
    assert named == set(fields) - {"text"}
    assert _state(plan) == before


def _assert_staff_fields_refused(response: Any) -> None:
    """Agreeing is theirs to do, but not as staff record it: who agreed and how are taken from
    their account, so sending them is a field error (and without `read`, nothing is agreed)."""
    assert response.status_code == 422, response.json()
    assert {e["field"] for e in response.json()["errors"]} == {"agreed_by", "how", "read"}


def test_the_person_cannot_make_a_planners_changes(api_as, person, plan):
    api = api_as(the_person(person))
    before = _state(plan)

    responses = _changes_refused_by_the_plan_rules(api, person, plan)

    _assert_staff_fields_refused(responses.pop("agree"))
    assert _statuses(responses) == dict.fromkeys(responses, 403)
    assert _state(plan) == before


def test_the_persons_reads_and_changes_are_audited_as_theirs(api_as, person, plan):
    user = the_person(person)
    api = api_as(user)
    entry = plan.working_entries.get()

    api.get(_path(person))
    api.get(_path(person, "/budget"))
    _about_me(api, person, important="Tea first")
    api.patch(_path(person, f"/working/{entry.pk}"), {"version": entry.version, "text": "Home"})

    theirs = AuditEvent.objects.filter(person=person, actor=user)
    actions = set(theirs.values_list("action", flat=True))
    assert {"plan.viewed", "budget.viewed", "plan.about_me_updated",
            "plan.working_entry_updated"} <= actions
    assert set(theirs.values_list("actor_username", flat=True)) == {user.username}
    assert set(theirs.values_list("channel", flat=True)) == {"api"}


def test_a_stale_version_is_409_with_the_current_record(api_as, planner, person, plan):
    api = api_as(the_person(person))
    staff = api_as(planner)
    version = AboutMe.objects.get(plan=plan).version
    staff.put(_path(person, "/about-me"), {"version": version, "important": "Cricket"})

    stale = api.put(_path(person, "/about-me"), {"version": version, "important": "Tea"})

    assert stale.status_code == 409, stale.json()
    assert [e["field"] for e in stale.json()["errors"]] == ["version"]
    assert stale.json()["current"]["important"] == "Cricket"
    assert AboutMe.objects.get(plan=plan).important == "Cricket"


def test_a_stale_version_of_an_outcome_is_409_for_the_person(api_as, planner, person, plan):
    api = api_as(the_person(person))
    outcome = plan.outcomes.get()
    api_as(planner).patch(_path(person, f"/outcomes/{outcome.pk}"),
                          {"version": outcome.version, "text": "I make tea by June"})

    stale = api.patch(_path(person, f"/outcomes/{outcome.pk}"),
                      {"version": outcome.version, "text": "I make tea by July"})

    assert stale.status_code == 409, stale.json()
    assert stale.json()["current"]["text"] == "I make tea by June"


def test_someone_elses_portal_account_reaches_nothing_of_this_person(api_as, person, stranger,
                                                                     plan):
    api = api_as(the_person(stranger))

    assert api.get(_path(person)).status_code == 404
    assert api.get(_path(person, "/budget")).status_code == 404
    assert _about_me(api, person, important="Not mine").status_code == 404


# --- a representative ------------------------------------------------------------------------

def test_a_representative_with_lasting_power_of_attorney_edits_own_words(api_as, person, plan):
    api = api_as(representative_of(person, basis="lpa_health_welfare"))

    assert api.get(_path(person)).status_code == 200
    responses = _own_words_changes(api, person, plan)

    assert _statuses(responses) == {"about_me": 200, "working_add": 201,
                                    "working_update": 200, "outcome_wording": 200}


def test_a_representative_on_another_basis_reads_but_cannot_edit(api_as, person, plan):
    api = api_as(representative_of(person, basis="other"))
    read = api.get(_path(person))
    budget = api.get(_path(person, "/budget"))
    before = _state(plan)

    responses = _own_words_changes(api, person, plan)

    assert read.status_code == 200
    assert budget.status_code == 200
    assert _statuses(responses) == dict.fromkeys(responses, 403)
    assert _state(plan) == before
    assert set(WorkingEntry.objects.filter(plan=plan).values_list("text", flat=True)) == {
        "Living at home"}


def test_no_representative_makes_a_planners_changes(api_as, person, plan):
    api = api_as(representative_of(person, basis="lpa_health_welfare"))
    before = _state(plan)

    responses = _changes_refused_by_the_plan_rules(api, person, plan)

    _assert_staff_fields_refused(responses.pop("agree"))
    assert _statuses(responses) == dict.fromkeys(responses, 403)
    assert _state(plan) == before


# --- a nominee -------------------------------------------------------------------------------

def test_a_nominee_reads_the_budget_they_manage_and_nothing_else(api_as, person, plan):
    user = nominee_of(person)
    api = api_as(user)
    budget = Budget.objects.get(plan=plan)
    before = _state(plan)

    read_plan = api.get(_path(person))
    read_budget = api.get(_path(person, "/budget"))
    change = api.patch(_path(person, "/budget"),
                       {"version": budget.version, "final_amount": "1.00"})
    own_words = _about_me(api, person, important="A nominee's words")

    assert read_plan.status_code == 404
    assert read_budget.status_code == 200, read_budget.json()
    assert read_budget.json()["id"] == str(budget.pk)
    assert change.status_code in (403, 404)
    assert own_words.status_code == 404
    assert _state(plan) == before
    seen = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "budget.viewed" in seen
    assert "plan.viewed" not in seen


# --- family the plan is shared with ----------------------------------------------------------

def test_family_with_a_current_grant_read_the_plan_and_change_nothing(api_as, person, plan):
    user, _ = circle_member_of(person, shared=True)
    api = api_as(user)
    before = _state(plan)

    read = api.get(_path(person))
    responses = {**_own_words_changes(api, person, plan),
                 **_changes_refused_by_the_plan_rules(api, person, plan)}

    assert read.status_code == 200
    assert _statuses(responses) == dict.fromkeys(responses, 403)
    assert _state(plan) == before


def test_family_without_a_grant_reach_nothing(api_as, person, plan):
    user, _ = circle_member_of(person, shared=False)

    assert api_as(user).get(_path(person)).status_code == 404


def test_when_the_person_stops_sharing_family_get_404_at_once(api_as, person, plan):
    me = the_person(person)
    user, contact = circle_member_of(person, shared=True)
    api = api_as(user)
    assert api.get(_path(person)).status_code == 200

    consent_withdraw(actor=me, grant=contact.consent_grants.get())

    assert api.get(_path(person)).status_code == 404
    assert api.get(_path(person, "/budget")).status_code == 404
    assert _about_me(api, person, important="Still here?").status_code == 404


def test_when_the_grant_ends_family_get_404_at_once(api_as, person, plan):
    user, contact = circle_member_of(person, shared=True)
    api = api_as(user)
    grant = contact.consent_grants.get()
    grant.start_date = timezone.localdate() - dt.timedelta(days=30)
    grant.end_date = timezone.localdate()
    grant.save()
    assert api.get(_path(person)).status_code == 200  # the last day still counts

    grant.end_date = timezone.localdate() - dt.timedelta(days=1)
    grant.save()

    assert api.get(_path(person)).status_code == 404
    assert api.get(_path(person, "/budget")).status_code == 404
