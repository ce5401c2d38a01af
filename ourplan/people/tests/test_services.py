"""The services: permission, guard, one transaction, one audit row per change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ourplan.accounts.models import Role
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.people import services
from ourplan.people.models import Person, PersonalContact
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    PersonalContactFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

READ_ONLY = [Role.COMMISSIONER, Role.PANEL_MEMBER, Role.ADMINISTRATOR]


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_change_anything(team, person, role):
    reader = UserFactory(role=role, teams=[team])
    contact = PersonalContactFactory(person=person)

    with pytest.raises(NotAllowed):
        services.person_update(actor=reader, person=person, version=1, data={"town": "X"})
    with pytest.raises(NotAllowed):
        services.personal_contact_add(actor=reader, person=person,
                                      data={"name": "A", "relationship": "B"})
    with pytest.raises(NotAllowed):
        services.personal_contact_remove(actor=reader, contact=contact, version=1)
    with pytest.raises(NotAllowed):
        services.care_team_member_add(actor=reader, person=person,
                                      data={"name": "A", "role": "GP"})
    with pytest.raises(NotAllowed):
        services.person_create(actor=reader, team=team, data={})
    assert not AuditEvent.objects.exists()


def test_changing_someone_outside_the_scope_is_refused(planner, stranger):
    with pytest.raises(NotAllowed):
        services.person_update(actor=planner, person=stranger, version=1, data={"town": "X"})
    assert Person.objects.get(pk=stranger.pk).town == ""


def test_a_place_that_ended_between_reading_and_writing_is_not_found(planner, person):
    # Permission passed when the page was read; the lock re-reads through the scope.
    member = CareTeamMemberFactory(person=person, user=planner)
    planner.teams.clear()
    member.end_date = member.start_date
    member.save()

    with pytest.raises((NotFound, NotAllowed)):
        services.person_update(actor=planner, person=person, version=1, data={"town": "X"})


def test_unknown_fields_are_refused_by_name(planner, person):
    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=planner, person=person, version=1,
                               data={"town": "X", "is_superuser": True})

    assert set(caught.value.message_dict) == {"is_superuser"}
    assert Person.objects.get(pk=person.pk).town == ""


def test_an_update_without_changes_writes_nothing(planner, person):
    services.person_update(actor=planner, person=person, version=1,
                           data={"given_name": person.given_name})

    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEvent.objects.exists()


def test_a_stale_version_changes_nothing(planner, person):
    Person.objects.filter(pk=person.pk).update(version=2)

    with pytest.raises(StaleVersion):
        services.person_update(actor=planner, person=person, version=1, data={"town": "X"})

    assert Person.objects.get(pk=person.pk).town == ""
    assert not AuditEvent.objects.exists()


def test_a_failed_create_leaves_nothing_behind(planner, team):
    with pytest.raises(ValidationError):
        services.person_create(actor=planner, team=team, data={
            "nhs_number": "9990000019", "given_name": "A", "family_name": "B",
            "date_of_birth": "1950-01-01", "sex": "female"})

    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_refuses_a_team_that_is_not_the_actors(planner):
    with pytest.raises(ValidationError) as caught:
        services.person_create(actor=planner, team=TeamFactory(), data={})

    assert "team" in caught.value.message_dict


def test_adding_a_contact_writes_one_audit_row_with_what_was_added(planner, person):
    contact = services.personal_contact_add(actor=planner, person=person, data={
        "name": "Bernard", "relationship": "Husband", "contact_types": ["carer", "next_of_kin"]})

    event = AuditEvent.objects.get()
    assert event.action == "personal_contact.added"
    assert event.object_id == str(contact.pk)
    assert event.changes["contact_types"] == ["carer", "next_of_kin"]


def test_removing_a_contact_keeps_it_and_a_second_remove_is_not_found(planner, person):
    contact = PersonalContactFactory(person=person)

    services.personal_contact_remove(actor=planner, contact=contact, version=1)

    assert PersonalContact.objects.get(pk=contact.pk).removed_at is not None
    with pytest.raises(NotFound):
        services.personal_contact_remove(actor=planner, contact=contact, version=2)


def test_setting_a_named_coordinator_by_update_moves_the_flag(planner, person):
    first = CareTeamMemberFactory(person=person, is_named_coordinator=True)
    second = CareTeamMemberFactory(person=person)

    services.care_team_member_update(actor=planner, member=second, version=1,
                                     data={"is_named_coordinator": True})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_named_coordinator, second.is_named_coordinator) == (False, True)
    assert first.version == 2
    assert AuditEvent.objects.filter(action="care_team_member.named_coordinator_set").exists()


def test_ending_a_care_team_place_is_audited_as_ended(planner, person):
    member = CareTeamMemberFactory(person=person)

    services.care_team_member_update(actor=planner, member=member, version=1,
                                     data={"end_date": member.start_date})

    assert AuditEvent.objects.get().action == "care_team_member.ended"


def test_allocating_to_a_team_twice_makes_one_allocation(planner, person, team):
    other = TeamFactory()

    first = services.person_allocate_to_team(actor=planner, person=person, team=other)
    again = services.person_allocate_to_team(actor=planner, person=person, team=other)

    assert first == again
    assert person.allocations.count() == 2  # the fixture's team and the new one


def test_a_portal_account_cannot_be_put_on_a_care_team(planner, person):
    from ourplan.testing.portal import the_person

    own_account = the_person(person)

    with pytest.raises(ValidationError) as error:
        services.care_team_member_add(actor=planner, person=person,
                                      data={"user": own_account, "role": "Carer"})

    assert "user" in error.value.message_dict
    assert not person.care_team.exists()


def test_the_care_team_form_offers_staff_only(planner, person):
    from ourplan.people.forms import CareTeamMemberForm
    from ourplan.testing.portal import the_person

    own_account = the_person(person)

    offered = CareTeamMemberForm(user=planner).fields["user"].queryset  # type: ignore[attr-defined]
    assert planner in offered
    assert own_account not in offered
