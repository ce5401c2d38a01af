"""The invitation pages: staff inviting and ending access, the accept page with its clear refusals,
and the person inviting someone they share with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.portal.invitations import invitation_send
from ourplan.portal.models import Capacity, Invitation, PortalAccess
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import circle_member_of, contact_of, grant, the_person

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _list(person):
    return reverse("portal_invite:list", kwargs={"person_id": person.pk})


def _new(person):
    return reverse("portal_invite:new", kwargs={"person_id": person.pk})


def _accept(raw):
    return reverse("portal_accounts:accept", kwargs={"token": raw})


def _details(**overrides):
    return {"given_name": "Cecilia", "family_name": "Hughes", "email": "cecilia@example.com",
            "password": PASSWORD, "password_confirm": PASSWORD, **overrides}


# Staff pages

def test_the_person_page_links_to_their_own_access(client, planner, person):
    client.force_login(planner)
    response = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    assert _list(person) in response.content.decode()


def test_a_planner_invites_a_representative_from_the_page(client, planner, person):
    lpa = contact_of(person, types=["representative"], basis="lpa_health_welfare",
                     email="lpa@example.com", name="Rose Hughes")
    client.force_login(planner)
    page = client.get(_new(person))
    assert page.status_code == 200
    assert "Rose Hughes" in page.content.decode()

    response = client.post(_new(person), {"capacity": "representative", "contact": lpa.pk})

    assert response.status_code == 302
    invitation = Invitation.objects.get(person=person)
    assert invitation.email == "lpa@example.com"
    listing = client.get(_list(person)).content.decode()
    assert "lpa@example.com" in listing
    assert "Open until" in listing


def test_a_missing_email_is_shown_beside_the_field(client, planner, person):
    client.force_login(planner)
    response = client.post(_new(person), {"capacity": "self"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the email address to send the invitation to" in body
    assert 'href="#id_email"' in body
    assert not Invitation.objects.exists()


def test_a_circle_invitation_without_a_contact_names_the_field(client, planner, person):
    client.force_login(planner)
    response = client.post(_new(person), {"capacity": "circle", "email": "a@example.com"})
    assert response.status_code == 400
    assert 'href="#id_contact"' in response.content.decode()


def test_staff_outside_scope_get_404_and_it_is_audited(client, stranger):
    other = UserFactory(role=Role.PRACTITIONER)
    client.force_login(other)
    assert client.get(_list(stranger)).status_code == 404
    assert client.get(_new(stranger)).status_code == 404
    assert AuditEvent.objects.filter(action="person.access_refused", person=stranger).count() == 2


def test_staff_with_only_a_consent_grant_see_the_list_but_cannot_invite(client, person):
    reader = UserFactory(role=Role.PRACTITIONER)
    grant(person, staff=reader)
    client.force_login(reader)
    listing = client.get(_list(person))
    assert listing.status_code == 200
    assert "Invite someone" not in listing.content.decode()
    assert client.get(_new(person)).status_code == 403


def test_a_planner_withdraws_an_invitation_and_ends_access(client, planner, person):
    invitation, _ = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                    email="a@example.com")
    member, _ = circle_member_of(person)
    access = PortalAccess.objects.get(user=member)
    client.force_login(planner)

    client.post(reverse("portal_invite:withdraw",
                        kwargs={"person_id": person.pk, "invitation_id": invitation.pk}))
    client.post(reverse("portal_invite:end", kwargs={"person_id": person.pk,
                                                     "access_id": access.pk}))

    invitation.refresh_from_db()
    access.refresh_from_db()
    assert invitation.state == "withdrawn"
    assert access.ended_at is not None


def test_staff_outside_scope_cannot_withdraw_an_invitation(client, planner, person):
    invitation, _ = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                    email="a@example.com")
    other_planner = UserFactory(role=Role.PRACTITIONER)
    client.force_login(other_planner)
    response = client.post(reverse("portal_invite:withdraw", kwargs={
        "person_id": person.pk, "invitation_id": invitation.pk}))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_a_portal_account_cannot_reach_the_staff_pages(client, person):
    client.force_login(the_person(person))
    assert client.get(_list(person)).status_code == 404


# The accept page

def test_cecilia_accepts_her_invitation_and_lands_on_her_pages(client, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    page = client.get(_accept(raw))
    body = page.content.decode()
    assert page.status_code == 200
    assert str(planner) in body
    assert "your own care and support plan" in body
    assert 'value="cecilia@example.com"' in body

    response = client.post(_accept(raw), _details())

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    access = PortalAccess.objects.get(person=person)
    assert access.user.role == Role.PERSON
    # Signed in: their own pages answer (the home page may go straight to their one plan).
    home = client.get(reverse("portal:home"), follow=True)
    assert home.status_code == 200
    assert person.family_name in home.content.decode()


def test_passwords_that_differ_or_are_weak_are_shown_beside_the_field(client, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    differ = client.post(_accept(raw), _details(password_confirm="something else entirely"))
    assert differ.status_code == 400
    assert "The passwords do not match" in differ.content.decode()

    weak = client.post(_accept(raw), _details(password="short", password_confirm="short"))
    assert weak.status_code == 400
    assert 'href="#id_password"' in weak.content.decode()
    assert not PortalAccess.objects.exists()


@pytest.mark.parametrize(("state", "status", "words"), [
    ("used", 410, "This invitation has already been used"),
    ("withdrawn", 410, "This invitation has been withdrawn"),
    ("expired", 410, "This invitation has expired"),
])
def test_an_unusable_link_gets_a_clear_page(client, planner, person, state, status, words):
    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                                      email="cecilia@example.com")
    now = timezone.now()
    changes = {"used": {"accepted_at": now, "accepted_by": planner},
               "withdrawn": {"revoked_at": now},
               "expired": {"expires_at": now - dt.timedelta(seconds=1)}}[state]
    Invitation.objects.filter(pk=invitation.pk).update(**changes)

    page = client.get(_accept(raw))
    post = client.post(_accept(raw), _details())

    assert page.status_code == status
    assert words in page.content.decode()
    assert str(planner) in page.content.decode()  # who to contact
    assert post.status_code == status
    assert not PortalAccess.objects.exists()
    assert AuditEvent.objects.filter(action="portal.invitation_refused", person=person,
                                      changes__reason=state).count() == 2


def test_an_unknown_link_gets_a_clear_page(client):
    response = client.get(_accept("no-such-link"))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.invitation_refused",
                                      changes__reason="unknown").exists()


def test_a_second_use_of_the_link_is_refused(client, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    client.post(_accept(raw), _details())
    client.logout()
    again = client.post(_accept(raw), _details(email="someone@example.com"))
    assert again.status_code == 410
    assert PortalAccess.objects.count() == 1


def test_a_signed_in_staff_account_cannot_accept(client, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    client.force_login(planner)
    page = client.get(_accept(raw))
    response = client.post(_accept(raw))
    assert page.status_code == 400
    assert response.status_code == 400
    assert "staff account" in response.content.decode()
    assert not PortalAccess.objects.exists()
    assert AuditEvent.objects.filter(action="portal.invitation_refused", actor=planner,
                                      changes__reason="staff").count() == 2


def test_a_signed_in_portal_user_adds_the_plan_to_their_account(client, planner, person,
                                                                  stranger):
    existing = the_person(stranger)
    contact = contact_of(person, email="x@example.com")
    grant(person, contact=contact)
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                             contact=contact)
    client.force_login(existing)
    assert "Add to my account" in client.get(_accept(raw)).content.decode()

    response = client.post(_accept(raw))

    assert response.status_code == 302
    assert PortalAccess.objects.filter(user=existing, person=person).exists()


# The person invites someone they share with

def _invite_circle(person, contact):
    return reverse("portal_accounts:invite_circle",
                   kwargs={"person_id": person.pk, "contact_id": contact.pk})


def test_the_person_invites_the_daughter_they_share_with(client, person):
    me = the_person(person)
    daughter = contact_of(person, email="daughter@example.com", name="Ann Hughes")
    grant(person, contact=daughter)
    client.force_login(me)

    page = client.get(_invite_circle(person, daughter))
    assert page.status_code == 200
    assert "Invite Ann Hughes" in page.content.decode()
    response = client.post(_invite_circle(person, daughter), {"email": "daughter@example.com"})

    assert response.status_code == 302
    invitation = Invitation.objects.get(contact=daughter)
    assert invitation.capacity == Capacity.CIRCLE
    assert invitation.invited_by == me
    assert Message.objects.filter(key=f"portal-invitation:{invitation.pk}").exists()


def test_inviting_someone_not_shared_with_is_refused_beside_the_field(client, person):
    me = the_person(person)
    neighbour = contact_of(person, email="n@example.com")
    client.force_login(me)
    response = client.post(_invite_circle(person, neighbour), {"email": "n@example.com"})
    assert response.status_code == 400
    assert "Share your plan with them first" in response.content.decode()


def test_without_share_rights_or_outside_scope_the_page_is_not_found(client, person, stranger):
    member, contact = circle_member_of(person)
    client.force_login(member)
    assert client.get(_invite_circle(person, contact)).status_code == 404

    me = the_person(person)
    theirs = contact_of(stranger)
    client.force_login(me)
    assert client.get(_invite_circle(stranger, theirs)).status_code == 404
    assert AuditEvent.objects.filter(action="person.access_refused", person=stranger).exists()
