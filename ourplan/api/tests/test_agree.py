"""Agreeing the plan over the API, only as it was read: GET /people/{id}/plan gives the plan's
fingerprint; the person, or a representative who may decide for them, agrees it with that
fingerprint and every statement that applies (as on their page); staff record an agreement as
before, and when they send what they read, a plan changed since is not recorded."""

from __future__ import annotations

from typing import Any

import pytest

from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.people.choices import RepresentativeBasis
from ourplan.plans import services as plan_services
from ourplan.plans.models import AgreedBy, Plan, PlanVersion
from ourplan.testing import governance as gov
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import circle_member_of, representative_of, the_person

pytestmark = pytest.mark.django_db

# Every statement that applies to a plan without a direct payment.
STATEMENTS = ["needs_met", "reviewed", "sharing"]


@pytest.fixture
def coordinator(person):
    return gov.named_coordinator(person, user=UserFactory(email="sam@nhs.net")).user


@pytest.fixture
def plan(planner, person, coordinator):
    """Ready to agree: at record and agree, every section done, never agreed."""
    return gov.ready_plan(planner, person, agree=False)


def _path(person: Any, rest: str = "") -> str:
    return f"/people/{person.pk}/plan{rest}"


def _read(api: Any, person: Any) -> dict[str, Any]:
    """What the caller read: the plan's version and fingerprint from GET."""
    whole = api.get(_path(person))
    assert whole.status_code == 200, whole.json()
    return {"version": whole.json()["version"], "read": whole.json()["fingerprint"]}


def _change_about_me(planner: Any, plan: Any) -> None:
    plan.refresh_from_db()
    plan_services.about_me_update(actor=planner, plan=plan, version=plan.about_me.version,
                                  data={"important": "My family, my garden and my dog"})


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# --- what was read -------------------------------------------------------------------------

def test_the_plan_gives_its_fingerprint_which_changes_with_about_me(api, planner, person, plan):
    before = api.get(_path(person)).json()
    fingerprint_before = plan_services.plan_fingerprint(plan)
    _change_about_me(planner, plan)
    after = api.get(_path(person)).json()

    assert before["fingerprint"] == fingerprint_before
    assert after["fingerprint"] == plan_services.plan_fingerprint(Plan.objects.get(pk=plan.pk))
    assert after["fingerprint"] != before["fingerprint"]
    # The plan's own version alone does not show the change.
    assert after["version"] == before["version"]


def test_the_openapi_document_lists_the_fingerprint_and_read(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert "fingerprint" in schemas["PlanOut"]["properties"]
    assert "fingerprint" in schemas["PlanOut"]["required"]
    assert "read" in schemas["AgreeIn"]["properties"]
    assert set(schemas["AgreeIn"]["required"]) == {"version"}


# --- the person and their representative -----------------------------------------------------

def test_the_person_agrees_the_plan_they_read(api_as, person, plan, coordinator):
    me = the_person(person)
    api = api_as(me)

    response = api.post(_path(person, "/agree"),
                        {**_read(api, person), "agreements": STATEMENTS})

    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 1
    assert response.json()["agreed_by"] == "person"
    assert response.json()["recorded_by"] == me.username
    agreed = PlanVersion.objects.get(plan=plan)
    assert (agreed.agreed_by, agreed.agreed_by_name, agreed.recorded_by,
            agreed.representative) == (AgreedBy.PERSON, person.full_name, me, None)
    assert agreed.how == "Agreed online in Ourplan"
    assert sorted(agreed.agreements) == sorted(STATEMENTS)
    assert AuditEvent.objects.filter(action="plan.agreed", actor=me, person=person,
                                     channel="api").exists()
    told = Message.objects.get(key=f"portal.plan_agreed.{agreed.pk}")
    assert coordinator.email in told.recipients


def test_a_representative_who_may_decide_agrees_as_their_representative(api_as, person, plan):
    deputy = representative_of(person, basis=RepresentativeBasis.COURT_DEPUTY)
    api = api_as(deputy)

    response = api.post(_path(person, "/agree"),
                        {**_read(api, person), "agreements": STATEMENTS})

    assert response.status_code == 201, response.json()
    agreed = PlanVersion.objects.get(plan=plan)
    contact = deputy.portal_accesses.get().contact
    assert (agreed.agreed_by, agreed.representative, agreed.recorded_by) == (
        AgreedBy.REPRESENTATIVE, contact, deputy)


def test_a_representative_on_the_other_basis_cannot_agree(api_as, person, plan):
    api = api_as(representative_of(person, basis=RepresentativeBasis.OTHER))
    read = _read(api, person)

    response = api.post(_path(person, "/agree"), {**read, "agreements": STATEMENTS})
    # Refused as not theirs to do, even when the body is not one they could send.
    staff_shaped = api.post(_path(person, "/agree"), {
        "version": read["version"], "agreed_by": "representative", "how": "By phone"})

    assert response.status_code == 403, response.json()
    assert staff_shaped.status_code == 403, staff_shaped.json()
    assert not PlanVersion.objects.exists()


def test_family_the_plan_is_shared_with_cannot_agree(api_as, person, plan):
    user, _ = circle_member_of(person, shared=True)
    api = api_as(user)

    response = api.post(_path(person, "/agree"),
                        {**_read(api, person), "agreements": STATEMENTS})

    assert response.status_code == 403, response.json()
    assert not PlanVersion.objects.exists()


def test_another_persons_plan_is_not_found(api_as, person, plan, stranger):
    api = api_as(the_person(stranger))

    response = api.post(_path(person, "/agree"), {
        "version": plan.version, "read": plan_services.plan_fingerprint(plan),
        "agreements": STATEMENTS})

    assert response.status_code == 404
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("agreements", [[], ["needs_met", "reviewed"],
                                        [*STATEMENTS, "payment_sufficient"]])
def test_every_statement_that_applies_and_no_other_is_needed(api_as, person, plan, agreements):
    api = api_as(the_person(person))

    response = api.post(_path(person, "/agree"),
                        {**_read(api, person), "agreements": agreements})

    assert response.status_code == 422, response.json()
    assert _fields(response) == {"agreements"}
    assert not PlanVersion.objects.exists()


def test_a_plan_changed_since_it_was_read_is_not_agreed(api_as, planner, person, plan):
    api = api_as(the_person(person))
    read = _read(api, person)
    _change_about_me(planner, plan)

    stale = api.post(_path(person, "/agree"), {**read, "agreements": STATEMENTS})
    again = api.post(_path(person, "/agree"), {**_read(api, person), "agreements": STATEMENTS})

    assert stale.status_code == 409, stale.json()
    assert stale.json()["detail"] == plan_services.PLAN_CHANGED_SINCE_READ
    assert again.status_code == 201, again.json()
    assert PlanVersion.objects.get(plan=plan).snapshot["about_me"]["important"] == (
        "My family, my garden and my dog")


def test_the_person_sends_what_they_read_and_nothing_staff_record(api_as, person, plan):
    api = api_as(the_person(person))
    read = _read(api, person)

    unread = api.post(_path(person, "/agree"),
                      {"version": read["version"], "agreements": STATEMENTS})
    staff_fields = api.post(_path(person, "/agree"), {
        **read, "agreements": STATEMENTS, "agreed_by": "person", "how": "By phone",
        "representative": None})

    assert unread.status_code == 422, unread.json()
    assert _fields(unread) == {"read"}
    assert staff_fields.status_code == 422, staff_fields.json()
    assert _fields(staff_fields) == {"agreed_by", "how", "representative"}
    assert not PlanVersion.objects.exists()


# --- staff -----------------------------------------------------------------------------------

def test_staff_record_the_plan_they_read(api, person, plan):
    response = api.post(_path(person, "/agree"), {
        **_read(api, person), "agreed_by": "person", "how": "Signed at home",
        "agreements": [*STATEMENTS, "payment_sufficient"]})

    assert response.status_code == 201, response.json()
    assert response.json()["agreed_by"] == "person"
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_staff_do_not_record_a_plan_changed_since_they_read_it(api, planner, person, plan):
    read = _read(api, person)
    _change_about_me(planner, plan)

    response = api.post(_path(person, "/agree"), {
        **read, "agreed_by": "person", "how": "Signed at home"})

    assert response.status_code == 409, response.json()
    assert response.json()["detail"] == plan_services.PLAN_CHANGED_SINCE_READ
    assert not PlanVersion.objects.exists()


def test_staff_may_still_record_without_saying_what_they_read(api, planner, person, plan):
    _change_about_me(planner, plan)
    plan.refresh_from_db()

    response = api.post(_path(person, "/agree"), {
        "version": plan.version, "agreed_by": "person", "how": "By phone"})

    assert response.status_code == 201, response.json()
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_staff_say_who_agreed_and_how(api, person, plan):
    response = api.post(_path(person, "/agree"), {"version": plan.version})

    assert response.status_code == 422, response.json()
    assert _fields(response) == {"agreed_by", "how"}
    assert {e["message"] for e in response.json()["errors"]} == {"This field is required"}
    assert not PlanVersion.objects.exists()
