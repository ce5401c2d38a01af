"""Granting and withdrawing consent to share: who may, what is checked, what is audited, and
that a withdrawal narrows `visible_to` at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent import services
from ourplan.consent.models import ConsentGrant, Grantee
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.models import AuditEvent
from ourplan.people.models import Person
from ourplan.plans.models import Plan
from ourplan.testing.factories import (
    OrganisationFactory,
    PersonalContactFactory,
    TeamFactory,
    UserFactory,
)
from ourplan.testing.portal import circle_member_of, representative_of, the_person

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def _errors(excinfo):
    return excinfo.value.message_dict


def test_given_the_person_when_they_share_with_a_member_of_staff_then_that_person_can_read(
        person, planner):
    me = the_person(person)
    nurse = UserFactory(role=Role.PRACTITIONER)
    Plan.objects.create(person=person, started_by=planner)
    assert not Person.objects.visible_to(nurse).exists()

    grant = services.consent_grant(actor=me, person=person, grantee=Grantee.STAFF, staff=nurse,
                                   purpose="  To help at my   appointments ")

    assert grant.purpose == "To help at my appointments"
    assert grant.start_date == today()
    assert grant.granted_by == me
    assert list(Person.objects.visible_to(nurse)) == [person]
    assert Plan.objects.visible_to(nurse).count() == 1
    assert not nurse.has_perm("plans.change_plan", person)
    event = AuditEvent.objects.get(action="consent.granted")
    assert event.person == person
    assert event.actor == me
    assert event.changes["grantee_name"] == str(nurse)
    assert "recorded" not in event.changes


def test_when_withdrawn_then_the_grantee_reads_nothing_at_once_and_it_is_audited(person, planner):
    me = the_person(person)
    daughter, contact = circle_member_of(person, shared=False)
    Plan.objects.create(person=person, started_by=planner)
    grant = services.consent_grant(actor=me, person=person, grantee=Grantee.CIRCLE,
                                   contact=contact, purpose="To help me with my care")
    assert Plan.objects.visible_to(daughter).count() == 1

    done = services.consent_withdraw(actor=me, grant=grant)

    assert done.withdrawn_at is not None
    assert done.withdrawn_by == me
    assert not Plan.objects.visible_to(daughter).exists()
    assert not daughter.has_perm("portal.view_plan", person)
    assert AuditEvent.objects.filter(action="consent.withdrawn", person=person).count() == 1


def test_withdrawing_twice_is_refused_with_a_clear_message(person):
    me = the_person(person)
    team = TeamFactory()
    grant = services.consent_grant(actor=me, person=person, grantee=Grantee.TEAM, team=team,
                                   purpose="Physio")
    services.consent_withdraw(actor=me, grant=grant)

    with pytest.raises(services.SharingAlreadyStopped) as refused:
        services.consent_withdraw(actor=me, grant=grant)

    assert refused.value.message.startswith(f"Sharing with {team.name} was already stopped on")
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_staff_who_work_with_the_person_record_consent_on_their_behalf(person, planner):
    organisation = OrganisationFactory(name="Canal Side Carers")

    grant = services.consent_grant(actor=planner, person=person,
                                   grantee=Grantee.ORGANISATION, organisation=organisation,
                                   purpose="Respite")
    services.consent_withdraw(actor=planner, grant=grant)

    granted = AuditEvent.objects.get(action="consent.granted")
    withdrawn = AuditEvent.objects.get(action="consent.withdrawn")
    assert granted.changes["recorded"] == "recorded on the person's behalf"
    assert withdrawn.changes["recorded"] == "recorded on the person's behalf"
    assert granted.actor == planner


def test_a_representative_whose_basis_does_not_let_them_decide_cannot_grant(person):
    lpa = representative_of(person, basis="lpa_health_welfare")
    other = representative_of(person, basis="other")

    with pytest.raises(NotAllowed):
        services.consent_grant(actor=other, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="Physio")
    grant = services.consent_grant(actor=lpa, person=person, grantee=Grantee.TEAM,
                                   team=TeamFactory(), purpose="Physio")
    with pytest.raises(NotAllowed):
        services.consent_withdraw(actor=other, grant=grant)
    assert grant.granted_by == lpa


def test_staff_who_see_the_person_only_by_consent_cannot_change_who_else_sees(person):
    shared_with = UserFactory(role=Role.PRACTITIONER)
    services.consent_grant(actor=the_person(person), person=person, grantee=Grantee.STAFF,
                           staff=shared_with, purpose="Second opinion")

    with pytest.raises(NotAllowed):
        services.consent_grant(actor=shared_with, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="More")


def test_a_circle_member_the_plan_is_shared_with_cannot_share_it_further(person):
    daughter, _ = circle_member_of(person)

    with pytest.raises(NotAllowed):
        services.consent_grant(actor=daughter, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="More")


def test_outside_scope_is_not_found_for_staff_and_portal_users(person, stranger, planner):
    me = the_person(person)
    theirs = services.consent_grant(actor=the_person(stranger), person=stranger,
                                    grantee=Grantee.TEAM, team=TeamFactory(), purpose="Physio")

    for actor in (me, planner):
        with pytest.raises(NotFound):
            services.consent_grant(actor=actor, person=stranger, grantee=Grantee.TEAM,
                                   team=TeamFactory(), purpose="Physio")
        with pytest.raises(NotFound):
            services.consent_withdraw(actor=actor, grant=theirs)
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_bad_input_names_each_field_and_nothing_is_written(person, stranger):
    me = the_person(person)
    someone_elses = PersonalContactFactory(person=stranger)
    removed = PersonalContactFactory(person=person, removed_at=timezone.now())
    left = UserFactory(role=Role.PRACTITIONER, is_active=False)

    with pytest.raises(ValidationError) as no_purpose:
        services.consent_grant(actor=me, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="   ")
    assert set(_errors(no_purpose)) == {"purpose"}
    with pytest.raises(ValidationError) as dates:
        services.consent_grant(actor=me, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="Physio",
                               start_date=today() - dt.timedelta(days=1),
                               end_date=today() - dt.timedelta(days=2))
    assert _errors(dates) == {
        "start_date": [services.START_IN_PAST],
        "end_date": ["The end date must be the same as or after the start date"]}
    with pytest.raises(ValidationError) as before_start:
        services.consent_grant(actor=me, person=person, grantee=Grantee.TEAM,
                               team=TeamFactory(), purpose="Physio",
                               start_date=today() + dt.timedelta(days=5),
                               end_date=today() + dt.timedelta(days=4))
    assert set(_errors(before_start)) == {"end_date"}
    for contact in (someone_elses, removed):
        with pytest.raises(ValidationError) as not_in_circle:
            services.consent_grant(actor=me, person=person, grantee=Grantee.CIRCLE,
                                   contact=contact, purpose="Help")
        assert _errors(not_in_circle) == {"contact": [services.CONTACT_NOT_IN_CIRCLE]}
    with pytest.raises(ValidationError) as inactive:
        services.consent_grant(actor=me, person=person, grantee=Grantee.STAFF, staff=left,
                               purpose="Help")
    assert _errors(inactive) == {"staff": [services.STAFF_NOT_ACTIVE]}
    with pytest.raises(ValidationError) as portal_account:
        services.consent_grant(actor=me, person=person, grantee=Grantee.STAFF, staff=me,
                               purpose="Help")
    assert set(_errors(portal_account)) == {"staff"}
    with pytest.raises(ValidationError) as nobody:
        services.consent_grant(actor=me, person=person, grantee=Grantee.ORGANISATION,
                               purpose="Help")
    assert _errors(nobody) == {"organisation": [services.ORGANISATION_REQUIRED]}
    with pytest.raises(ValidationError) as what:
        services.consent_grant(actor=me, person=person, grantee="everyone", purpose="Help")
    assert set(_errors(what)) == {"grantee"}
    assert not ConsentGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.granted").exists()


def test_a_future_grant_widens_nothing_until_it_starts_and_can_be_stopped_before(person):
    me = the_person(person)
    nurse = UserFactory(role=Role.PRACTITIONER)

    grant = services.consent_grant(actor=me, person=person, grantee=Grantee.STAFF, staff=nurse,
                                   purpose="Cover", start_date=today() + dt.timedelta(days=3),
                                   end_date=today() + dt.timedelta(days=10))

    assert not Person.objects.visible_to(nurse).exists()
    services.consent_withdraw(actor=me, grant=grant)
    assert ConsentGrant.objects.get().withdrawn_at is not None


def test_an_ended_grant_cannot_be_stopped_again(person):
    me = the_person(person)
    grant = services.consent_grant(actor=me, person=person, grantee=Grantee.TEAM,
                                   team=TeamFactory(), purpose="Physio")
    ConsentGrant.objects.filter(pk=grant.pk).update(start_date=today() - dt.timedelta(days=9),
                                                    end_date=today() - dt.timedelta(days=2))

    with pytest.raises(services.SharingAlreadyStopped) as refused:
        services.consent_withdraw(actor=me, grant=grant)
    assert "already ended on" in refused.value.message
