"""Bad input on every people form: a clear message beside the field, and nothing written."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from ourplan.core.models import AuditEvent
from ourplan.people.models import CareTeamMember, Person, PersonalContact
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    PersonalContactFactory,
    PersonFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

ERROR = re.compile(
    r'<span class="nhsuk-error-message" id="([^"]+)-error"\s*>\s*'
    r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)</span>',
    re.S,
)


def field_errors(response) -> dict[str, str]:
    """{field id: message} for every error shown beside a field."""
    return {fid: html.unescape(" ".join(msg.split()))
            for fid, msg in ERROR.findall(response.content.decode())}


def _counts():
    return (Person.objects.count(), PersonalContact.objects.count(),
            CareTeamMember.objects.count(), AuditEvent.objects.exclude(
                action__in=["person.viewed", "person.listed"]).count())


def valid_person(for_team, **overrides):
    data = {
        "nhs_number": "943 476 5919", "given_name": "Ada", "family_name": "Lovelace",
        "date_of_birth_day": "10", "date_of_birth_month": "12", "date_of_birth_year": "1955",
        "sex": "female", "first_language": "English", "team": str(for_team.pk),
    }
    data.update(overrides)
    return data


def assert_refused(response, before, field_id, message_start):
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    errors = field_errors(response)
    assert field_id in errors, errors
    assert errors[field_id].startswith(message_start), errors[field_id]
    assert _counts() == before


# --- add a person -------------------------------------------------------------------------

PERSON_CASES = [
    ({"given_name": ""}, "id_given_name", "Enter their first name"),
    ({"family_name": ""}, "id_family_name", "Enter their last name"),
    ({"nhs_number": ""}, "id_nhs_number", "Enter an NHS number"),
    ({"nhs_number": "999 000 001"}, "id_nhs_number", "NHS number is too short"),
    ({"nhs_number": "999 000 00188"}, "id_nhs_number", "NHS number is too long"),
    ({"nhs_number": "999 000 0019"}, "id_nhs_number", "This is not a valid NHS number"),
    ({"nhs_number": "999OOO0018"}, "id_nhs_number", "NHS number must only include numbers"),
    ({"date_of_birth_month": ""}, "id_date_of_birth", "Date of birth must include a month"),
    ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "id_date_of_birth",
     "Date of birth must be a real date"),
    ({"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
     "id_date_of_birth", "Enter date of birth"),
    ({"date_of_birth_year": str(dt.date.today().year + 1)}, "id_date_of_birth",
     "Date of birth must be today or in the past"),
    ({"sex": ""}, "id_sex", "Select their sex"),
    ({"postcode": "NOT A POSTCODE"}, "id_postcode", "Enter a real postcode"),
    ({"email": "ada@"}, "id_email", "Enter a valid email address"),
    ({"phone": "call me"}, "id_phone", "Enter a phone number"),
    ({"team": ""}, "id_team", "Select the team whose caseload they join"),
    ({"information_formats": ["carrier_pigeon"]}, "id_information_formats", "Select a valid"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), PERSON_CASES)
def test_add_person_refuses_bad_input(client, planner, team, overrides, field_id, message):
    client.force_login(planner)
    before = _counts()

    response = client.post("/people/add/", valid_person(team, **overrides))

    assert_refused(response, before, field_id, message)


def test_add_person_refuses_a_team_that_is_not_yours(client, planner, team):
    client.force_login(planner)
    before = _counts()

    response = client.post("/people/add/", valid_person(team, team=str(TeamFactory().pk)))

    assert_refused(response, before, "id_team", "Select the team whose caseload they join")


def test_add_person_refuses_a_duplicate_nhs_number(client, planner, team, stranger):
    client.force_login(planner)
    before = _counts()

    response = client.post("/people/add/", valid_person(team, nhs_number=stranger.nhs_number))

    assert_refused(response, before, "id_nhs_number", "There is already a record")


def test_add_person_with_good_input_allocates_them_to_the_team(client, planner, team):
    client.force_login(planner)

    response = client.post("/people/add/", valid_person(team, nhs_number="943-476-5919"))

    person = Person.objects.get(nhs_number="9434765919")
    assert response.status_code == 302
    assert response.url == f"/people/{person.pk}/"
    assert person.allocations.get().team == team
    actions = set(AuditEvent.objects.filter(person=person).values_list("action", flat=True))
    assert {"person.created", "person.allocated_to_team"} <= actions


# --- change a person ----------------------------------------------------------------------

def _edit_data(person, team, **overrides):
    data = valid_person(team, nhs_number=person.nhs_number, version=str(person.version))
    data.pop("team")
    data.update(overrides)
    return data


@pytest.mark.parametrize(("overrides", "field_id", "message"), [
    c for c in PERSON_CASES if c[1] != "id_team"
])
def test_edit_person_refuses_bad_input(client, planner, team, person, overrides, field_id,
                                       message):
    client.force_login(planner)
    before = _counts()
    original = Person.objects.get(pk=person.pk)

    response = client.post(f"/people/{person.pk}/edit/", _edit_data(person, team, **overrides))

    assert_refused(response, before, field_id, message)
    assert Person.objects.get(pk=person.pk).given_name == original.given_name


def test_edit_person_refuses_a_stale_version(client, planner, team, person):
    client.force_login(planner)
    stale = _edit_data(person, team, given_name="Changed", version=str(person.version))
    Person.objects.filter(pk=person.pk).update(version=person.version + 1)
    before = _counts()

    response = client.post(f"/people/{person.pk}/edit/", stale)

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert Person.objects.get(pk=person.pk).given_name != "Changed"
    assert _counts() == before


def test_edit_person_stores_ten_digits_and_moves_the_version_on(client, planner, team, person):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/edit/",
                           _edit_data(person, team, nhs_number="943 476 5919"))

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.nhs_number == "9434765919"
    assert person.version == 2
    updated = AuditEvent.objects.get(action="person.updated", person=person)
    assert updated.changes["nhs_number"][1] == "9434765919"


# --- the circle ---------------------------------------------------------------------------

CONTACT_CASES = [
    ({"name": ""}, "id_name", "Enter their full name"),
    ({"relationship": ""}, "id_relationship", "Enter their relationship to the person"),
    ({"contact_types": ["representative"]}, "id_representative_basis",
     "Select the legal basis"),
    ({"representative_basis": "court_deputy"}, "id_representative_basis",
     "Only a representative has a legal basis"),
    ({"nhs_number": "999 000 0019"}, "id_nhs_number", "This is not a valid NHS number"),
    ({"nhs_number": "12345"}, "id_nhs_number", "NHS number is too short"),
    ({"email": "nope"}, "id_email", "Enter a valid email address"),
    ({"contact_types": ["pet"]}, "id_contact_types", "Select a valid"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), CONTACT_CASES)
def test_add_contact_refuses_bad_input(client, planner, person, overrides, field_id, message):
    client.force_login(planner)
    before = _counts()
    data = {"name": "Bernard", "relationship": "Husband", **overrides}

    response = client.post(f"/people/{person.pk}/circle/add/", data)

    assert_refused(response, before, field_id, message)


def test_add_contact_with_a_representative_and_basis(client, planner, person):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/add/", {
        "name": "Linda", "relationship": "Mum", "contact_types": ["representative", "carer"],
        "representative_basis": "court_deputy", "nhs_number": "999-000-0026",
    })

    contact = person.personal_contacts.get()
    assert response.status_code == 302
    assert contact.contact_types == ["carer", "representative"] or set(
        contact.contact_types) == {"carer", "representative"}
    assert contact.nhs_number == "9990000026"


@pytest.mark.parametrize(("overrides", "field_id", "message"), CONTACT_CASES[:4])
def test_edit_contact_refuses_bad_input(client, planner, person, overrides, field_id, message):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)
    before = _counts()
    data = {"name": contact.name, "relationship": contact.relationship,
            "version": str(contact.version), **overrides}

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/", data)

    assert_refused(response, before, field_id, message)


def test_edit_and_remove_contact_refuse_a_stale_version(client, planner, person):
    contact = PersonalContactFactory(person=person, version=3)
    client.force_login(planner)
    before = _counts()

    edit = client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/",
                       {"name": "New name", "relationship": "Son", "version": "2"})
    remove = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/", {"version": "2"})

    for response in (edit, remove):
        assert response.status_code == 400
        assert "Someone else changed this record" in response.content.decode()
    contact.refresh_from_db()
    assert contact.name != "New name"
    assert contact.removed_at is None
    assert _counts() == before


def test_remove_contact_keeps_the_record(client, planner, person):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/",
                           {"version": str(contact.version)})

    contact.refresh_from_db()
    assert response.status_code == 302
    assert contact.removed_at is not None
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"{contact.name} has been removed from the circle" in page
    assert f"Change<span class=\"nhsuk-u-visually-hidden\"> {contact.name}" not in page


def test_remove_contact_with_a_tampered_version_is_refused(client, planner, person):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/",
                           {"version": "not a number"})

    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.removed_at is None


# --- the care team ------------------------------------------------------------------------

def _member_data(**overrides):
    today = dt.date.today()
    data = {"name": "Dr Yusuf", "role": "GP", "start_date_day": str(today.day),
            "start_date_month": str(today.month), "start_date_year": str(today.year)}
    data.update(overrides)
    return data


CARE_TEAM_CASES = [
    ({"role": ""}, "id_role", "Enter their role"),
    ({"name": ""}, "id_name", "Enter the professional's name or choose a member of staff"),
    ({"start_date_day": "32"}, "id_start_date", "Start date must be a real date"),
    ({"start_date_year": ""}, "id_start_date", "Start date must include a year"),
    ({"end_date_day": "1", "end_date_month": "1", "end_date_year": "2000"}, "id_end_date",
     "End date must be the same as or after the start date"),
    ({"email": "x@"}, "id_email", "Enter a valid email address"),
    ({"user": "00000000-0000-0000-0000-000000000000"}, "id_user", "Select a valid choice"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), CARE_TEAM_CASES)
def test_add_care_team_member_refuses_bad_input(client, planner, person, overrides, field_id,
                                                message):
    client.force_login(planner)
    before = _counts()

    response = client.post(f"/people/{person.pk}/care-team/add/", _member_data(**overrides))

    assert_refused(response, before, field_id, message)


def test_only_one_named_coordinator_at_a_time(client, planner, person):
    client.force_login(planner)

    client.post(f"/people/{person.pk}/care-team/add/",
                _member_data(name="First", is_named_coordinator="on"))
    client.post(f"/people/{person.pk}/care-team/add/",
                _member_data(name="Second", is_named_coordinator="on"))

    coordinators = person.care_team.filter(is_named_coordinator=True)
    assert [m.name for m in coordinators] == ["Second"]
    assert person.care_team.count() == 2


def test_edit_care_team_member_refuses_a_stale_version(client, planner, person):
    member = CareTeamMemberFactory(person=person, version=2)
    client.force_login(planner)
    before = _counts()

    response = client.post(f"/people/{person.pk}/care-team/{member.pk}/edit/",
                           _member_data(role="Changed", version="1"))

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    member.refresh_from_db()
    assert member.role != "Changed"
    assert _counts() == before


def test_other_peoples_records_are_not_touched_by_a_failed_add(client, planner, person):
    other = PersonFactory()
    client.force_login(planner)

    client.post(f"/people/{person.pk}/circle/add/", {"name": "", "relationship": ""})

    assert other.personal_contacts.count() == 0


def test_a_stale_edit_of_a_person_shows_what_was_saved_meanwhile(client, planner, team, person):
    client.force_login(planner)
    client.post(f"/people/{person.pk}/edit/", _edit_data(person, team, town="Leeds"))

    stale = client.post(f"/people/{person.pk}/edit/", _edit_data(person, team, town="York"))

    body = stale.content.decode()
    assert stale.status_code == 400
    assert "Saved by someone else" in body
    assert "Leeds" in body
    assert "York" in body
