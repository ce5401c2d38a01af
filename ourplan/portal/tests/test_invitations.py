"""Invitations: who may send one and for whom, the link used once, and ending access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.core.errors import NotAllowed
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.people.models import Person
from ourplan.portal.invitations import (
    InvitationUnusable,
    NewAccount,
    invitation_accept,
    invitation_send,
    invitation_withdraw,
    portal_access_end,
)
from ourplan.portal.models import Capacity, Invitation, PortalAccess, hash_link_token
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    contact_of,
    grant,
    portal_user,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _account(email="cecilia@example.com", password=PASSWORD):
    return NewAccount(given_name="Cecilia", family_name="Hughes", email=email, password=password)


def test_a_planner_invites_the_person_and_only_the_digest_is_kept(planner, person, settings):
    settings.SITE_URL = "https://ourplan.example.nhs.uk/"
    person.email = "cecilia@example.com"
    person.save()

    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF)

    assert invitation.email == "cecilia@example.com"
    assert invitation.digest == hash_link_token(raw) != raw
    assert not Invitation.objects.filter(digest=raw).exists()
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    message = Message.objects.get(key=f"portal-invitation:{invitation.pk}")
    assert message.recipients == ["cecilia@example.com"]
    assert f"https://ourplan.example.nhs.uk/invitations/{raw}/" in message.body
    assert str(planner) in message.body
    assert AuditEvent.objects.filter(action="portal.invitation_sent", person=person).exists()


def test_invitation_days_come_from_settings(planner, person, settings):
    settings.PORTAL_INVITATION_DAYS = 2
    invitation, _ = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                    email="a@example.com")
    assert invitation.expires_at - timezone.now() < dt.timedelta(days=2, minutes=1)


def test_the_person_needs_an_email_address(planner, person):
    with pytest.raises(ValidationError) as error:
        invitation_send(actor=planner, person=person, capacity=Capacity.SELF)
    assert "email" in error.value.message_dict


def test_a_representative_must_be_recorded_as_one(planner, person):
    family = contact_of(person, email="son@example.com")
    with pytest.raises(ValidationError) as error:
        invitation_send(actor=planner, person=person, capacity=Capacity.REPRESENTATIVE,
                        contact=family)
    assert "contact" in error.value.message_dict

    lpa = contact_of(person, types=["representative"], basis="lpa_health_welfare",
                     email="lpa@example.com")
    invitation, _ = invitation_send(actor=planner, person=person,
                                    capacity=Capacity.REPRESENTATIVE, contact=lpa)
    assert invitation.email == "lpa@example.com"


def test_a_nominee_must_be_recorded_as_one_and_circle_needs_a_contact(planner, person):
    family = contact_of(person, email="son@example.com")
    with pytest.raises(ValidationError):
        invitation_send(actor=planner, person=person, capacity=Capacity.NOMINEE, contact=family)
    with pytest.raises(ValidationError) as error:
        invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE)
    assert "contact" in error.value.message_dict


def test_a_contact_of_someone_else_is_refused(planner, person, stranger):
    theirs = contact_of(stranger, email="x@example.com")
    with pytest.raises(ValidationError):
        invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE, contact=theirs)


def test_sending_again_withdraws_the_open_invitation(planner, person):
    contact = contact_of(person, email="son@example.com")
    grant(person, contact=contact)
    first, first_raw = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                                       contact=contact)
    second, _ = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                                contact=contact)
    first.refresh_from_db()
    assert first.state == "withdrawn"
    assert second.state == "open"
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=first_raw, account=_account("son@example.com"))
    assert refused.value.reason == "withdrawn"


def test_staff_outside_the_care_relationship_cannot_invite(person, team):
    other = UserFactory(role=Role.PRACTITIONER)
    with pytest.raises(NotAllowed):
        invitation_send(actor=other, person=person, capacity=Capacity.SELF, email="a@example.com")


def test_staff_with_only_a_consent_grant_cannot_invite(person):
    reader = UserFactory(role=Role.PRACTITIONER)
    grant(person, staff=reader)
    with pytest.raises(NotAllowed):
        invitation_send(actor=reader, person=person, capacity=Capacity.SELF, email="a@example.com")


def test_the_person_invites_someone_they_share_with_but_only_to_the_circle(person):
    me = the_person(person)
    daughter = contact_of(person, email="daughter@example.com")
    grant(person, contact=daughter)

    invitation, _ = invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE,
                                    contact=daughter)
    assert invitation.invited_by == me

    with pytest.raises(NotAllowed):
        invitation_send(actor=me, person=person, capacity=Capacity.NOMINEE, contact=daughter)


def test_the_person_cannot_invite_someone_they_do_not_share_with(person):
    me = the_person(person)
    neighbour = contact_of(person, email="n@example.com")
    with pytest.raises(ValidationError) as error:
        invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE, contact=neighbour)
    assert "contact" in error.value.message_dict


def test_a_representative_without_sharing_rights_cannot_invite(person):
    rep = representative_of(person, basis="other")
    daughter = contact_of(person, email="daughter@example.com")
    grant(person, contact=daughter)
    with pytest.raises(NotAllowed):
        invitation_send(actor=rep, person=person, capacity=Capacity.CIRCLE, contact=daughter)


def test_accepting_makes_a_portal_account_and_access(planner, person):
    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                      email="cecilia@example.com")

    access = invitation_accept(raw_token=raw, account=_account("Cecilia@Example.com"))

    user = access.user
    assert user.role == Role.PERSON
    assert user.is_portal_user
    assert user.username == "cecilia@example.com"
    assert user.check_password(PASSWORD)
    assert access.person == person
    assert access.capacity == Capacity.SELF
    assert access.invitation == invitation
    invitation.refresh_from_db()
    assert invitation.state == "used"
    assert invitation.accepted_by == user
    assert list(Person.objects.visible_to(user)) == [person]
    assert AuditEvent.objects.filter(action="portal.invitation_accepted", person=person).exists()


def test_a_link_works_once(planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    invitation_accept(raw_token=raw, account=_account())

    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=raw, account=_account("other@example.com"))
    assert refused.value.reason == "used"
    assert AuditEvent.objects.filter(action="portal.invitation_refused",
                                      changes__reason="used").exists()


def test_expired_and_unknown_links_are_refused_with_different_reasons(planner, person):
    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                      email="cecilia@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(InvitationUnusable) as expired:
        invitation_accept(raw_token=raw, account=_account())
    with pytest.raises(InvitationUnusable) as unknown:
        invitation_accept(raw_token="not-a-real-link", account=_account())

    assert expired.value.reason == "expired"
    assert unknown.value.reason == "unknown"
    assert expired.value.message != unknown.value.message
    assert not PortalAccess.objects.exists()


def test_a_weak_password_is_refused_beside_the_field(planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    with pytest.raises(ValidationError) as error:
        invitation_accept(raw_token=raw, account=_account(password="short"))
    assert "password" in error.value.message_dict
    assert not PortalAccess.objects.exists()
    # The link still works after a mistake.
    assert invitation_accept(raw_token=raw, account=_account()).person == person


def test_an_email_already_in_use_asks_them_to_sign_in(planner, person):
    portal_user(username="cecilia@example.com")
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    with pytest.raises(ValidationError) as error:
        invitation_accept(raw_token=raw, account=_account())
    assert "email" in error.value.message_dict


def test_a_signed_in_portal_user_links_the_invitation_to_their_account(planner, person, stranger):
    existing = the_person(stranger)
    contact = contact_of(person, types=["nominee"], email="x@example.com")
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.NOMINEE,
                             contact=contact)

    access = invitation_accept(raw_token=raw, user=existing)

    assert access.user == existing
    assert access.contact == contact
    assert set(Person.objects.visible_to(existing)) == {person, stranger}


def test_a_staff_account_can_never_accept(planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=raw, user=planner)
    assert refused.value.reason == "staff"
    assert not PortalAccess.objects.exists()


def test_withdrawing_stops_the_link(planner, person):
    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                      email="cecilia@example.com")
    invitation_withdraw(actor=planner, invitation=invitation)
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=raw, account=_account())
    assert refused.value.reason == "withdrawn"
    with pytest.raises(ValidationError):
        invitation_withdraw(actor=planner, invitation=invitation)


def test_someone_else_cannot_withdraw(planner, person):
    invitation, _ = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                    email="cecilia@example.com")
    with pytest.raises(NotAllowed):
        invitation_withdraw(actor=the_person(person), invitation=invitation)


def test_the_person_ends_a_circle_members_access_at_once(person):
    me = the_person(person)
    member, _ = circle_member_of(person)
    access = PortalAccess.objects.get(user=member)

    portal_access_end(actor=me, access=access)

    assert not Person.objects.visible_to(member).exists()
    assert AuditEvent.objects.filter(action="portal.access_ended", person=person).exists()
    with pytest.raises(ValidationError):
        portal_access_end(actor=me, access=access)


def test_the_person_cannot_end_a_representatives_access_but_staff_can(planner, person):
    me = the_person(person)
    rep = representative_of(person)
    access = PortalAccess.objects.get(user=rep)
    with pytest.raises(NotAllowed):
        portal_access_end(actor=me, access=access)

    portal_access_end(actor=planner, access=access)
    assert not Person.objects.visible_to(rep).exists()


# An invitation to someone the plan is shared with lasts only as long as the sharing.

def _shared_and_invited(person, me):
    contact = contact_of(person, email="grace@example.com")
    shared = grant(person, contact=contact)
    invitation, raw = invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE,
                                      contact=contact)
    return shared, invitation, raw


def test_stopping_sharing_withdraws_the_invitation_to_them(person):
    from ourplan.consent.services import consent_withdraw

    me = the_person(person)
    shared, invitation, raw = _shared_and_invited(person, me)

    consent_withdraw(actor=me, grant=shared)

    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"
    assert AuditEvent.objects.filter(action="portal.invitation_withdrawn", actor=me,
                                     object_id=str(invitation.pk)).exists()
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=raw, account=_account("grace@example.com"))
    assert refused.value.reason == "withdrawn"
    assert not PortalAccess.objects.filter(capacity=Capacity.CIRCLE).exists()


def test_the_invitation_stays_while_another_sharing_with_them_goes_on(person):
    from ourplan.consent.services import consent_withdraw

    me = the_person(person)
    shared, invitation, raw = _shared_and_invited(person, me)
    grant(person, contact=shared.contact, purpose="To help with my appointments")

    consent_withdraw(actor=me, grant=shared)

    invitation.refresh_from_db()
    assert invitation.state == "open"
    invitation_accept(raw_token=raw, account=_account("grace@example.com"))
    assert PortalAccess.objects.filter(capacity=Capacity.CIRCLE, person=person).exists()


def test_a_link_to_sharing_that_has_come_to_its_end_date_no_longer_works(person):
    me = the_person(person)
    shared, _, raw = _shared_and_invited(person, me)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    type(shared).objects.filter(pk=shared.pk).update(start_date=yesterday, end_date=yesterday)

    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(raw_token=raw, account=_account("grace@example.com"))

    assert refused.value.reason == "withdrawn"
    assert not PortalAccess.objects.filter(capacity=Capacity.CIRCLE).exists()
    assert AuditEvent.objects.filter(action="portal.invitation_refused").exists()


def test_staff_can_invite_family_only_once_the_plan_is_shared_with_them(planner, person):
    contact = contact_of(person, email="grace@example.com")

    with pytest.raises(ValidationError) as refused:
        invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE, contact=contact)

    assert "Record their consent to share first" in refused.value.message_dict["contact"][0]
    assert not Invitation.objects.exists()
    grant(person, contact=contact)
    invitation, _ = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                                    contact=contact)
    assert invitation.state == "open"
