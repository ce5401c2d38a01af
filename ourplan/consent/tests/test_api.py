"""Consent to share over the API, for staff tokens and the person's own: list, grant (bad input
named), withdraw (twice refused); the grantee reads the plan until it stops; 403 for a
representative who may not decide; 404 outside scope, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.api.tests.conftest import ApiClient
from ourplan.consent.models import ConsentGrant
from ourplan.core.models import AuditEvent
from ourplan.plans import services as plan_services
from ourplan.plans.models import Plan
from ourplan.testing.factories import OrganisationFactory, TeamFactory, UserFactory
from ourplan.testing.portal import circle_member_of, grant, representative_of, the_person

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _fields(response):
    return {e["field"] for e in response.json()["errors"]}


def _base(person):
    return f"/people/{person.pk}/consent"


@pytest.fixture
def api(planner):
    return ApiClient(planner)


@pytest.fixture
def plan(planner, person):
    return plan_services.plan_start(actor=planner, person=person)


def test_the_person_shares_with_a_member_of_staff_who_reads_the_plan_until_it_is_withdrawn(
        person, plan):
    me = ApiClient(the_person(person))
    nurse = UserFactory(role=Role.PRACTITIONER)
    nurse_api = ApiClient(nurse)
    assert nurse_api.get(f"/people/{person.pk}/plan").status_code == 404

    made = me.post(_base(person), {"grantee": "staff", "staff": str(nurse.pk),
                                   "purpose": "To help at my appointments",
                                   "end_date": (today() + dt.timedelta(days=7)).isoformat()})

    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["grantee"] == "staff"
    assert body["grantee_name"] == str(nurse)
    assert body["current"] is True
    assert body["start_date"] == today().isoformat()
    assert nurse_api.get(f"/people/{person.pk}/plan").status_code == 200
    assert [g["id"] for g in me.get(_base(person)).json()] == [body["id"]]

    stopped = me.post(f"{_base(person)}/{body['id']}/withdraw")
    assert stopped.status_code == 200
    assert stopped.json()["current"] is False
    assert stopped.json()["withdrawn_at"] is not None
    assert nurse_api.get(f"/people/{person.pk}/plan").status_code == 404
    assert nurse_api.get(_base(person)).status_code == 404
    twice = me.post(f"{_base(person)}/{body['id']}/withdraw")
    assert twice.status_code == 409
    assert "already stopped" in twice.json()["detail"]


def test_staff_record_consent_for_the_person_and_its_withdrawal(api, planner, person, plan):
    organisation = OrganisationFactory(name="Riverside Hospice")
    hospice_nurse = ApiClient(UserFactory(role=Role.PRACTITIONER, organisation=organisation))

    made = api.post(_base(person), {"grantee": "organisation",
                                    "organisation": str(organisation.pk),
                                    "purpose": "Hospice at home"})

    assert made.status_code == 201, made.json()
    assert hospice_nurse.get(f"/people/{person.pk}/plan").status_code == 200
    assert AuditEvent.objects.get(action="consent.granted").changes["recorded"] == (
        "recorded on the person's behalf")
    # Read, never change: someone the plan is shared with cannot withdraw or grant.
    grant_id = made.json()["id"]
    assert hospice_nurse.post(f"{_base(person)}/{grant_id}/withdraw").status_code == 403
    assert api.post(f"{_base(person)}/{grant_id}/withdraw").status_code == 200
    assert hospice_nurse.get(f"/people/{person.pk}/plan").status_code == 404


def test_a_circle_member_reads_the_plan_only_while_shared(person, plan):
    me = ApiClient(the_person(person))
    daughter, contact = circle_member_of(person, shared=False)
    daughter_api = ApiClient(daughter)

    made = me.post(_base(person), {"grantee": "circle", "contact": str(contact.pk),
                                   "purpose": "To help me"})
    assert made.status_code == 201, made.json()
    assert list(Plan.objects.visible_to(daughter)) == [plan]
    # Someone it is shared with does not see who else it is shared with.
    assert daughter_api.get(_base(person)).status_code == 404
    me.post(f"{_base(person)}/{made.json()['id']}/withdraw")
    assert not Plan.objects.visible_to(daughter).exists()


def test_a_representative_whose_basis_does_not_let_them_decide_gets_403(person):
    other = ApiClient(representative_of(person, basis="other"))
    shared = grant(person, team=TeamFactory())

    assert other.get(_base(person)).status_code == 200
    refused = other.post(_base(person), {"grantee": "team", "team": str(TeamFactory().pk),
                                         "purpose": "Physio"})
    assert refused.status_code == 403
    assert other.post(f"{_base(person)}/{shared.pk}/withdraw").status_code == 403
    assert ConsentGrant.objects.count() == 1


def test_bad_input_names_the_field_and_writes_nothing(person, stranger):
    me = ApiClient(the_person(person))
    team = TeamFactory()
    theirs = circle_member_of(stranger, shared=False)[1]

    assert _fields(me.post(_base(person), {"grantee": "team", "team": str(team.pk)})) == {
        "purpose"}
    assert _fields(me.post(_base(person), {"grantee": "team", "team": str(team.pk),
                                           "purpose": "x", "start_date": "2026-02-31"})) == {
        "start_date"}
    backwards = me.post(_base(person), {
        "grantee": "team", "team": str(team.pk), "purpose": "Physio",
        "start_date": (today() + dt.timedelta(days=3)).isoformat(),
        "end_date": (today() + dt.timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422
    assert _fields(backwards) == {"end_date"}
    past = me.post(_base(person), {"grantee": "team", "team": str(team.pk), "purpose": "P",
                                   "start_date": (today() - dt.timedelta(days=1)).isoformat()})
    assert _fields(past) == {"start_date"}
    assert _fields(me.post(_base(person), {"grantee": "team", "purpose": "Physio"})) == {"team"}
    assert _fields(me.post(_base(person), {"grantee": "circle", "contact": str(theirs.pk),
                                           "purpose": "Physio"})) == {"contact"}
    assert _fields(me.post(_base(person), {"grantee": "team", "team": "nope",
                                           "purpose": "Physio"})) == {"team"}
    assert _fields(me.post(_base(person), {"grantee": "everyone", "purpose": "x"})) == {
        "grantee"}
    assert _fields(me.post(_base(person), {"grantee": "team", "purpose": "x",
                                           "colour": "blue"})) == {"colour"}
    assert not ConsentGrant.objects.exists()


def test_outside_scope_is_404_on_every_endpoint_and_audited(api, planner, person, stranger):
    theirs = grant(stranger, team=TeamFactory())
    mine = grant(person, team=TeamFactory())
    body = {"grantee": "team", "team": str(TeamFactory().pk), "purpose": "Physio"}

    for client in (api, ApiClient(the_person(person))):
        assert client.get(_base(stranger)).status_code == 404
        assert client.post(_base(stranger), body).status_code == 404
        assert client.post(f"{_base(stranger)}/{theirs.pk}/withdraw").status_code == 404
        # A grant of someone else, through a person the caller can see.
        assert client.post(f"{_base(person)}/{theirs.pk}/withdraw").status_code == 404
        assert client.get("/people/not-a-uuid/consent").status_code == 404
    assert AuditEvent.objects.filter(action="person.access_refused", person=stranger).count() >= 4
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    assert mine.withdrawn_at is None
    assert ConsentGrant.objects.count() == 2
