"""Who may see whom, at the queryset: only current, legitimate relationships count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    PersonalContactFactory,
    PersonFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


def visible(user):
    return set(Person.objects.visible_to(user))


def test_a_care_team_member_sees_the_person(stranger):
    member = CareTeamMemberFactory(person=stranger)

    assert visible(member.user) == {stranger}


@pytest.mark.parametrize(("start", "end"), [
    (TODAY - dt.timedelta(days=30), YESTERDAY),  # ended
    (TOMORROW, None),  # not started
])
def test_a_care_team_place_outside_its_dates_gives_nothing(stranger, start, end):
    member = CareTeamMemberFactory(person=stranger, start_date=start, end_date=end)

    assert visible(member.user) == set()


def test_a_care_team_place_ending_today_still_counts(stranger):
    member = CareTeamMemberFactory(person=stranger, end_date=TODAY)

    assert visible(member.user) == {stranger}


def test_a_member_of_an_allocated_team_sees_the_person(planner, person):
    assert visible(planner) == {person}


def test_an_ended_allocation_gives_nothing(planner, person):
    TeamAllocation.objects.filter(person=person).update(end_date=YESTERDAY)

    assert visible(planner) == set()


def test_the_same_organisation_but_another_team_gives_nothing(team, person):
    colleague = UserFactory(organisation=team.organisation,
                            teams=[TeamFactory(organisation=team.organisation)])

    assert visible(colleague) == set()


def test_inactive_and_anonymous_users_see_nobody(planner, person):
    planner.is_active = False

    assert visible(planner) == set()
    assert visible(AnonymousUser()) == set()


def test_a_person_seen_two_ways_is_listed_once(planner, person):
    CareTeamMemberFactory(person=person, user=planner)

    assert list(Person.objects.visible_to(planner)) == [person]


def test_records_that_hang_off_a_person_follow_the_person(planner, person, stranger):
    mine = PersonalContactFactory(person=person)
    PersonalContactFactory(person=stranger)
    CareTeamMemberFactory(person=stranger)

    assert list(PersonalContact.objects.visible_to(planner)) == [mine]
    assert list(CareTeamMember.objects.visible_to(planner)) == []


@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_every_role_follows_the_same_relationship_rule(team, person, role):
    on_team = UserFactory(role=role, teams=[team])
    elsewhere = UserFactory(role=role, teams=[TeamFactory()])

    assert visible(on_team) == {person}
    assert visible(elsewhere) == set()


def test_only_administrators_of_the_allocated_teams_organisation_read_audit(team, person):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation)
    other_admin = UserFactory(role=Role.ADMINISTRATOR)
    manager = UserFactory(role=Role.TEAM_MANAGER, organisation=team.organisation, teams=[team])

    assert set(Person.objects.audit_visible_to(admin)) == {person}
    assert set(Person.objects.audit_visible_to(other_admin)) == set()
    assert set(Person.objects.audit_visible_to(manager)) == set()


def test_visible_to_is_one_query_whatever_the_numbers(team, planner):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(Person.objects.visible_to(planner))
        return len(ctx.captured_queries)

    TeamAllocationFactory.create_batch(3, team=team)
    few = count()
    TeamAllocationFactory.create_batch(30, team=team)
    PersonFactory.create_batch(10)

    assert count() == few == 1
    assert len(visible(planner)) == 33
