"""The people pages through the browser's eyes: who may open what, bad input on every form,
the happy paths, and the number of queries each list page runs.

Real database, real views, `client.force_login`; no mocks.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.accounts.rules import PLANNING_ROLES
from ourplan.core.models import AuditEvent
from ourplan.core.nhs_numbers import format_nhs_number
from ourplan.people import services
from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PersonalContactFactory,
    PersonFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_ROLES = list(STAFF_ROLES)
PLANNING = sorted(PLANNING_ROLES)
NOT_PLANNING = [Role.COMMISSIONER, Role.PANEL_MEMBER, Role.ADMINISTRATOR]
EDIT_PAGES = ["edit/", "circle/add/", "care-team/add/"]
UNKNOWN = "00000000-0000-0000-0000-000000000000"
STALE = "Someone else changed this record while you were editing it"
# Audit actions that record a read; everything else is a write.
READS = ["person.viewed", "person.listed", "person.access_refused", "audit.viewed"]

FIELD_ERROR = re.compile(
    r'<span class="nhsuk-error-message" id="([^"]+)-error"\s*>\s*'
    r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)</span>',
    re.S,
)
SUMMARY_ITEM = re.compile(r'<a href="(#[^"]*)"\s*>(.*?)</a>', re.S)
SUMMARY = re.compile(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', re.S)
NEXT = re.compile(r'class="nhsuk-pagination__link nhsuk-pagination__link--next" href="([^"]+)"')
PREV = re.compile(r'class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="([^"]+)"')


# --- helpers ------------------------------------------------------------------------------

def _text(value: str) -> str:
    return html.unescape(" ".join(value.split()))


def field_errors(response) -> dict[str, str]:
    """{field id: message} for each message shown beside a field."""
    return {fid: _text(msg) for fid, msg in FIELD_ERROR.findall(response.content.decode())}


def summary_errors(response) -> dict[str, str]:
    """{link target: message} for each item in the error summary at the top of the page."""
    found = SUMMARY.search(response.content.decode())
    if not found:
        return {}
    return {href: _text(msg) for href, msg in SUMMARY_ITEM.findall(found.group(1))}


def writes() -> tuple[int, int, int, int, int]:
    """Row counts that any write through these pages would change."""
    return (
        Person.objects.count(),
        PersonalContact.objects.count(),
        CareTeamMember.objects.count(),
        TeamAllocation.objects.count(),
        AuditEvent.objects.exclude(action__in=READS).count(),
    )


def assert_refused(response, before, field_id: str, message: str) -> None:
    """400, the error summary linking to the field, the message beside it, nothing written."""
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "<title>Error: " in body
    errors = field_errors(response)
    assert field_id in errors, errors
    assert errors[field_id].startswith(message), errors[field_id]
    summary = summary_errors(response)
    assert any(text.startswith(message) and href.startswith(f"#{field_id}")
               for href, text in summary.items()), summary
    assert writes() == before


def assert_stale(response, before) -> None:
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    summary = summary_errors(response)
    assert any(text.startswith(STALE) for text in summary.values()), summary
    assert writes() == before


def user_on(team, role):
    return UserFactory(role=role, organisation=team.organisation, teams=[team])


def user_elsewhere(role):
    team = TeamFactory()
    return UserFactory(role=role, organisation=team.organisation, teams=[team])


def date_parts(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month),
            f"{prefix}_year": str(day.year)}


def person_data(team=None, **overrides) -> dict:
    data = {
        "nhs_number": "943 476 5919", "given_name": "Ada", "family_name": "Lovelace",
        "date_of_birth_day": "10", "date_of_birth_month": "12", "date_of_birth_year": "1955",
        "sex": "female", "first_language": "English",
    }
    if team is not None:
        data["team"] = str(team.pk)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def person_edit_data(person, **overrides) -> dict:
    data = {
        "version": str(person.version), "nhs_number": person.nhs_number,
        "given_name": person.given_name, "family_name": person.family_name,
        **date_parts("date_of_birth", person.date_of_birth),
        "sex": person.sex, "first_language": person.first_language,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def contact_data(**overrides) -> dict:
    data = {"name": "Bernard Lovelace", "relationship": "Husband"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def contact_edit_data(contact, **overrides) -> dict:
    data = {"version": str(contact.version), "name": contact.name,
            "relationship": contact.relationship, "contact_types": list(contact.contact_types)}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def member_data(**overrides) -> dict:
    data = {"name": "Dr Amir Yusuf", "role": "GP",
            **date_parts("start_date", timezone.localdate() - dt.timedelta(days=7))}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def member_edit_data(member, **overrides) -> dict:
    data = {"version": str(member.version), "name": member.name, "role": member.role,
            **date_parts("start_date", member.start_date)}
    if member.user_id:
        data["user"] = str(member.user_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- who may open what --------------------------------------------------------------------

@pytest.mark.parametrize("role", ALL_ROLES)
def test_given_any_role_on_the_persons_team_when_they_open_the_person_then_they_see_them(
    client, team, person, role
):
    client.force_login(user_on(team, role))

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed", person=person).count() == 1
    assert not AuditEvent.objects.filter(action="person.access_refused").exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_given_any_role_on_another_team_when_they_open_the_person_then_404_and_audited(
    client, person, role
):
    outsider = user_elsewhere(role)
    client.force_login(outsider)

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert person.full_name not in body
    refused = AuditEvent.objects.get(action="person.access_refused")
    assert refused.person == person
    assert refused.actor == outsider
    assert refused.object_id == str(person.pk)
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", PLANNING)
def test_given_a_planning_role_on_the_team_when_they_open_an_edit_page_then_200(
    client, team, person, role, page
):
    client.force_login(user_on(team, role))

    response = client.get(f"/people/{person.pk}/{page}")

    assert response.status_code == 200
    assert 'id="main-form"' in response.content.decode()


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", NOT_PLANNING)
def test_given_a_non_planning_role_on_the_team_when_they_open_an_edit_page_then_403(
    client, team, person, role, page
):
    client.force_login(user_on(team, role))

    response = client.get(f"/people/{person.pk}/{page}")

    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_given_any_role_on_another_team_when_they_open_an_edit_page_then_404_never_403(
    client, person, role, page
):
    client.force_login(user_elsewhere(role))

    response = client.get(f"/people/{person.pk}/{page}")

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="person.access_refused", person=person).count() == 1


@pytest.mark.parametrize("role", NOT_PLANNING)
def test_given_a_non_planning_role_on_the_team_when_they_post_changes_then_403_and_no_write(
    client, team, person, role
):
    contact = PersonalContactFactory(person=person)
    member = CareTeamMemberFactory(person=person)
    client.force_login(user_on(team, role))
    before = writes()

    responses = [
        client.post(f"/people/{person.pk}/edit/", person_edit_data(person, given_name="X")),
        client.post(f"/people/{person.pk}/circle/add/", contact_data()),
        client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/",
                    contact_edit_data(contact, name="X")),
        client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/",
                    {"version": str(contact.version)}),
        client.post(f"/people/{person.pk}/care-team/add/", member_data()),
        client.post(f"/people/{person.pk}/care-team/{member.pk}/edit/",
                    member_edit_data(member, role="X")),
        client.post("/people/add/", person_data(team)),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert writes() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_given_any_role_when_they_open_add_a_person_then_only_planners_may(client, team, role):
    client.force_login(user_on(team, role))

    response = client.get("/people/add/")

    assert response.status_code == (200 if role in PLANNING_ROLES else 403)


@pytest.mark.parametrize("path", [
    "/people/", "/people/add/", "/people/audit/", "/people/{p}/", "/people/{p}/edit/",
    "/people/{p}/circle/add/", "/people/{p}/care-team/add/", "/people/{p}/audit/",
])
def test_given_an_anonymous_visitor_when_they_open_a_people_page_then_they_are_sent_to_sign_in(
    client, person, path
):
    path = path.format(p=person.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/sign-in/?next={path}"
    assert not AuditEvent.objects.exists()


def test_given_an_anonymous_visitor_when_they_post_then_nothing_is_written(client, team, person):
    before = writes()

    response = client.post("/people/add/", person_data(team))

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")
    assert writes() == before


@pytest.mark.parametrize("page", ["", "edit/", "circle/add/", "care-team/add/", "audit/"])
def test_given_an_unknown_uuid_when_a_planner_opens_it_then_404(client, planner, page):
    client.force_login(planner)

    response = client.get(f"/people/{UNKNOWN}/{page}")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_given_an_unknown_uuid_when_it_is_opened_then_the_attempt_is_audited(client, planner):
    client.force_login(planner)

    client.get(f"/people/{UNKNOWN}/")

    refused = AuditEvent.objects.get(action="person.access_refused")
    assert refused.person is None
    assert refused.object_id == UNKNOWN
    assert refused.actor == planner


@pytest.mark.parametrize("path", [
    "/people/{p}/circle/{u}/edit/", "/people/{p}/circle/{u}/remove/",
    "/people/{p}/care-team/{u}/edit/",
])
def test_given_an_unknown_contact_or_member_when_it_is_opened_then_404(
    client, planner, person, path
):
    client.force_login(planner)

    assert client.get(path.format(p=person.pk, u=uuid.uuid4())).status_code == 404


def test_given_a_contact_of_someone_else_when_reached_through_a_visible_person_then_404(
    client, planner, person, stranger
):
    contact = PersonalContactFactory(person=stranger)
    member = CareTeamMemberFactory(person=stranger)
    client.force_login(planner)

    assert client.get(f"/people/{person.pk}/circle/{contact.pk}/edit/").status_code == 404
    assert client.get(f"/people/{person.pk}/circle/{contact.pk}/remove/").status_code == 404
    assert client.get(f"/people/{person.pk}/care-team/{member.pk}/edit/").status_code == 404


def test_given_a_removed_contact_when_its_edit_page_is_opened_then_404(client, planner, person):
    contact = PersonalContactFactory(person=person)
    services.personal_contact_remove(actor=planner, contact=contact, version=contact.version)
    client.force_login(planner)

    assert client.get(f"/people/{person.pk}/circle/{contact.pk}/edit/").status_code == 404


def test_given_an_administrator_of_the_teams_organisation_when_they_open_the_audit_then_200(
    client, team, person
):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation)
    client.force_login(admin)

    response = client.get(f"/people/{person.pk}/audit/")

    assert response.status_code == 200
    assert f"Who has looked at {person.full_name}" in html.unescape(response.content.decode())
    assert AuditEvent.objects.filter(action="audit.viewed", person=person, actor=admin).exists()


def test_given_a_practitioner_on_the_team_when_they_open_the_audit_then_404(
    client, planner, person
):
    client.force_login(planner)

    assert client.get(f"/people/{person.pk}/audit/").status_code == 404
    assert AuditEvent.objects.filter(action="person.access_refused", person=person).exists()


def test_given_an_administrator_of_another_organisation_when_they_open_the_audit_then_404(
    client, person
):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organisation=OrganisationFactory()))

    assert client.get(f"/people/{person.pk}/audit/").status_code == 404


def test_given_an_administrator_with_no_organisation_when_they_open_the_audit_then_404(
    client, person
):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organisation=None))

    assert client.get(f"/people/{person.pk}/audit/").status_code == 404


# --- bad input: add a person --------------------------------------------------------------

ADD_PERSON_CASES = [
    pytest.param({"given_name": ""}, "id_given_name", "Enter their first name", id="no-first"),
    pytest.param({"family_name": ""}, "id_family_name", "Enter their last name", id="no-last"),
    pytest.param({"nhs_number": "999 000 001"}, "id_nhs_number", "NHS number is too short",
                 id="nhs-short"),
    pytest.param({"nhs_number": "999 000 00188"}, "id_nhs_number", "NHS number is too long",
                 id="nhs-long"),
    pytest.param({"nhs_number": "9990000019"}, "id_nhs_number",
                 "This is not a valid NHS number", id="nhs-check"),
    pytest.param({"nhs_number": "999ABC0018"}, "id_nhs_number",
                 "NHS number must only include numbers, spaces and dashes", id="nhs-letters"),
    pytest.param({"nhs_number": ""}, "id_nhs_number", "Enter an NHS number", id="nhs-empty"),
    pytest.param({"date_of_birth_month": ""}, "id_date_of_birth",
                 "Date of birth must include a month", id="dob-no-month"),
    pytest.param({"date_of_birth_day": "31", "date_of_birth_month": "2",
                  "date_of_birth_year": "1990"}, "id_date_of_birth",
                 "Date of birth must be a real date", id="dob-31-feb"),
    pytest.param({"date_of_birth_year": "90"}, "id_date_of_birth",
                 "Date of birth must be a real date", id="dob-two-digit-year"),
    pytest.param({"date_of_birth_day": "", "date_of_birth_month": "",
                  "date_of_birth_year": ""}, "id_date_of_birth", "Enter date of birth",
                 id="dob-empty"),
    pytest.param({**date_parts("date_of_birth", timezone.localdate() + dt.timedelta(days=1))},
                 "id_date_of_birth", "Date of birth must be today or in the past",
                 id="dob-future"),
    pytest.param({"date_of_birth_year": "1899"}, "id_date_of_birth",
                 "Date of birth must be after 1 January 1900", id="dob-too-early"),
    pytest.param({"sex": ""}, "id_sex", "Select their sex", id="no-sex"),
    pytest.param({"postcode": "LS1 4A"}, "id_postcode", "Enter a real postcode",
                 id="postcode"),
    pytest.param({"email": "ada@"}, "id_email", "Enter a valid email address", id="email"),
    pytest.param({"phone": "ring me"}, "id_phone", "Enter a phone number", id="phone"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), ADD_PERSON_CASES)
def test_given_bad_input_when_a_person_is_added_then_it_is_refused_beside_the_field(
    client, planner, team, overrides, field_id, message
):
    client.force_login(planner)
    before = writes()

    response = client.post("/people/add/", person_data(team, **overrides))

    assert_refused(response, before, field_id, message)


def test_given_no_team_when_a_person_is_added_then_it_is_refused(client, planner, team):
    client.force_login(planner)
    before = writes()

    response = client.post("/people/add/", person_data(None))

    assert_refused(response, before, "id_team", "Select the team whose caseload they join")


def test_given_a_team_that_is_not_theirs_when_a_person_is_added_then_it_is_refused(
    client, planner, team
):
    other_team = TeamFactory(organisation=team.organisation)
    client.force_login(planner)
    before = writes()

    response = client.post("/people/add/", person_data(other_team))

    assert_refused(response, before, "id_team", "Select the team whose caseload they join")
    assert not other_team.allocations.exists()


def test_given_an_nhs_number_already_held_when_a_person_is_added_then_it_is_refused(
    client, planner, team, stranger
):
    # A name that cannot turn up in the page by chance (a random surname can: "Case").
    stranger.family_name = "Zabłocka-Quenneville"
    stranger.save()
    client.force_login(planner)
    before = writes()

    response = client.post(
        "/people/add/", person_data(team, nhs_number=format_nhs_number(stranger.nhs_number))
    )

    assert_refused(response, before, "id_nhs_number", "There is already a record")
    # Saying the number is taken must not reveal whose it is.
    assert stranger.family_name not in response.content.decode()


def test_given_bad_input_when_refused_then_what_was_typed_is_kept(client, planner, team):
    client.force_login(planner)

    response = client.post("/people/add/", person_data(team, given_name="Ada", email="ada@",
                                                       date_of_birth_month=""))

    body = response.content.decode()
    assert 'value="Ada"' in body
    assert 'value="ada@"' in body
    assert 'id="id_date_of_birth_day" name="date_of_birth_day" type="text" value="10"' in body
    assert 'id="id_date_of_birth_month" name="date_of_birth_month" type="text" value=""' in body


# --- bad input: change a person -----------------------------------------------------------

EDIT_PERSON_CASES = [c for c in ADD_PERSON_CASES if c.id not in {"nhs-empty", "dob-too-early"}]


@pytest.mark.parametrize(("overrides", "field_id", "message"), EDIT_PERSON_CASES)
def test_given_bad_input_when_a_person_is_changed_then_it_is_refused_and_unchanged(
    client, planner, person, overrides, field_id, message
):
    client.force_login(planner)
    saved = Person.objects.values().get(pk=person.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/edit/", person_edit_data(person, **overrides))

    assert_refused(response, before, field_id, message)
    assert Person.objects.values().get(pk=person.pk) == saved


def test_given_another_persons_nhs_number_when_a_person_is_changed_then_it_is_refused(
    client, planner, person, stranger
):
    client.force_login(planner)
    before = writes()

    response = client.post(f"/people/{person.pk}/edit/",
                           person_edit_data(person, nhs_number=stranger.nhs_number))

    assert_refused(response, before, "id_nhs_number", "There is already a record")


def test_given_someone_else_saved_first_when_a_person_is_changed_then_stale_and_unchanged(
    client, planner, team, person
):
    colleague = user_on(team, Role.CARE_COORDINATOR)
    client.force_login(planner)
    opened = client.get(f"/people/{person.pk}/edit/")
    assert f'name="version" value="{person.version}"' in opened.content.decode()
    services.person_update(actor=colleague, person=person, version=person.version,
                           data={"town": "Leeds"})
    saved = Person.objects.values().get(pk=person.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/edit/",
                           person_edit_data(person, version="1", given_name="Changed",
                                            town="York"))

    assert_stale(response, before)
    assert Person.objects.values().get(pk=person.pk) == saved
    assert saved["version"] == 2
    body = response.content.decode()
    assert "Saved by someone else" in body
    assert "Leeds" in body
    assert "York" in body


@pytest.mark.parametrize("version", ["", "0", "not a number"])
def test_given_a_missing_or_tampered_version_when_a_person_is_changed_then_refused(
    client, planner, person, version
):
    client.force_login(planner)
    saved = Person.objects.values().get(pk=person.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/edit/",
                           person_edit_data(person, version=version, given_name="Changed"))

    assert response.status_code == 400
    assert writes() == before
    assert Person.objects.values().get(pk=person.pk) == saved


# --- bad input: the circle ----------------------------------------------------------------

ADD_CONTACT_CASES = [
    pytest.param({"name": ""}, "id_name", "Enter their full name", id="no-name"),
    pytest.param({"relationship": ""}, "id_relationship",
                 "Enter their relationship to the person", id="no-relationship"),
    pytest.param({"contact_types": ["representative"]}, "id_representative_basis",
                 "Select the legal basis on which the representative acts",
                 id="representative-without-basis"),
    pytest.param({"contact_types": ["carer"], "representative_basis": "court_deputy"},
                 "id_representative_basis", "Only a representative has a legal basis",
                 id="basis-without-representative"),
    pytest.param({"nhs_number": "9990000019"}, "id_nhs_number",
                 "This is not a valid NHS number", id="nhs-check"),
    pytest.param({"nhs_number": "99900"}, "id_nhs_number", "NHS number is too short",
                 id="nhs-short"),
    pytest.param({"nhs_number": "nine"}, "id_nhs_number", "NHS number must only include",
                 id="nhs-letters"),
    pytest.param({"email": "b@"}, "id_email", "Enter a valid email address", id="email"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), ADD_CONTACT_CASES)
def test_given_bad_input_when_a_contact_is_added_then_it_is_refused_beside_the_field(
    client, planner, person, overrides, field_id, message
):
    client.force_login(planner)
    before = writes()

    response = client.post(f"/people/{person.pk}/circle/add/", contact_data(**overrides))

    assert_refused(response, before, field_id, message)


@pytest.mark.parametrize(("overrides", "field_id", "message"), ADD_CONTACT_CASES[:4])
def test_given_bad_input_when_a_contact_is_changed_then_it_is_refused_and_unchanged(
    client, planner, person, overrides, field_id, message
):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)
    saved = PersonalContact.objects.values().get(pk=contact.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/",
                           contact_edit_data(contact, **overrides))

    assert_refused(response, before, field_id, message)
    assert PersonalContact.objects.values().get(pk=contact.pk) == saved


def test_given_someone_else_saved_first_when_a_contact_is_changed_then_stale_and_unchanged(
    client, planner, team, person
):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)
    services.personal_contact_update(actor=user_on(team, Role.BROKER), contact=contact,
                                     version=1, data={"name": "Renamed meanwhile",
                                                      "relationship": contact.relationship})
    saved = PersonalContact.objects.values().get(pk=contact.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/",
                           contact_edit_data(contact, version="1", name="My new name"))

    assert_stale(response, before)
    assert PersonalContact.objects.values().get(pk=contact.pk) == saved


def test_given_someone_else_saved_first_when_a_contact_is_removed_then_stale_and_kept(
    client, planner, team, person
):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)
    opened = client.get(f"/people/{person.pk}/circle/{contact.pk}/remove/")
    assert opened.status_code == 200
    services.personal_contact_update(actor=user_on(team, Role.BROKER), contact=contact,
                                     version=1, data={"name": contact.name,
                                                      "relationship": "Son-in-law"})
    before = writes()

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/", {"version": "1"})

    assert_stale(response, before)
    contact.refresh_from_db()
    assert contact.removed_at is None
    assert contact.version == 2


def test_given_a_tampered_version_when_a_contact_is_removed_then_refused(client, planner, person):
    contact = PersonalContactFactory(person=person)
    client.force_login(planner)
    before = writes()

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/",
                           {"version": "x"})

    assert response.status_code == 400
    assert writes() == before
    contact.refresh_from_db()
    assert contact.removed_at is None


# --- bad input: the care team -------------------------------------------------------------

ADD_MEMBER_CASES = [
    pytest.param({"role": ""}, "id_role", "Enter their role, for example GP", id="no-role"),
    pytest.param({"name": "", "user": ""}, "id_name",
                 "Enter the professional's name or choose a member of staff", id="no-one"),
    pytest.param({**date_parts("start_date", dt.date(2024, 5, 10)),
                  **date_parts("end_date", dt.date(2024, 5, 9))}, "id_end_date",
                 "End date must be the same as or after the start date", id="end-before-start"),
    pytest.param({"start_date_day": "30", "start_date_month": "2", "start_date_year": "2024"},
                 "id_start_date", "Start date must be a real date", id="start-not-real"),
    pytest.param({"start_date_day": "", "start_date_month": "", "start_date_year": ""},
                 "id_start_date", "Enter start date", id="start-empty"),
    pytest.param({"end_date_day": "1", "end_date_month": "", "end_date_year": "2030"},
                 "id_end_date", "End date must include a month", id="end-partial"),
    pytest.param({"user": str(uuid.UUID(int=1))}, "id_user", "Select a valid choice",
                 id="unknown-user"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), ADD_MEMBER_CASES)
def test_given_bad_input_when_a_care_team_member_is_added_then_it_is_refused(
    client, planner, person, overrides, field_id, message
):
    client.force_login(planner)
    before = writes()

    response = client.post(f"/people/{person.pk}/care-team/add/", member_data(**overrides))

    assert_refused(response, before, field_id, message)


def test_given_someone_else_saved_first_when_a_care_team_member_is_changed_then_stale(
    client, planner, team, person
):
    member = CareTeamMemberFactory(person=person, user=None, name="Nurse Ratched")
    client.force_login(planner)
    services.care_team_member_update(
        actor=user_on(team, Role.TEAM_MANAGER), member=member, version=1,
        data={"name": member.name, "role": "Community matron", "start_date": member.start_date},
    )
    saved = CareTeamMember.objects.values().get(pk=member.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/care-team/{member.pk}/edit/",
                           member_edit_data(member, version="1", role="District nurse"))

    assert_stale(response, before)
    assert CareTeamMember.objects.values().get(pk=member.pk) == saved


@pytest.mark.parametrize(("overrides", "field_id", "message"), ADD_MEMBER_CASES[:4])
def test_given_bad_input_when_a_care_team_member_is_changed_then_it_is_refused_and_unchanged(
    client, planner, person, overrides, field_id, message
):
    member = CareTeamMemberFactory(person=person, user=None, name="Nurse Ratched")
    client.force_login(planner)
    saved = CareTeamMember.objects.values().get(pk=member.pk)
    before = writes()

    response = client.post(f"/people/{person.pk}/care-team/{member.pk}/edit/",
                           member_edit_data(member, **overrides))

    assert_refused(response, before, field_id, message)
    assert CareTeamMember.objects.values().get(pk=member.pk) == saved


# --- happy paths --------------------------------------------------------------------------

def test_given_good_input_when_a_person_is_added_then_they_are_on_the_chosen_team(
    client, planner, team
):
    second_team = TeamFactory(organisation=team.organisation)
    planner.teams.add(second_team)
    client.force_login(planner)

    response = client.post("/people/add/", person_data(second_team, nhs_number="943-476-5919",
                                                       postcode="ls1 4ap"))

    person = Person.objects.get(nhs_number="9434765919")
    assert response.status_code == 302
    assert response.url == f"/people/{person.pk}/"
    assert person.postcode == "LS1 4AP"
    assert person.date_of_birth == dt.date(1955, 12, 10)
    assert [a.team for a in person.allocations.all()] == [second_team]
    actions = list(AuditEvent.objects.filter(person=person).exclude(action__in=READS)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["person.created", "person.allocated_to_team"]
    assert AuditEvent.objects.get(action="person.created").actor == planner
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Ada Lovelace has been added" in page.content.decode()


def test_given_good_input_when_a_person_is_changed_then_nhs_number_is_ten_digits_and_version_up(
    client, planner, person
):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/edit/",
                           person_edit_data(person, nhs_number="943 476 5919",
                                            preferred_name="Addie"))

    assert response.status_code == 302
    assert response.url == f"/people/{person.pk}/"
    person.refresh_from_db()
    assert person.nhs_number == "9434765919"
    assert person.preferred_name == "Addie"
    assert person.version == 2
    updated = AuditEvent.objects.get(action="person.updated", person=person)
    assert updated.changes["nhs_number"][1] == "9434765919"
    assert updated.changes["preferred_name"] == ["", "Addie"]
    assert "Their details have been updated" in client.get(response.url).content.decode()


def test_given_an_unchanged_form_when_a_person_is_saved_then_version_stays(
    client, planner, person
):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/edit/", person_edit_data(person))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_given_good_input_when_a_contact_is_added_then_it_is_in_the_circle(
    client, planner, person
):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/add/", contact_data(
        contact_types=["representative", "carer"], representative_basis="court_deputy",
        nhs_number="999 000 0026", phone="07700 900 982",
    ))

    assert response.status_code == 302
    assert response.url == f"/people/{person.pk}/"
    contact = person.personal_contacts.get()
    assert set(contact.contact_types) == {"representative", "carer"}
    assert contact.representative_basis == "court_deputy"
    assert contact.nhs_number == "9990000026"
    assert AuditEvent.objects.filter(action="personal_contact.added", person=person).count() == 1
    page = client.get(response.url).content.decode()
    assert "Bernard Lovelace has been added to the circle" in page
    assert "999 000 0026" in page


def test_given_good_input_when_a_contact_is_changed_then_it_is_saved(client, planner, person):
    contact = PersonalContactFactory(person=person, relationship="Son")
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/edit/",
                           contact_edit_data(contact, relationship="Stepson"))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.relationship == "Stepson"
    assert contact.version == 2
    event = AuditEvent.objects.get(action="personal_contact.updated", person=person)
    assert event.changes == {"relationship": ["Son", "Stepson"]}


def test_given_a_contact_when_removed_then_the_record_stays_but_not_in_the_circle(
    client, planner, person
):
    contact = PersonalContactFactory(person=person, name="Cecil Gone")
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/circle/{contact.pk}/remove/",
                           {"version": str(contact.version)})

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.removed_at is not None
    assert contact.version == 2
    assert AuditEvent.objects.filter(action="personal_contact.removed", person=person).exists()
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Cecil Gone has been removed from the circle" in page
    assert f"/circle/{contact.pk}/edit/" not in page


def test_given_two_named_coordinators_added_in_turn_then_only_the_second_remains(
    client, planner, team, person
):
    colleague = user_on(team, Role.NAMED_COORDINATOR)
    client.force_login(planner)

    first = client.post(f"/people/{person.pk}/care-team/add/", member_data(
        name="", user=str(colleague.pk), role="Named coordinator", is_named_coordinator="on",
    ))
    second = client.post(f"/people/{person.pk}/care-team/add/", member_data(
        name="Dr Amir Yusuf", role="GP", is_named_coordinator="on",
    ))

    assert (first.status_code, second.status_code) == (302, 302)
    members = {m.display_name: m for m in person.care_team.all()}
    assert set(members) == {str(colleague), "Dr Amir Yusuf"}
    assert [m.display_name for m in person.care_team.filter(is_named_coordinator=True)] == [
        "Dr Amir Yusuf"
    ]
    assert members[str(colleague)].version == 2
    assert AuditEvent.objects.filter(action="care_team_member.added", person=person).count() == 2
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Dr Amir Yusuf has been added to the care team" in page


def test_given_a_member_when_their_end_date_is_set_then_they_move_to_the_past(
    client, planner, person
):
    member = CareTeamMemberFactory(person=person, user=None, name="Nurse Ratched",
                                   start_date=timezone.localdate() - dt.timedelta(days=30))
    client.force_login(planner)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(f"/people/{person.pk}/care-team/{member.pk}/edit/",
                           member_edit_data(member, **date_parts("end_date", yesterday)))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.end_date == yesterday
    assert AuditEvent.objects.filter(action="care_team_member.ended", person=person).exists()
    assert "Past and future care team members (1)" in client.get(
        f"/people/{person.pk}/").content.decode()


# --- the caseload -------------------------------------------------------------------------

def _on_caseload(team, count: int, **kwargs) -> list[Person]:
    return [TeamAllocationFactory(team=team, person=PersonFactory(**kwargs)).person
            for _ in range(count)]


def test_given_a_name_when_the_caseload_is_searched_then_only_matches_are_shown(
    client, planner, team
):
    ada = _on_caseload(team, 1, given_name="Ada", family_name="Lovelace")[0]
    grace = _on_caseload(team, 1, given_name="Grace", family_name="Hopper")[0]
    client.force_login(planner)

    body = client.get("/people/", {"q": "lovel"}).content.decode()

    assert ada.full_name in body
    assert grace.full_name not in body
    assert "1 person matching" in body
    listed = AuditEvent.objects.filter(action="person.listed")
    assert [e.person for e in listed] == [ada]
    assert listed.get().changes == {"query": "lovel"}


def test_given_an_nhs_number_with_spaces_when_the_caseload_is_searched_then_it_is_found(
    client, planner, team
):
    ada, grace = _on_caseload(team, 2)
    client.force_login(planner)

    body = client.get("/people/", {"q": format_nhs_number(ada.nhs_number)}).content.decode()

    assert ada.full_name in body
    assert grace.full_name not in body


def test_given_a_search_that_matches_nobody_then_it_says_so(client, planner, team, stranger):
    client.force_login(planner)

    body = client.get("/people/", {"q": stranger.nhs_number}).content.decode()

    assert stranger.full_name not in body
    assert "No one on your caseload matches" in body


def test_given_more_people_than_a_page_then_there_are_next_and_previous_links(
    client, planner, team, settings
):
    settings.PAGE_SIZE = 2
    _on_caseload(team, 5, family_name="Smith")
    client.force_login(planner)

    first = client.get("/people/").content.decode()
    middle = client.get("/people/", {"page": "2"}).content.decode()
    last = client.get("/people/", {"page": "3"}).content.decode()
    searched = client.get("/people/", {"q": "Smith", "page": "2"}).content.decode()

    assert (NEXT.findall(first), PREV.findall(first)) == (["?page=2"], [])
    assert (NEXT.findall(middle), PREV.findall(middle)) == (["?page=3"], ["?page=1"])
    assert (NEXT.findall(last), PREV.findall(last)) == ([], ["?page=2"])
    assert "page 2 of 3" in middle
    assert NEXT.findall(searched) == ["?page=3&amp;q=Smith"]
    assert PREV.findall(searched) == ["?page=1&amp;q=Smith"]


def test_given_a_page_number_that_is_not_a_number_then_the_first_page_is_shown(
    client, planner, team, settings
):
    settings.PAGE_SIZE = 2
    _on_caseload(team, 3)
    client.force_login(planner)

    for page in ("abc", "99", "-1"):
        assert client.get("/people/", {"page": page}).status_code == 200


def test_given_an_htmx_request_then_only_the_results_fragment_is_returned(
    client, planner, team, person
):
    client.force_login(planner)

    fragment = client.get("/people/", {"q": person.family_name}, HTTP_HX_REQUEST="true")
    full = client.get("/people/", {"q": person.family_name})

    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert person.full_name in body
    assert "<table" in body
    assert "<html" not in body
    assert "nhsuk-header" not in body
    assert "Your caseload</h1>" not in body
    assert "<html" in full.content.decode()
    assert 'id="caseload-results"' in full.content.decode()


# --- query counts -------------------------------------------------------------------------

def _queries(client, path: str) -> int:
    client.get(path)  # warm any per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _with_named_coordinator(people: list[Person]) -> None:
    for p in people:
        CareTeamMemberFactory(person=p, is_named_coordinator=True)


def test_given_3_or_30_people_then_the_caseload_runs_the_same_number_of_queries(
    client, planner, team, settings
):
    settings.PAGE_SIZE = 50
    client.force_login(planner)
    few = _on_caseload(team, 3)
    _with_named_coordinator(few)

    with_3 = _queries(client, "/people/")
    many = _on_caseload(team, 27)
    _with_named_coordinator(many)
    with_30 = _queries(client, "/people/")

    assert with_3 == with_30
    assert "30 people" in client.get("/people/").content.decode()


def test_given_3_or_30_people_then_a_caseload_search_runs_the_same_number_of_queries(
    client, planner, team, settings
):
    settings.PAGE_SIZE = 50
    client.force_login(planner)
    _with_named_coordinator(_on_caseload(team, 3, family_name="Smith"))

    with_3 = _queries(client, "/people/?q=smith")
    _with_named_coordinator(_on_caseload(team, 27, family_name="Smith"))
    with_30 = _queries(client, "/people/?q=smith")

    assert with_3 == with_30


def _fill(person: Person, count: int) -> None:
    for n in range(count):
        PersonalContactFactory(person=person, contact_types=["carer", "next_of_kin"])
        CareTeamMemberFactory(person=person, team=TeamFactory(),
                              organisation=OrganisationFactory(),
                              end_date=(timezone.localdate() - dt.timedelta(days=1)) if n % 3 == 0
                              else None)


def test_given_2_or_15_contacts_and_members_then_a_persons_page_runs_the_same_queries(
    client, planner, team
):
    two, fifteen = _on_caseload(team, 2)
    _fill(two, 2)
    _fill(fifteen, 15)
    client.force_login(planner)

    with_2 = _queries(client, f"/people/{two.pk}/")
    with_15 = _queries(client, f"/people/{fifteen.pk}/")

    assert with_2 == with_15
    body = client.get(f"/people/{fifteen.pk}/").content.decode()
    assert body.count("nhsuk-card__heading") == 15


