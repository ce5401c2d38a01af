"""Who may see whom, page by page: every role, with a person in and out of their scope.

In scope means the user is on a team the person is allocated to. Outside it, every page answers
404 (never 403, so the record's existence is not revealed) and the attempt is audited.
"""

from __future__ import annotations

import pytest

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.accounts.rules import PLANNING_ROLES
from ourplan.core.models import AuditEvent
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    PersonalContactFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_ROLES = list(STAFF_ROLES)
READ_ONLY_ROLES = [r for r in STAFF_ROLES if r not in PLANNING_ROLES]
CHANGE_PAGES = ["edit/", "circle/add/", "care-team/add/"]


def _user_on(team, role):
    return UserFactory(role=role, organisation=team.organisation, teams=[team])


def _elsewhere(role):
    return UserFactory(role=role, teams=[TeamFactory()])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_sees_a_person_on_their_teams_caseload(client, team, person, role):
    client.force_login(_user_on(team, role))

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed", person=person).count() == 1


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_gets_404_for_a_person_outside_their_scope(client, person, role):
    client.force_login(_elsewhere(role))

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    refused = AuditEvent.objects.get(action="person.access_refused")
    assert refused.person == person
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_caseload_lists_only_people_in_scope(client, team, person, stranger, role):
    client.force_login(_user_on(team, role))

    body = client.get("/people/").content.decode()

    assert person.full_name in body
    assert stranger.full_name not in body


@pytest.mark.parametrize("page", CHANGE_PAGES)
@pytest.mark.parametrize("role", sorted(PLANNING_ROLES))
def test_planning_roles_may_open_the_change_pages(client, team, person, role, page):
    client.force_login(_user_on(team, role))

    assert client.get(f"/people/{person.pk}/{page}").status_code == 200


@pytest.mark.parametrize("page", CHANGE_PAGES)
@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_get_403_in_scope_and_404_outside(client, team, person, role, page):
    client.force_login(_user_on(team, role))
    assert client.get(f"/people/{person.pk}/{page}").status_code == 403

    client.force_login(_elsewhere(role))
    assert client.get(f"/people/{person.pk}/{page}").status_code == 404


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_cannot_post_changes_even_in_scope(client, team, person, role):
    client.force_login(_user_on(team, role))

    response = client.post(f"/people/{person.pk}/circle/add/",
                           {"name": "Someone", "relationship": "Friend"})

    assert response.status_code == 403
    assert person.personal_contacts.count() == 0


@pytest.mark.parametrize("role", ALL_ROLES)
def test_adding_a_person_is_for_planning_roles(client, team, role):
    client.force_login(_user_on(team, role))

    expected = 200 if role in PLANNING_ROLES else 403
    assert client.get("/people/add/").status_code == expected


def test_a_care_team_place_gives_access_without_any_team(client, stranger):
    member = CareTeamMemberFactory(person=stranger)
    client.force_login(member.user)

    assert client.get(f"/people/{stranger.pk}/").status_code == 200


def test_contacts_of_someone_out_of_scope_answer_404(client, planner, stranger):
    contact = PersonalContactFactory(person=stranger)
    client.force_login(planner)

    response = client.get(f"/people/{stranger.pk}/circle/{contact.pk}/edit/")

    assert response.status_code == 404


def test_a_contact_cannot_be_reached_through_another_persons_url(client, planner, person,
                                                                  stranger):
    contact = PersonalContactFactory(person=stranger)
    client.force_login(planner)

    response = client.get(f"/people/{person.pk}/circle/{contact.pk}/edit/")

    assert response.status_code == 404


def test_unknown_ids_answer_404(client, planner):
    client.force_login(planner)

    assert client.get("/people/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/people/not-a-uuid/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")


def test_an_administrator_reads_the_audit_of_people_on_their_organisations_teams(
    client, team, person
):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation)
    client.force_login(admin)

    response = client.get(f"/people/{person.pk}/audit/")

    assert response.status_code == 200
    assert "Who has looked at" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.ADMINISTRATOR])
def test_nobody_but_an_administrator_reads_the_audit(client, team, person, role):
    client.force_login(_user_on(team, role))

    assert client.get(f"/people/{person.pk}/audit/").status_code == 404


def test_an_administrator_of_another_organisation_gets_404_for_the_audit(client, person):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    assert client.get(f"/people/{person.pk}/audit/").status_code == 404


def test_an_administrator_finds_people_to_audit_by_nhs_number(client, team, person, stranger):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation))

    found = client.get("/people/audit/", {"q": person.nhs_number}).content.decode()
    everyone = client.get("/people/audit/").content.decode()

    assert f"/people/{person.pk}/audit/" in found
    assert person.full_name in everyone
    assert stranger.full_name not in everyone


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.ADMINISTRATOR])
def test_only_administrators_have_the_audit_lookup(client, team, role):
    client.force_login(_user_on(team, role))

    assert client.get("/people/audit/").status_code == 403
