"""What the person asks of their coordinator, over the API: proposing a change to the plan and
withdrawing it, asking for a review now and for a different named coordinator, and staff
answering. Each call goes through the portal services (state, audit row, who is told); who may
not is refused (403, or 404 where they cannot reach the plan at all); bad input is named; nobody
reaches another person's requests, and the attempt is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ourplan.consent.models import ConsentGrant
from ourplan.core.audit import Action
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.plans import services as plan_services
from ourplan.portal import services
from ourplan.portal.models import (
    ChangeProposal,
    CoordinatorChangeRequest,
    CoordinatorRequestStatus,
    ProposalStatus,
)
from ourplan.reviews.models import ReviewSchedule, ReviewTrigger
from ourplan.testing import governance as gov
from ourplan.testing.factories import TeamAllocationFactory, TeamFactory, UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    grant,
    nominee_of,
    portal_user,
    representative_of,
    the_person,
)
from ourplan.testing.reviews import plan_in_action

pytestmark = pytest.mark.django_db

IDEA = "I would like my daughter to be the one to call if my carer is ill"
COORDINATOR_EMAIL = "sam.green@nhs.net"


@pytest.fixture
def coordinator(person):
    return gov.named_coordinator(person, user=UserFactory(email=COORDINATOR_EMAIL))


@pytest.fixture
def plan(planner, person, coordinator):
    """An agreed plan being put into action, its next review months away."""
    plan, _ = plan_in_action(planner, person)
    return plan


@pytest.fixture
def me(person, plan):
    """The person's own account, with a name the page and API show."""
    return the_person(person, user=portal_user(first_name="Cecilia", last_name="Okonkwo-Baird",
                                               email="cecilia@example.org"))


def _proposals(person: Any, rest: str = "") -> str:
    return f"/people/{person.pk}/plan/proposals{rest}"


def _requests(person: Any, rest: str = "") -> str:
    return f"/people/{person.pk}/coordinator-requests{rest}"


def _review(person: Any) -> str:
    return f"/people/{person.pk}/plan/review-requests"


def _errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def _written() -> dict[str, Any]:
    """Every row these endpoints write, with its version and status: a refused call moves
    nothing."""
    return {
        "proposals": sorted(ChangeProposal.objects.values_list("pk", "version", "status")),
        "requests": sorted(CoordinatorChangeRequest.objects.values_list("pk", "version",
                                                                        "status")),
        "triggers": ReviewTrigger.objects.count(),
        "schedules": sorted(ReviewSchedule.objects.values_list("plan_id", "due_on")),
        "messages": Message.objects.count(),
        "grants": ConsentGrant.objects.count(),
    }


def _audited(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters))


# --- proposals: the happy paths ----------------------------------------------------------------

def test_given_the_person_when_they_propose_a_change_then_it_waits_and_the_coordinator_is_told(
        api_as, person, plan, me):
    response = api_as(me).post(_proposals(person), {"section": "contingency", "text": IDEA})

    assert response.status_code == 201, response.json()
    body = response.json()
    proposal = ChangeProposal.objects.get(person=person)
    assert body["id"] == str(proposal.pk)
    assert (body["section"], body["section_name"], body["text"], body["status"],
            body["proposed_by"], body["version"], body["decided_at"]) == (
        "contingency", "Contingency and safety plans", IDEA, "open", "Cecilia Okonkwo-Baird", 1,
        None)
    assert (proposal.plan, proposal.proposed_by, proposal.status) == (plan, me,
                                                                      ProposalStatus.OPEN)
    made = _audited("portal.proposal_made", actor=me, person=person)
    assert [(e.object_id, e.channel) for e in made] == [(str(proposal.pk), "api")]
    told = Message.objects.get(key=f"portal.proposal_made.{proposal.pk}")
    assert told.recipients == [COORDINATOR_EMAIL]


def test_given_proposals_then_the_list_is_newest_first_with_each_answer(
        api_as, person, plan, me, planner):
    first = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    services.proposal_decline(actor=planner, proposal=first, version=1, reason="Not now")
    second = services.proposal_make(actor=me, plan=plan, section="outcomes", text="Swimming")

    mine = api_as(me).get(_proposals(person))
    staff = api_as(planner).get(_proposals(person))

    assert mine.status_code == 200, mine.json()
    assert mine.json() == staff.json()
    rows = mine.json()
    assert [r["id"] for r in rows] == [str(second.pk), str(first.pk)]
    assert [(r["status"], r["reason"], r["version"]) for r in rows] == [
        ("open", "", 1), ("declined", "Not now", 2)]
    assert rows[1]["decided_by"] == planner.display_name
    assert rows[1]["decided_at"] is not None
    assert {r["proposed_by"] for r in rows} == {"Cecilia Okonkwo-Baird"}
    # Read as the pages read: the person for this purpose, then the plan.
    for user in (me, planner):
        assert _audited(Action.PERSON_VIEWED, actor=user, person=person,
                        changes__purpose="plan_requests")
        assert _audited("plan.viewed", actor=user, person=person)


def test_given_an_open_proposal_when_the_person_withdraws_it_then_it_is_withdrawn(
        api_as, person, plan, me):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")

    response = api_as(me).post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["version"]) == ("withdrawn", 2)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert _audited("portal.proposal_withdrawn", actor=me, object_id=str(proposal.pk))


def test_given_an_open_proposal_when_the_planner_accepts_it_then_the_person_is_told(
        api_as, person, plan, me, planner):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")

    response = api_as(planner).post(_proposals(person, f"/{proposal.pk}/accept"),
                                    {"version": 1})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decided_by"]) == (
        "accepted", planner.display_name)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.reason) == (
        ProposalStatus.ACCEPTED, planner, "")
    assert _audited("portal.proposal_accepted", actor=planner, object_id=str(proposal.pk))
    told = Message.objects.get(key=f"portal.proposal_accepted.{proposal.pk}")
    assert told.recipients == ["cecilia@example.org"]


def test_given_an_open_proposal_when_the_planner_declines_it_then_the_person_reads_why(
        api_as, person, plan, me, planner):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")

    response = api_as(planner).post(_proposals(person, f"/{proposal.pk}/decline"),
                                    {"version": 1, "reason": "We talk about it at the review"})

    assert response.status_code == 200, response.json()
    assert response.json()["reason"] == "We talk about it at the review"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (ProposalStatus.DECLINED,
                                                  "We talk about it at the review")
    assert _audited("portal.proposal_declined", actor=planner, object_id=str(proposal.pk))
    assert Message.objects.filter(key=f"portal.proposal_declined.{proposal.pk}").exists()
    mine = api_as(me).get(_proposals(person)).json()
    assert [(r["status"], r["reason"]) for r in mine] == [
        ("declined", "We talk about it at the review")]


def test_given_more_requests_then_the_lists_take_no_more_queries(
        api_as, person, plan, me, planner):
    api = api_as(planner)
    services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    api.get(_proposals(person))  # the token's first use writes its last-used time

    with CaptureQueriesContext(connection) as one:
        assert len(api.get(_proposals(person)).json()) == 1
        assert len(api.get(_requests(person)).json()) == 1
    rep = representative_of(person, basis="other")
    for n in range(4):
        proposal = services.proposal_make(actor=rep, plan=plan, section="outcomes",
                                          text=f"Idea {n}")
        services.proposal_decline(actor=planner, proposal=proposal, version=1, reason="No")
    asked = CoordinatorChangeRequest.objects.get()
    services.coordinator_change_done(actor=planner, request=asked, version=1)
    services.coordinator_change_ask(actor=rep, person=person, reason="Still too busy")
    with CaptureQueriesContext(connection) as more:
        assert len(api.get(_proposals(person)).json()) == 5
        assert len(api.get(_requests(person)).json()) == 2

    assert len(more.captured_queries) == len(one.captured_queries)


# --- asking for a review now -------------------------------------------------------------------

def test_given_the_person_when_they_ask_for_a_review_then_it_is_due_within_two_weeks(
        api_as, person, plan, me):
    today = timezone.localdate()
    assert ReviewSchedule.objects.get(plan=plan).due_on > today + dt.timedelta(days=14)

    response = api_as(me).post(_review(person), {"details": "My carer is leaving"})

    assert response.status_code == 201, response.json()
    assert response.json()["due_on"] == (today + dt.timedelta(days=14)).isoformat()
    assert response.json()["why"]
    assert ReviewSchedule.objects.get(plan=plan).due_on == today + dt.timedelta(days=14)
    trigger = ReviewTrigger.objects.get(plan=plan)
    assert (trigger.reason, trigger.details, trigger.raised_by) == (
        "person_request", "My carer is leaving", me)
    assert _audited("review.trigger_recorded", actor=me, object_id=str(trigger.pk))
    told = Message.objects.get(key=f"portal.review_asked.{trigger.pk}")
    assert told.recipients == [COORDINATOR_EMAIL]


def test_given_no_details_then_a_review_may_still_be_asked_for(api_as, person, plan, me):
    response = api_as(me).post(_review(person), {})

    assert response.status_code == 201, response.json()
    assert ReviewTrigger.objects.get(plan=plan).details == ""


# --- a different named coordinator -------------------------------------------------------------

def test_given_the_person_when_they_ask_for_a_different_coordinator_then_staff_are_told(
        api_as, person, plan, me):
    response = api_as(me).post(_requests(person), {"reason": "We do not get on",
                                                   "preferred": "Someone at Brookside"})

    assert response.status_code == 201, response.json()
    asked = CoordinatorChangeRequest.objects.get(person=person)
    assert response.json()["id"] == str(asked.pk)
    assert (response.json()["status"], response.json()["requested_by"]) == (
        "open", "Cecilia Okonkwo-Baird")
    assert (asked.reason, asked.preferred, asked.requested_by) == (
        "We do not get on", "Someone at Brookside", me)
    assert _audited("portal.coordinator_change_asked", actor=me, object_id=str(asked.pk))
    told = Message.objects.get(key=f"portal.coordinator_change_asked.{asked.pk}")
    assert told.recipients == [COORDINATOR_EMAIL]


def test_given_requests_then_the_list_is_newest_first_for_the_person_and_staff(
        api_as, person, plan, me, planner):
    older = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    services.coordinator_change_decline(actor=planner, request=older, version=1,
                                        response="Sam is the only one who speaks Polish")
    newer = services.coordinator_change_ask(actor=me, person=person, reason="Still too busy")

    mine = api_as(me).get(_requests(person))
    staff = api_as(planner).get(_requests(person))

    assert mine.status_code == 200, mine.json()
    assert mine.json() == staff.json()
    assert [(r["id"], r["status"], r["response"]) for r in mine.json()] == [
        (str(newer.pk), "open", ""),
        (str(older.pk), "declined", "Sam is the only one who speaks Polish")]
    assert _audited(Action.PERSON_VIEWED, actor=me, person=person,
                    changes__purpose="plan_requests")


def test_given_a_request_when_staff_mark_it_done_then_the_person_is_told(
        api_as, person, plan, me, planner):
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")

    response = api_as(planner).post(_requests(person, f"/{asked.pk}/done"),
                                    {"version": 1, "response": "Alex Reid is your coordinator"})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["response"]) == (
        "done", "Alex Reid is your coordinator")
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (CoordinatorRequestStatus.DONE, planner)
    assert _audited("portal.coordinator_change_done", actor=planner, object_id=str(asked.pk))
    assert Message.objects.get(key=f"portal.coordinator_change_done.{asked.pk}").recipients \
        == ["cecilia@example.org"]


def test_given_a_request_when_staff_decline_it_then_the_person_reads_why(
        api_as, person, plan, me, planner):
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")

    response = api_as(planner).post(_requests(person, f"/{asked.pk}/decline"),
                                    {"version": 1, "response": "Sam is the only one free"})

    assert response.status_code == 200, response.json()
    asked.refresh_from_db()
    assert (asked.status, asked.response) == (CoordinatorRequestStatus.DECLINED,
                                              "Sam is the only one free")
    assert _audited("portal.coordinator_change_declined", actor=planner)
    assert Message.objects.filter(key=f"portal.coordinator_change_declined.{asked.pk}").exists()


# --- who may not -------------------------------------------------------------------------------

def test_given_a_nominee_then_they_cannot_propose_or_ask(api_as, person, plan):
    api = api_as(nominee_of(person))
    before = _written()

    propose = api.post(_proposals(person), {"section": "contingency", "text": IDEA})
    review = api.post(_review(person), {"details": "Now please"})
    coordinator = api.post(_requests(person), {"reason": "We do not get on"})

    # A nominee sees the budget they manage and nothing of the plan: the plan is not found.
    assert propose.status_code == 404
    assert review.status_code == 404
    assert coordinator.status_code == 403
    assert _written() == before


def test_given_family_the_plan_is_shared_with_then_they_read_it_but_cannot_ask_anything(
        api_as, person, plan, me):
    services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    family, _ = circle_member_of(person, shared=True)
    api = api_as(family)
    before = _written()

    listed = api.get(_proposals(person))
    propose = api.post(_proposals(person), {"section": "contingency", "text": IDEA})
    review = api.post(_review(person), {"details": "Mum needs a review"})
    coordinator = api.post(_requests(person), {"reason": "We do not get on"})

    # What the person asked is part of their record, which family do not reach.
    assert (listed.status_code, listed.json()) == (200, [])
    assert propose.status_code == 403
    assert review.status_code == 403
    assert coordinator.status_code == 403
    assert _written() == before


def test_given_a_representative_on_another_basis_then_they_propose_and_ask_but_cannot_share(
        api_as, person, plan):
    rep = representative_of(person, basis="other")
    api = api_as(rep)
    contact = circle_member_of(person, shared=False)[1]

    propose = api.post(_proposals(person), {"section": "contingency", "text": IDEA})
    review = api.post(_review(person), {})
    coordinator = api.post(_requests(person), {"reason": "They never call back"})
    share = api.post(f"/people/{person.pk}/consent", {"grantee": "circle",
                                                      "contact": str(contact.pk)})

    assert propose.status_code == 201, propose.json()
    assert review.status_code == 201, review.json()
    assert coordinator.status_code == 201, coordinator.json()
    assert share.status_code in (403, 404)
    assert not ConsentGrant.objects.filter(contact=contact).exists()
    assert ChangeProposal.objects.get().proposed_by == rep


def test_given_the_person_then_they_cannot_answer_their_own_proposal_or_request(
        api_as, person, plan, me):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    api = api_as(me)
    before = _written()

    responses = {
        "accept": api.post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1}),
        "decline": api.post(_proposals(person, f"/{proposal.pk}/decline"),
                            {"version": 1, "reason": "I changed my mind"}),
        "done": api.post(_requests(person, f"/{asked.pk}/done"), {"version": 1}),
        "refuse": api.post(_requests(person, f"/{asked.pk}/decline"),
                           {"version": 1, "response": "No"}),
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses,
                                                                                   403)
    assert _written() == before


def test_given_staff_then_they_cannot_propose_withdraw_or_ask_for_the_person(
        api_as, person, plan, me, planner):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    api = api_as(planner)
    before = _written()

    propose = api.post(_proposals(person), {"section": "contingency", "text": IDEA})
    withdraw = api.post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1})
    review = api.post(_review(person), {"details": "Asked on the phone"})
    coordinator = api.post(_requests(person), {"reason": "Asked on the phone"})

    # Staff record a request made to them as a review trigger, on the reviews endpoint.
    assert (propose.status_code, withdraw.status_code, review.status_code,
            coordinator.status_code) == (403, 403, 403, 403)
    assert _written() == before


def test_given_staff_shared_with_by_consent_then_they_read_but_cannot_answer(
        api_as, person, plan, me):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    reader = UserFactory(role="practitioner")
    grant(person, staff=reader)
    api = api_as(reader)
    before = _written()

    listed = api.get(_proposals(person))
    accept = api.post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1})
    done = api.post(_requests(person, f"/{asked.pk}/done"), {"version": 1})

    assert [r["text"] for r in listed.json()] == ["Less worry"]
    assert (accept.status_code, done.status_code) == (403, 403)
    assert _written() == before


def test_given_someone_else_then_they_cannot_withdraw_the_persons_proposal(
        api_as, person, plan, me):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    family, _ = circle_member_of(person, shared=True)

    api = api_as(family)

    listed = api.get(_proposals(person))
    response = api.post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1})

    # Family reach the plan but not the person's proposals: not found, and the attempt kept.
    assert (listed.status_code, listed.json()) == (200, [])
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    assert _audited(Action.PERSON_ACCESS_REFUSED, actor=family, person=person,
                    object_id=str(proposal.pk))


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field", "message"), [
    ({"section": "contingency", "text": ""}, "text", "Say what you would like changed"),
    ({"section": "contingency", "text": "   "}, "text", "Say what you would like changed"),
    ({"section": "contingency", "text": "x" * 2001}, "text", "at most 2000 characters"),
    ({"section": "budgets", "text": IDEA}, "section", "Input should be"),
    ({"text": IDEA}, "section", "This field is required"),
    ({"section": "contingency", "text": IDEA, "colour": "red"}, "colour",
     "This field is not recognised"),
])
def test_given_bad_input_when_proposing_then_the_field_is_named_and_nothing_is_written(
        api_as, person, plan, me, body, field, message):
    before = _written()

    response = api_as(me).post(_proposals(person), body)

    assert response.status_code == 422, response.json()
    assert list(_errors(response)) == [field]
    assert message in _errors(response)[field]
    assert _written() == before


def test_given_a_section_a_wellbeing_plan_does_not_have_then_it_is_refused(
        api_as, planner, person, coordinator):
    plan_services.plan_start(actor=planner, person=person, kind="wellbeing")
    api = api_as(the_person(person))
    before = _written()

    response = api.post(_proposals(person), {"section": "personal_assistants", "text": IDEA})

    assert response.status_code == 422, response.json()
    assert _errors(response) == {"section": services.SECTION_NOT_IN_PLAN}
    assert _written() == before
    assert api.post(_proposals(person), {"section": "contingency",
                                         "text": IDEA}).status_code == 201


def test_given_a_body_that_is_not_json_then_422(api_as, person, plan, me):
    response = api_as(me).post(_proposals(person), raw="{section: contingency")

    assert response.status_code == 422
    assert list(_errors(response)) == ["body"]
    assert not ChangeProposal.objects.exists()


def test_given_a_stale_version_then_409_with_the_proposal_as_saved(
        api_as, person, plan, me, planner):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    services.proposal_decline(actor=planner, proposal=proposal, version=1, reason="Not now")
    before = _written()

    withdraw = api_as(me).post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1})
    accept = api_as(planner).post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1})

    for response in (withdraw, accept):
        assert response.status_code == 409, response.json()
        assert list(_errors(response)) == ["version"]
        assert response.json()["current"]["status"] == "declined"
    assert _written() == before


def test_given_an_answered_proposal_when_answered_again_then_refused(
        api_as, person, plan, me, planner):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    api = api_as(planner)
    first = api.post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1})
    before = _written()

    again = api.post(_proposals(person, f"/{proposal.pk}/decline"),
                     {"version": first.json()["version"], "reason": "On second thoughts"})
    withdraw = api_as(me).post(_proposals(person, f"/{proposal.pk}/withdraw"),
                               {"version": first.json()["version"]})

    assert first.status_code == 200
    for response in (again, withdraw):
        assert response.status_code == 422, response.json()
        assert _errors(response) == {"body": services.ALREADY_DECIDED}
    assert _written() == before
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == (ProposalStatus.ACCEPTED, "")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("decline", {"version": 1, "reason": ""}, "reason"),
    ("decline", {"version": 1, "reason": "  "}, "reason"),
    ("decline", {"version": 1}, "reason"),
    ("accept", {}, "version"),
    ("accept", {"version": "one"}, "version"),
    ("accept", {"version": 1, "reason": "x" * 2001}, "reason"),
    ("accept", {"version": 1, "answer": "Yes"}, "answer"),
])
def test_given_bad_input_when_answering_a_proposal_then_the_field_is_named(
        api_as, person, plan, me, planner, path, body, field):
    proposal = services.proposal_make(actor=me, plan=plan, section="risks", text="Less worry")
    before = _written()

    response = api_as(planner).post(_proposals(person, f"/{proposal.pk}/{path}"), body)

    assert response.status_code == 422, response.json()
    assert list(_errors(response)) == [field]
    assert _written() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({}, "reason"),
    ({"reason": "x" * 2001}, "reason"),
    ({"reason": "Too busy", "preferred": "x" * 201}, "preferred"),
    ({"reason": "Too busy", "coordinator": "Alex"}, "coordinator"),
])
def test_given_bad_input_when_asking_for_a_different_coordinator_then_the_field_is_named(
        api_as, person, plan, me, body, field):
    before = _written()

    response = api_as(me).post(_requests(person), body)

    assert response.status_code == 422, response.json()
    assert list(_errors(response)) == [field]
    assert _written() == before


def test_given_an_open_request_when_asking_again_then_refused(api_as, person, plan, me):
    api = api_as(me)
    assert api.post(_requests(person), {"reason": "Too busy"}).status_code == 201
    before = _written()

    again = api.post(_requests(person), {"reason": "Still too busy"})

    assert again.status_code == 422
    assert _errors(again) == {"reason": services.ALREADY_ASKED}
    assert _written() == before


@pytest.mark.parametrize(("path", "body", "field"), [
    ("decline", {"version": 1, "response": ""}, "response"),
    ("decline", {"version": 1, "reason": "No"}, "reason"),
    ("done", {"response": "Done"}, "version"),
])
def test_given_bad_input_when_answering_a_coordinator_request_then_the_field_is_named(
        api_as, person, plan, me, planner, path, body, field):
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    before = _written()

    response = api_as(planner).post(_requests(person, f"/{asked.pk}/{path}"), body)

    assert response.status_code == 422, response.json()
    assert field in _errors(response)
    assert _written() == before


def test_given_a_stale_or_answered_coordinator_request_then_refused(
        api_as, person, plan, me, planner):
    asked = services.coordinator_change_ask(actor=me, person=person, reason="Too busy")
    api = api_as(planner)
    done = api.post(_requests(person, f"/{asked.pk}/done"), {"version": 1})
    before = _written()

    stale = api.post(_requests(person, f"/{asked.pk}/decline"), {"version": 1,
                                                                 "response": "No"})
    again = api.post(_requests(person, f"/{asked.pk}/decline"),
                     {"version": done.json()["version"], "response": "No"})

    assert done.status_code == 200
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "done"
    assert again.status_code == 422
    assert _errors(again) == {"body": services.ALREADY_DECIDED}
    assert _written() == before


def test_given_over_long_or_unknown_review_details_then_the_field_is_named(
        api_as, person, plan, me):
    before = _written()

    long = api_as(me).post(_review(person), {"details": "x" * 2001})
    unknown = api_as(me).post(_review(person), {"details": "Now", "occurred_on": "2026-01-01"})

    assert (long.status_code, list(_errors(long))) == (422, ["details"])
    assert (unknown.status_code, list(_errors(unknown))) == (422, ["occurred_on"])
    assert _written() == before


# --- another person's records ------------------------------------------------------------------

@pytest.fixture
def elsewhere(stranger):
    """A proposal and a coordinator request of someone else, made by their own planner on a
    team ours has nothing to do with."""
    other_team = TeamFactory(hub=True)
    TeamAllocationFactory(team=other_team, person=stranger)
    their_planner = UserFactory(role="practitioner", organisation=other_team.organisation,
                                teams=[other_team])
    gov.named_coordinator(stranger)
    plan, _ = plan_in_action(their_planner, stranger)
    theirs = the_person(stranger)
    proposal = services.proposal_make(actor=theirs, plan=plan, section="risks",
                                      text="Their own worry")
    asked = services.coordinator_change_ask(actor=theirs, person=stranger, reason="Their own")
    return proposal, asked


def _every_call(api: Any, person: Any, proposal: Any, asked: Any) -> dict[str, Any]:
    return {
        "proposals": api.get(_proposals(person)),
        "propose": api.post(_proposals(person), {"section": "risks", "text": "Mine now"}),
        "withdraw": api.post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1}),
        "accept": api.post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1}),
        "decline": api.post(_proposals(person, f"/{proposal.pk}/decline"),
                            {"version": 1, "reason": "No"}),
        "review": api.post(_review(person), {"details": "Now"}),
        "requests": api.get(_requests(person)),
        "ask": api.post(_requests(person), {"reason": "Mine now"}),
        "done": api.post(_requests(person, f"/{asked.pk}/done"), {"version": 1}),
        "refuse": api.post(_requests(person, f"/{asked.pk}/decline"),
                           {"version": 1, "response": "No"}),
    }


@pytest.mark.parametrize("who", ["planner", "the person", "a representative"])
def test_given_another_persons_id_then_every_call_is_404_audited_and_writes_nothing(
        api_as, person, plan, planner, stranger, elsewhere, who):
    user = {"planner": lambda: planner, "the person": lambda: the_person(person),
            "a representative": lambda: representative_of(person)}[who]()
    proposal, asked = elsewhere
    before = _written()
    refused = len(_audited(Action.PERSON_ACCESS_REFUSED, person=stranger, actor=user))

    responses = _every_call(api_as(user), stranger, proposal, asked)

    assert {n: r.status_code for n, r in responses.items()} == dict.fromkeys(responses, 404)
    assert _written() == before
    assert len(_audited(Action.PERSON_ACCESS_REFUSED, person=stranger,
                        actor=user)) == refused + len(responses)


def test_given_another_persons_proposal_or_request_under_ones_own_id_then_404_and_audited(
        api_as, person, plan, planner, stranger, elsewhere, me):
    proposal, asked = elsewhere
    before = _written()

    staff = api_as(planner)
    mine = api_as(me)
    responses = {
        "withdraw": mine.post(_proposals(person, f"/{proposal.pk}/withdraw"), {"version": 1}),
        "accept": staff.post(_proposals(person, f"/{proposal.pk}/accept"), {"version": 1}),
        "decline": staff.post(_proposals(person, f"/{proposal.pk}/decline"),
                              {"version": 1, "reason": "No"}),
        "done": staff.post(_requests(person, f"/{asked.pk}/done"), {"version": 1}),
        "refuse": staff.post(_requests(person, f"/{asked.pk}/decline"),
                             {"version": 1, "response": "No"}),
    }

    assert {n: r.status_code for n, r in responses.items()} == dict.fromkeys(responses, 404)
    assert _written() == before
    # Filed in the history of the person whose record it is.
    refused = _audited(Action.PERSON_ACCESS_REFUSED, person=stranger)
    assert sorted((e.object_type, e.object_id) for e in refused) == sorted(
        [("portal.changeproposal", str(proposal.pk))] * 3
        + [("portal.coordinatorchangerequest", str(asked.pk))] * 2)


def test_given_an_id_that_is_not_an_id_then_404(api_as, person, plan, planner):
    api = api_as(planner)
    assert api.get(_proposals(person)).status_code == 200

    assert api.post(_proposals(person, "/not-an-id/accept"), {"version": 1}).status_code == 404
    assert api.post(_requests(person, "/not-an-id/done"), {"version": 1}).status_code == 404
    assert api.get("/people/not-an-id/plan/proposals").status_code == 404


# --- the OpenAPI document ----------------------------------------------------------------------

def test_the_openapi_document_lists_the_requests_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/people/{person_id}"

    expected = {
        f"{base}/plan/proposals": {"get", "post"},
        f"{base}/plan/proposals/{{proposal_id}}/withdraw": {"post"},
        f"{base}/plan/proposals/{{proposal_id}}/accept": {"post"},
        f"{base}/plan/proposals/{{proposal_id}}/decline": {"post"},
        f"{base}/plan/review-requests": {"post"},
        f"{base}/coordinator-requests": {"get", "post"},
        f"{base}/coordinator-requests/{{request_id}}/done": {"post"},
        f"{base}/coordinator-requests/{{request_id}}/decline": {"post"},
    }
    assert {path: set(paths.get(path, {})) for path in expected} == expected
    for path, methods in expected.items():
        for method in methods:
            assert paths[path][method]["tags"] == ["requests"]
    propose = paths[f"{base}/plan/proposals"]["post"]
    assert set(propose["responses"]) >= {"201", "403", "404", "409", "422"}
