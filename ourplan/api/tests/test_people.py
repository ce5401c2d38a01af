"""/api/v1/people: the same rules, messages and audit as the pages."""

from __future__ import annotations

import pytest

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.accounts.rules import PLANNING_ROLES
from ourplan.core.models import AuditEvent
from ourplan.people.models import CareTeamMember, Person, PersonalContact
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PersonalContactFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _writes():
    return (Person.objects.count(), PersonalContact.objects.count(),
            CareTeamMember.objects.count(),
            AuditEvent.objects.exclude(action__in=["person.viewed", "person.listed"]).count())


def _fields(response):
    return {e["field"]: e["message"] for e in response.json()["errors"]}


NEW_PERSON = {
    "nhs_number": "943 476 5919", "given_name": "Ada", "family_name": "Lovelace",
    "date_of_birth": "1955-12-10", "sex": "female",
}


# --- the caseload and a person -----------------------------------------------------------

def test_the_caseload_lists_only_people_in_scope_and_audits_them(api, person, stranger):
    response = api.get("/people")

    body = response.json()
    assert response.status_code == 200
    assert [p["id"] for p in body["items"]] == [str(person.pk)]
    assert body["items"][0]["nhs_number_display"] == \
        f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"
    assert AuditEvent.objects.filter(action="person.listed", person=person).count() == 1
    assert not AuditEvent.objects.filter(person=stranger).exists()


def test_search_by_nhs_number_with_spaces(api, person):
    spaced = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"

    assert api.get("/people", q=spaced).json()["total"] == 1
    assert api.get("/people", q="no such name").json()["total"] == 0


def test_reading_a_person_is_audited(api, person):
    response = api.get(f"/people/{person.pk}")

    assert response.status_code == 200
    assert response.json()["nhs_number"] == person.nhs_number
    event = AuditEvent.objects.get(action="person.viewed", person=person)
    assert event.channel == "api"
    assert event.request_id


@pytest.mark.parametrize("person_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid",
                                       "1", "%00"])
def test_unknown_ids_answer_404(api, person_id):
    assert api.get(f"/people/{person_id}").status_code == 404


def test_someone_outside_the_scope_answers_404_and_the_attempt_is_audited(api, stranger):
    response = api.get(f"/people/{stranger.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    assert AuditEvent.objects.get(action="person.access_refused").person == stranger


# --- adding and changing a person --------------------------------------------------------

def test_adding_a_person_puts_them_on_the_team(api, team):
    response = api.post("/people", {**NEW_PERSON, "team": str(team.pk)})

    assert response.status_code == 201
    person = Person.objects.get(nhs_number="9434765919")
    assert person.allocations.get().team == team
    assert response.json()["version"] == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"nhs_number": "999000001"}, "nhs_number", "NHS number is too short"),
    ({"nhs_number": "99900000188"}, "nhs_number", "NHS number is too long"),
    ({"nhs_number": "9990000019"}, "nhs_number", "This is not a valid NHS number"),
    ({"date_of_birth": "2990-01-01"}, "date_of_birth", "Date of birth must be today or"),
    ({"date_of_birth": "1990-02-31"}, "date_of_birth", "Input should be a valid date"),
    ({"sex": "unknown"}, "sex", "Input should be"),
    ({"postcode": "nowhere"}, "postcode", "Enter a real postcode"),
    ({"information_formats": ["smoke_signals"]}, "information_formats", "Input should be"),
    ({"favourite_colour": "blue"}, "favourite_colour", "This field is not recognised"),
    ({"given_name": None}, "given_name", ""),
    ({"gp_practice": "00000000-0000-0000-0000-000000000000"}, "gp_practice",
     "Select a GP practice"),
    ({"team": "00000000-0000-0000-0000-000000000000"}, "team", "Select a team"),
])
def test_adding_a_person_with_bad_input_names_the_field(api, team, change, field, message):
    before = _writes()

    response = api.post("/people", {**NEW_PERSON, "team": str(team.pk), **change})

    assert response.status_code == 422
    errors = _fields(response)
    matching = [f for f in errors if f.startswith(field)]
    assert matching, errors
    assert errors[matching[0]].startswith(message)
    assert _writes() == before


def test_adding_a_person_to_a_team_you_are_not_on_is_refused(api):
    response = api.post("/people", {**NEW_PERSON, "team": str(TeamFactory().pk)})

    assert response.status_code == 422
    assert "team" in _fields(response)


def test_a_gp_practice_must_be_a_gp_practice(api, team):
    icb = OrganisationFactory(kind="icb")

    response = api.post("/people", {**NEW_PERSON, "team": str(team.pk),
                                    "gp_practice": str(icb.pk)})

    assert response.status_code == 422
    assert "gp_practice" in _fields(response)


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"a string"', "null"])
def test_malformed_bodies_get_422(api, person, raw):
    response = api.patch(f"/people/{person.pk}", raw=raw)

    assert response.status_code == 422
    assert response.json()["errors"]


def test_changing_a_person_needs_their_version(api, person):
    response = api.patch(f"/people/{person.pk}", {"town": "Leeds"})

    assert response.status_code == 422
    assert "version" in _fields(response)


def test_changing_a_person_moves_the_version_on_and_is_audited(api, person):
    response = api.patch(f"/people/{person.pk}",
                         {"version": person.version, "town": "Leeds", "postcode": "ls14ap"})

    assert response.status_code == 200
    assert response.json()["version"] == person.version + 1
    assert response.json()["postcode"] == "LS1 4AP"
    event = AuditEvent.objects.get(action="person.updated", person=person)
    assert event.changes["town"] == ["", "Leeds"]


def test_a_stale_version_is_refused_with_409_and_nothing_changes(api, person):
    Person.objects.filter(pk=person.pk).update(version=5)

    response = api.patch(f"/people/{person.pk}", {"version": 4, "town": "Leeds"})

    assert response.status_code == 409
    assert "version" in _fields(response)
    assert response.json()["current"]["version"] == 5  # what is saved now, to compare
    person.refresh_from_db()
    assert person.town == ""


# --- the circle and the care team ----------------------------------------------------------

def test_adding_and_changing_and_removing_a_contact(api, person):
    added = api.post(f"/people/{person.pk}/contacts", {
        "name": "Linda", "relationship": "Mum", "contact_types": ["representative"],
        "representative_basis": "lpa_health_welfare", "nhs_number": "999-000-0026",
    })
    contact_id = added.json()["id"]
    changed = api.patch(f"/people/{person.pk}/contacts/{contact_id}",
                        {"version": 1, "phone": "07700 900 456"})
    listed = api.get(f"/people/{person.pk}/contacts")
    removed = api.delete(f"/people/{person.pk}/contacts/{contact_id}?version=2")

    assert added.status_code == 201
    assert added.json()["nhs_number"] == "9990000026"
    assert changed.status_code == 200
    assert [c["id"] for c in listed.json()] == [contact_id]
    assert removed.status_code == 204
    assert api.get(f"/people/{person.pk}/contacts").json() == []
    assert PersonalContact.objects.get(pk=contact_id).removed_at is not None


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "A", "relationship": "B", "contact_types": ["representative"]},
     "representative_basis"),
    ({"name": "A", "relationship": "B", "nhs_number": "999 000 0019"}, "nhs_number"),
    ({"name": "", "relationship": "B"}, "name"),
    ({"relationship": "B"}, "name"),
])
def test_bad_contacts_are_refused_naming_the_field(api, person, body, field):
    before = _writes()

    response = api.post(f"/people/{person.pk}/contacts", body)

    assert response.status_code == 422
    assert field in _fields(response)
    assert _writes() == before


def test_a_contact_of_someone_else_answers_404(api, person, stranger):
    contact = PersonalContactFactory(person=stranger)

    response = api.patch(f"/people/{person.pk}/contacts/{contact.pk}",
                         {"version": 1, "name": "X"})

    assert response.status_code == 404


def test_care_team_named_coordinator_moves(api, person):
    first = CareTeamMemberFactory(person=person, is_named_coordinator=True)
    staff = UserFactory()

    response = api.post(f"/people/{person.pk}/care-team",
                        {"user": str(staff.pk), "role": "Social worker",
                         "is_named_coordinator": True})

    assert response.status_code == 201
    first.refresh_from_db()
    assert not first.is_named_coordinator
    coordinators = [m for m in api.get(f"/people/{person.pk}/care-team").json()
                    if m["is_named_coordinator"]]
    assert [c["user"] for c in coordinators] == [str(staff.pk)]


def test_care_team_bad_input_names_the_field(api, person):
    response = api.post(f"/people/{person.pk}/care-team",
                        {"role": "GP", "start_date": "2026-01-10", "end_date": "2025-01-01",
                         "name": "Dr X"})
    nameless = api.post(f"/people/{person.pk}/care-team", {"role": "GP"})

    assert response.status_code == 422
    assert "end_date" in _fields(response)
    assert nameless.status_code == 422
    assert "name" in _fields(nameless)


def test_care_team_update_with_a_stale_version(api, person):
    member = CareTeamMemberFactory(person=person, version=3)

    response = api.patch(f"/people/{person.pk}/care-team/{member.pk}",
                         {"version": 2, "role": "Changed"})

    assert response.status_code == 409


# --- the audit -----------------------------------------------------------------------------

def test_an_administrator_reads_the_audit_over_the_api(api_as, team, person, planner):
    api_as(planner).get(f"/people/{person.pk}")
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation)

    response = api_as(admin).get(f"/people/{person.pk}/audit")

    assert response.status_code == 200
    assert "person.viewed" in [e["action"] for e in response.json()["items"]]


def test_others_get_404_for_the_audit(api, person):
    assert api.get(f"/people/{person.pk}/audit").status_code == 404


# --- every role, in and out of scope -------------------------------------------------------

@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_role_matrix_over_the_api(api_as, team, person, role):
    in_scope = api_as(UserFactory(role=role, organisation=team.organisation, teams=[team]))
    elsewhere = api_as(UserFactory(role=role, teams=[TeamFactory()]))
    change = {"version": 1, "preferred_name": "Changed"}

    assert in_scope.get(f"/people/{person.pk}").status_code == 200
    assert elsewhere.get(f"/people/{person.pk}").status_code == 404
    assert elsewhere.patch(f"/people/{person.pk}", change).status_code == 404
    expected = 200 if role in PLANNING_ROLES else 403
    assert in_scope.patch(f"/people/{person.pk}", change).status_code == expected
