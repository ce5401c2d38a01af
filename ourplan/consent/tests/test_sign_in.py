"""Who can sign in to read the plan, on the person's sharing page: for each person in their
circle they share with, whether they have an account or an invitation is waiting (which the
person can withdraw, whoever sent it); and the representatives and nominee with accounts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ourplan.core.models import AuditEvent
from ourplan.portal.invitations import InvitationUnusable, invitation_for_link, invitation_send
from ourplan.portal.models import Capacity, Invitation
from ourplan.testing.portal import (
    circle_member_of,
    contact_of,
    grant,
    nominee_of,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db


def _sharing(person):
    return reverse("consent:list", kwargs={"person_id": person.pk})


def _withdraw(person, invitation):
    return reverse("portal_accounts:invite_circle_withdraw",
                   kwargs={"person_id": person.pk, "invitation_id": invitation.pk})


def _daughter(person, **kwargs):
    contact = contact_of(person, name="Grace Adeyemi", email="grace@example.com", **kwargs)
    grant(person, contact=contact)
    return contact


def _page(client, user, person):
    client.force_login(user)
    response = client.get(_sharing(person))
    assert response.status_code == 200
    return response.content.decode()


def test_shared_with_someone_who_has_no_account_offers_to_invite_them(client, person):
    me = the_person(person)
    contact = _daughter(person)

    body = _page(client, me, person)

    invite = reverse("portal_accounts:invite_circle",
                     kwargs={"person_id": person.pk, "contact_id": contact.pk})
    assert f'href="{invite}"' in body
    assert "Invite Grace Adeyemi to see it" in body


def test_a_waiting_invitation_is_shown_with_its_address_and_until_when(client, person):
    me = the_person(person)
    contact = _daughter(person)
    invitation, _ = invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE,
                                    contact=contact)

    body = _page(client, me, person)

    assert "An invitation to sign in was sent to grace@example.com" in body
    assert "Invite Grace Adeyemi to see it" not in body
    assert _withdraw(person, invitation) in body
    assert "Withdraw the invitation" in body


def test_the_person_withdraws_an_invitation_their_coordinator_sent(client, planner, person):
    me = the_person(person)
    contact = _daughter(person)
    invitation, raw = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                                      contact=contact)
    client.force_login(me)

    response = client.post(_withdraw(person, invitation), follow=True)

    assert response.redirect_chain[-1][0] == _sharing(person)
    body = response.content.decode()
    assert "Invitation to grace@example.com withdrawn" in body
    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"
    assert AuditEvent.objects.filter(action="portal.invitation_withdrawn", actor=me,
                                     person=person).exists()
    with pytest.raises(InvitationUnusable):
        invitation_for_link(raw)
    # Withdrawn, so the person is offered to invite them again.
    assert "Invite Grace Adeyemi to see it" in body


def test_withdrawing_twice_says_it_is_no_longer_open(client, person):
    me = the_person(person)
    invitation, _ = invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE,
                                    contact=_daughter(person))
    client.force_login(me)
    client.post(_withdraw(person, invitation))

    response = client.post(_withdraw(person, invitation), follow=True)

    assert "already been used, withdrawn or has expired" in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.invitation_withdrawn").count() == 1


def test_someone_with_an_account_is_shown_as_able_to_sign_in(client, person):
    me = the_person(person)
    _, contact = circle_member_of(person)

    body = _page(client, me, person)

    assert f"{contact.name} can sign in to Ourplan to read it" in body
    assert f"Invite {contact.name}" not in body


def test_a_representative_who_cannot_share_sees_the_status_but_cannot_change_it(client,
                                                                                person):
    speaks_up = representative_of(person, basis="other")
    contact = _daughter(person)
    invitation, _ = invitation_send(actor=the_person(person), person=person,
                                    capacity=Capacity.CIRCLE, contact=contact)

    body = _page(client, speaks_up, person)

    assert "An invitation to sign in was sent to grace@example.com" in body
    assert "Withdraw the invitation" not in body
    assert client.post(_withdraw(person, invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_nobody_withdraws_an_invitation_through_someone_elses_page(client, person, stranger):
    me = the_person(person)
    theirs, _ = invitation_send(actor=the_person(stranger), person=stranger,
                                capacity=Capacity.CIRCLE, contact=_daughter(stranger))
    client.force_login(me)

    # Their invitation under my own page, and their page outright.
    assert client.post(_withdraw(person, theirs)).status_code == 404
    assert client.post(_withdraw(stranger, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "open"
    assert AuditEvent.objects.filter(action="person.access_refused", actor=me).exists()


def test_the_person_cannot_withdraw_their_representatives_invitation(client, planner, person):
    me = the_person(person)
    contact = contact_of(person, types=["representative"], basis="lpa_health_welfare",
                         email="linda@example.com")
    invitation, _ = invitation_send(actor=planner, person=person,
                                    capacity=Capacity.REPRESENTATIVE, contact=contact)
    client.force_login(me)

    assert client.post(_withdraw(person, invitation)).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).state == "open"


def test_withdrawing_is_a_post(client, person):
    me = the_person(person)
    invitation, _ = invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE,
                                    contact=_daughter(person))
    client.force_login(me)
    assert client.get(_withdraw(person, invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_representatives_and_the_nominee_are_listed_with_their_role(client, person):
    me = the_person(person)
    deputy = representative_of(person, basis="court_deputy")
    nominee = nominee_of(person)

    body = _page(client, me, person)

    assert "Who else can sign in" in body
    assert f"{deputy.get_full_name()}: representative (" in body
    assert f"{nominee.get_full_name()}: nominee, who manages the direct payment" in body


def test_someone_who_is_both_is_listed_once_with_both_roles(client, person):
    deputy = representative_of(person, basis="court_deputy")
    nominee_of(person, user=deputy)

    body = _page(client, deputy, person)

    assert (f"{deputy.get_full_name()} (you): representative (Deputy appointed by the Court of "
            "Protection) and nominee, who manages the direct payment") in body


def test_nobody_else_signs_in_so_the_section_is_not_shown(client, person):
    assert "Who else can sign in" not in _page(client, the_person(person), person)


def test_the_page_reads_the_same_number_of_times_however_many_it_is_shared_with(client,
                                                                                person):
    me = the_person(person)
    client.force_login(me)

    def queries():
        client.get(_sharing(person))  # the session's clock moves on the first page only
        with CaptureQueriesContext(connection) as seen:
            assert client.get(_sharing(person)).status_code == 200
        return len(seen)

    contact = _daughter(person)
    invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE, contact=contact)
    one = queries()
    for number in range(3):
        circle_member_of(person)
        other = contact_of(person, email=f"friend{number}@example.com")
        grant(person, contact=other)
        invitation_send(actor=me, person=person, capacity=Capacity.CIRCLE, contact=other)
    representative_of(person)
    nominee_of(person)

    assert queries() == one
