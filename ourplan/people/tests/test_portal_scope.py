"""visible_to for portal users and for consent grants: who reaches what, and withdrawal at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.budgets.models import Budget
from ourplan.people.models import Person, PersonalContact
from ourplan.plans.models import Plan
from ourplan.portal.rules import abilities_for
from ourplan.testing.factories import PersonFactory, TeamFactory, UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    grant,
    nominee_of,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db


def _plan(person, by):
    return Plan.objects.create(person=person, started_by=by)


def test_a_person_sees_only_themselves(person, stranger, planner):
    user = the_person(person)
    _plan(person, planner)
    _plan(stranger, planner)

    assert list(Person.objects.visible_to(user)) == [person]
    assert [p.person for p in Plan.objects.visible_to(user)] == [person]
    assert user.has_perm("portal.edit_own_words", person)
    assert not user.has_perm("portal.edit_own_words", stranger)


def test_a_portal_user_never_has_staff_permissions(person):
    user = the_person(person)

    assert not user.has_perm("plans.change_plan", person)
    assert not user.has_perm("people.change_person", person)
    assert user.has_perm("plans.view_plan", person)


def test_a_nominee_reaches_the_budget_but_not_the_plan_or_circle(person, planner):
    user = nominee_of(person)
    plan = _plan(person, planner)
    budget = Budget.objects.create(plan=plan, person=person, number=1, eligibility="chc",
                                   created_by=planner)

    assert list(Person.objects.visible_to(user)) == [person]
    assert not Plan.objects.visible_to(user).exists()
    assert list(Budget.objects.visible_to(user)) == [budget]
    assert not PersonalContact.objects.visible_to(user).exists()
    assert abilities_for(user, person) == {"view_budget"}


def test_a_representative_acts_within_their_legal_basis(person):
    lpa = representative_of(person, basis="lpa_health_welfare")
    other = representative_of(person, basis="other")

    assert lpa.has_perm("portal.share", person)
    assert not other.has_perm("portal.share", person)
    assert not other.has_perm("portal.edit_own_words", person)
    assert other.has_perm("portal.propose", person)
    assert PersonalContact.objects.visible_to(other).count() == 2


def test_a_circle_member_sees_the_plan_only_while_it_is_shared(person, planner):
    daughter, contact = circle_member_of(person)
    _plan(person, planner)

    assert Plan.objects.visible_to(daughter).count() == 1
    assert not PersonalContact.objects.visible_to(daughter).exists()
    assert daughter.has_perm("portal.view_plan", person)

    contact.consent_grants.update(withdrawn_at=timezone.now())

    assert not Plan.objects.visible_to(daughter).exists()
    assert not Person.objects.visible_to(daughter).exists()
    assert not daughter.has_perm("portal.view_plan", person)


def test_a_circle_member_without_consent_sees_nothing(person):
    daughter, _ = circle_member_of(person, shared=False)

    assert not Person.objects.visible_to(daughter).exists()


def test_ending_access_or_removing_the_contact_takes_effect_at_once(person):
    rep = representative_of(person)
    assert Person.objects.visible_to(rep).exists()

    PersonalContact.objects.filter(person=person).update(removed_at=timezone.now())

    assert not Person.objects.visible_to(rep).exists()


@pytest.mark.parametrize("grantee", ["staff", "team", "organisation"])
def test_a_grant_lets_staff_read_but_not_change(grantee, planner):
    person = PersonFactory()
    team = TeamFactory()
    reader = UserFactory(role=Role.PRACTITIONER, teams=[team])
    target = {"staff": reader, "team": team, "organisation": reader.organisation}[grantee]
    assert not Person.objects.visible_to(reader).exists()

    consent = grant(person, **{grantee: target})

    assert list(Person.objects.visible_to(reader)) == [person]
    assert reader.has_perm("plans.view_plan", person)
    assert not reader.has_perm("plans.change_plan", person)

    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not Person.objects.visible_to(reader).exists()


def test_a_grant_outside_its_dates_gives_nothing(planner):
    person = PersonFactory()
    reader = UserFactory(role=Role.PRACTITIONER)
    today = timezone.localdate()
    grant(person, staff=reader, start=today + timezone.timedelta(days=1))
    grant(person, staff=reader, start=today - timezone.timedelta(days=10),
          end=today - timezone.timedelta(days=1))

    assert not Person.objects.visible_to(reader).exists()
