"""Asking for a review now and for a different named coordinator, and the staff page that
answers what the person asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.core.errors import NotAllowed
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.people.choices import RepresentativeBasis
from ourplan.portal import services
from ourplan.portal.models import CoordinatorChangeRequest, CoordinatorRequestStatus
from ourplan.reviews.models import ReviewSchedule, ReviewTrigger
from ourplan.reviews.services import review_trigger_record
from ourplan.testing import governance as gov
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import circle_member_of, representative_of, the_person
from ourplan.testing.reviews import plan_in_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(person):
    return gov.named_coordinator(person, user=UserFactory(email="sam@nhs.net"),
                                 name="Sam Green")


@pytest.fixture
def plan(planner, person, coordinator):
    plan, _ = plan_in_action(planner, person)
    return plan


def _url(name, person):
    return reverse(f"portal:{name}", kwargs={"person_id": person.pk})


# --- asking for a review now ---------------------------------------------------------------

def test_given_the_person_when_they_ask_for_a_review_then_it_moves_within_two_weeks(
        client, person, plan):
    today = timezone.localdate()
    before = ReviewSchedule.objects.get(plan=plan).due_on
    user = the_person(person)
    client.force_login(user)

    response = client.post(_url("review_ask", person), {"details": "My carer is leaving"})

    assert before > today + dt.timedelta(days=14)
    assert response.status_code == 302
    trigger = ReviewTrigger.objects.get(plan=plan)
    assert (trigger.reason, trigger.details, trigger.raised_by) == (
        "person_request", "My carer is leaving", user)
    due = ReviewSchedule.objects.get(plan=plan).due_on
    assert due == today + dt.timedelta(days=14)
    assert Message.objects.get(key=f"portal.review_asked.{trigger.pk}").recipients \
        == ["sam@nhs.net"]
    page = client.get(_url("person", person)).content.decode()
    assert f"{due:%-d %B %Y}" in page
    assert "A review was asked for on" in page


def test_given_the_person_then_they_may_record_only_their_own_request(person, plan):
    user = the_person(person)

    with pytest.raises(NotAllowed):
        review_trigger_record(actor=user, plan=plan, reason="deterioration", details="",
                              occurred_on=timezone.localdate())
    assert not user.has_perm("reviews.change_review", person)
    assert user.has_perm("reviews.request_review", person)


def test_given_a_representative_on_another_basis_then_they_may_ask_for_a_review(person, plan):
    user = representative_of(person, basis=RepresentativeBasis.OTHER)

    schedule = services.review_ask(actor=user, plan=plan)

    assert schedule.due_on == timezone.localdate() + dt.timedelta(days=14)


def test_given_a_circle_member_then_they_may_not_ask_for_a_review(client, person, plan):
    user, _ = circle_member_of(person)
    client.force_login(user)

    with pytest.raises(NotAllowed):
        services.review_ask(actor=user, plan=plan)
    assert client.post(_url("review_ask", person), {"details": ""}).status_code == 403
    assert not ReviewTrigger.objects.exists()


def test_given_a_planner_then_they_still_record_the_persons_request(person, plan, planner):
    trigger = review_trigger_record(actor=planner, plan=plan, reason="person_request",
                                    details="Asked on the phone",
                                    occurred_on=timezone.localdate())

    assert trigger.raised_by == planner


# --- asking for a different coordinator ---------------------------------------------------------

def test_given_the_person_when_they_ask_for_a_different_coordinator_then_staff_are_told(
        client, person, plan):
    user = the_person(person)
    client.force_login(user)

    page = client.get(_url("coordinator_change", person))
    response = client.post(_url("coordinator_change", person),
                           {"reason": "We do not get on", "preferred": "Someone at Brookside"})

    assert "The named coordinator now is Sam Green" in page.content.decode()
    assert response.status_code == 302
    request = CoordinatorChangeRequest.objects.get(person=person)
    assert (request.reason, request.preferred, request.requested_by, request.status) == (
        "We do not get on", "Someone at Brookside", user, CoordinatorRequestStatus.OPEN)
    assert AuditEvent.objects.filter(action="portal.coordinator_change_asked").exists()
    assert Message.objects.filter(key=f"portal.coordinator_change_asked.{request.pk}").exists()


def test_given_a_representative_asked_then_the_person_sees_who_asked(client, person, plan):
    linda = representative_of(person)
    linda.first_name, linda.last_name = "Linda", "Ellison"
    linda.save()
    services.coordinator_change_ask(actor=linda, person=person, reason="They never call back")

    client.force_login(the_person(person))
    body = client.get(reverse("portal:person", kwargs={"person_id": person.pk})).content.decode()
    assert "Linda Ellison asked for a different coordinator" in body

    client.force_login(linda)
    body = client.get(reverse("portal:person", kwargs={"person_id": person.pk})).content.decode()
    assert "You asked for a different coordinator" in body


def test_given_no_reason_when_asking_for_a_different_coordinator_then_asked_for_one(
        client, person, plan):
    client.force_login(the_person(person))

    response = client.post(_url("coordinator_change", person), {"reason": ""})

    assert response.status_code == 400
    assert "Say why you would like a different coordinator" in response.content.decode()


def test_given_an_open_request_when_asking_again_then_refused(person, plan):
    user = the_person(person)
    services.coordinator_change_ask(actor=user, person=person, reason="We do not get on")

    with pytest.raises(ValidationError):
        services.coordinator_change_ask(actor=user, person=person, reason="Still")


def test_given_a_request_when_staff_decline_then_the_person_reads_why(
        client, person, plan, planner):
    user = the_person(person)
    request = services.coordinator_change_ask(actor=user, person=person, reason="Too busy")
    client.force_login(planner)
    url = reverse("portal_requests:coordinator_decline",
                  kwargs={"person_id": person.pk, "request_id": request.pk})

    missing = client.post(url, {"version": 1, "reason": ""})
    declined = client.post(url, {"version": 1, "reason": "Sam is the only one who speaks "
                                                         "Polish"})

    assert missing.status_code == 400
    assert declined.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (CoordinatorRequestStatus.DECLINED, planner)
    client.force_login(user)
    body = client.get(_url("person", person)).content.decode()
    assert "declined" in body
    assert "Sam is the only one who speaks Polish" in body


def test_given_a_request_when_staff_mark_it_done_then_it_is_done(client, person, plan, planner):
    request = services.coordinator_change_ask(actor=the_person(person), person=person,
                                              reason="Too busy")
    client.force_login(planner)

    response = client.post(reverse("portal_requests:coordinator_done", kwargs={
        "person_id": person.pk, "request_id": request.pk}), {"version": 1, "reason": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CoordinatorRequestStatus.DONE
    assert AuditEvent.objects.filter(action="portal.coordinator_change_done").exists()


def test_given_a_circle_member_then_they_may_not_ask_for_a_different_coordinator(
        client, person, plan):
    user, _ = circle_member_of(person)
    client.force_login(user)

    with pytest.raises(NotAllowed):
        services.coordinator_change_ask(actor=user, person=person, reason="x")
    assert client.get(_url("coordinator_change", person)).status_code == 403


# --- the staff page ----------------------------------------------------------------------------

def test_given_open_and_past_requests_then_the_staff_page_lists_them_with_answers(
        client, person, plan, planner):
    user = the_person(person)
    waiting = services.proposal_make(actor=user, plan=plan, section="outcomes",
                                     text="Add swimming")
    done = services.proposal_make(actor=user, plan=plan, section="risks", text="Less worry")
    services.proposal_decline(actor=planner, proposal=done, version=1, reason="Not now")
    services.coordinator_change_ask(actor=user, person=person, reason="Too busy")
    client.force_login(planner)

    response = client.get(reverse("portal_requests:list", kwargs={"person_id": person.pk}))
    detail = client.get(reverse("plans:detail", kwargs={"person_id": person.pk}))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Add swimming" in body
    assert "Less worry" in body
    assert "Too busy" in body
    assert "Reason: Not now" in body
    assert reverse("portal_requests:proposal_accept", kwargs={
        "person_id": person.pk, "proposal_id": waiting.pk}) in body
    assert reverse("portal_requests:proposal_accept", kwargs={
        "person_id": person.pk, "proposal_id": done.pk}) not in body
    assert "2 waiting" in detail.content.decode()


def test_given_staff_shared_with_by_consent_then_they_read_but_cannot_answer(
        client, person, plan):
    from ourplan.testing.portal import grant

    proposal = services.proposal_make(actor=the_person(person), plan=plan, section="outcomes",
                                      text="Add swimming")
    reader = UserFactory(role="practitioner")
    grant(person, staff=reader)
    client.force_login(reader)

    listing = client.get(reverse("portal_requests:list", kwargs={"person_id": person.pk}))
    accept = client.post(reverse("portal_requests:proposal_accept", kwargs={
        "person_id": person.pk, "proposal_id": proposal.pk}), {"version": 1})

    assert listing.status_code == 200
    assert "Add swimming" in listing.content.decode()
    assert "Accept" not in listing.content.decode()
    assert accept.status_code == 403


def test_given_staff_with_no_relationship_then_the_requests_page_is_not_found(
        client, person, plan):
    client.force_login(UserFactory(role="practitioner"))

    assert client.get(reverse("portal_requests:list", kwargs={"person_id": person.pk})) \
        .status_code == 404
