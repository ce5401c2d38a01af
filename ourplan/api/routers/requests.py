"""/api/v1/people/{person_id}/…: what the person (or a representative who may) asks of their
coordinator, and how staff answer, through the portal services the pages use: proposing a change
to a part of the plan and withdrawing it, asking for a review now, asking for a different named
coordinator; accepting or declining a proposal and answering a coordinator request (staff).

The person and plan are read through the pages' selectors (404 outside the caller's scope,
audited); what the caller may do is the services' check (403)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ourplan.accounts.models import User
from ourplan.api.schemas import ErrorOut, Strict
from ourplan.core.views_helpers import signed_in_user
from ourplan.people import selectors as people_selectors
from ourplan.people.models import Person
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan
from ourplan.plans.workflow import Section
from ourplan.portal import selectors, services
from ourplan.portal.models import REQUEST_TEXT_MAX, ChangeProposal, CoordinatorChangeRequest

router = Router(tags=["requests"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}
PREFERRED_MAX = CoordinatorChangeRequest._meta.get_field("preferred").max_length


class ProposalIn(Strict):
    section: Section = Field(description="The part of the plan the change is to")
    text: str = Field(max_length=REQUEST_TEXT_MAX, description="What the person would like changed")


class VersionIn(Strict):
    version: int = Field(description="The version you are answering or withdrawing")


class AcceptIn(VersionIn):
    reason: str = Field("", max_length=REQUEST_TEXT_MAX, description="Optional, for the person")


class DeclineIn(VersionIn):
    reason: str = Field(max_length=REQUEST_TEXT_MAX, description="Why, for the person to read")


class ProposalOut(Schema):
    id: uuid.UUID
    version: int
    section: str
    section_name: str
    text: str
    status: str
    reason: str = Field(description="The coordinator's answer")
    proposed_by: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None


class CoordinatorRequestIn(Strict):
    reason: str = Field(max_length=REQUEST_TEXT_MAX,
                        description="Why the person would like a different coordinator")
    preferred: str = Field("", max_length=PREFERRED_MAX,
                           description="Someone they would prefer, if anyone")


class DoneIn(VersionIn):
    response: str = Field("", max_length=REQUEST_TEXT_MAX, description="Optional, for the person")


class CoordinatorDeclineIn(VersionIn):
    response: str = Field(max_length=REQUEST_TEXT_MAX, description="Why, for the person to read")


class CoordinatorRequestOut(Schema):
    id: uuid.UUID
    version: int
    reason: str
    preferred: str
    status: str
    response: str = Field(description="The answer from the coordinator's team")
    requested_by: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None


class ReviewAskIn(Strict):
    details: str = Field("", max_length=REQUEST_TEXT_MAX, description="Anything to say about why")


class ReviewAskOut(Schema):
    due_on: dt.date | None = Field(description="When the next review is now due; empty until "
                                               "the plan is first agreed")
    why: str


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def _proposal(p: ChangeProposal) -> dict[str, Any]:
    return {"id": p.pk, "version": p.version, "section": p.section,
            "section_name": p.get_section_display(), "text": p.text, "status": p.status,
            "reason": p.reason, "proposed_by": p.proposed_by.display_name,
            "created_at": p.created_at, "decided_by": _name(p.decided_by),
            "decided_at": p.decided_at}


def _request(r: CoordinatorChangeRequest) -> dict[str, Any]:
    return {"id": r.pk, "version": r.version, "reason": r.reason, "preferred": r.preferred,
            "status": r.status, "response": r.response,
            "requested_by": r.requested_by.display_name, "created_at": r.created_at,
            "decided_by": _name(r.decided_by), "decided_at": r.decided_at}


def _plan(request: HttpRequest, person_id: str, purpose: str) -> Plan:
    return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                          purpose=purpose)[1]


def _person(request: HttpRequest, person_id: str, purpose: str) -> Person:
    return people_selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                       purpose=purpose)


def _find_proposal(request: HttpRequest, person_id: str, proposal_id: str,
                   purpose: str) -> ChangeProposal:
    plan = _plan(request, person_id, purpose)
    return selectors.proposal_get(user=signed_in_user(request), plan=plan,
                                  proposal_id=proposal_id)


def _find_request(request: HttpRequest, person_id: str,
                  request_id: str) -> CoordinatorChangeRequest:
    person = _person(request, person_id, "plan_requests")
    return selectors.coordinator_request_get(user=signed_in_user(request), person=person,
                                             request_id=request_id)


# --- proposals ---------------------------------------------------------------------------------

@router.get("/people/{person_id}/plan/proposals", response={200: list[ProposalOut], **ERRORS})
def proposal_list(request: HttpRequest, person_id: str) -> Any:
    """Every change proposed to the person's plan, newest first, with the answer."""
    plan = _plan(request, person_id, "plan_requests")
    return [_proposal(p) for p in selectors.plan_proposals(user=signed_in_user(request),
                                                            plan=plan)]


@router.post("/people/{person_id}/plan/proposals", response={201: ProposalOut, **ERRORS})
def proposal_make(request: HttpRequest, person_id: str, payload: ProposalIn) -> Any:
    """The person, or a representative who may, proposes a change to a part of the plan; their
    named coordinator is told."""
    plan = _plan(request, person_id, "portal_propose")
    proposal = services.proposal_make(actor=signed_in_user(request), plan=plan,
                                      section=payload.section.value, text=payload.text)
    return Status(201, _proposal(proposal))


@router.post("/people/{person_id}/plan/proposals/{proposal_id}/withdraw",
             response={200: ProposalOut, **ERRORS})
def proposal_withdraw(request: HttpRequest, person_id: str, proposal_id: str,
                      payload: VersionIn) -> Any:
    """Take back a proposal not yet answered."""
    proposal = _find_proposal(request, person_id, proposal_id, "portal_propose")
    return _proposal(services.proposal_withdraw(actor=signed_in_user(request), proposal=proposal,
                                                version=payload.version))


@router.post("/people/{person_id}/plan/proposals/{proposal_id}/accept",
             response={200: ProposalOut, **ERRORS})
def proposal_accept(request: HttpRequest, person_id: str, proposal_id: str,
                    payload: AcceptIn) -> Any:
    """Staff who may change the plan accept the proposal (and make the change in the plan
    themselves); the person who proposed it is told. Answered once."""
    proposal = _find_proposal(request, person_id, proposal_id, "plan_requests")
    return _proposal(services.proposal_accept(actor=signed_in_user(request), proposal=proposal,
                                              version=payload.version, reason=payload.reason))


@router.post("/people/{person_id}/plan/proposals/{proposal_id}/decline",
             response={200: ProposalOut, **ERRORS})
def proposal_decline(request: HttpRequest, person_id: str, proposal_id: str,
                     payload: DeclineIn) -> Any:
    """Staff who may change the plan decline the proposal with a reason the person reads."""
    proposal = _find_proposal(request, person_id, proposal_id, "plan_requests")
    return _proposal(services.proposal_decline(actor=signed_in_user(request), proposal=proposal,
                                               version=payload.version, reason=payload.reason))


# --- asking for a review now -------------------------------------------------------------------

@router.post("/people/{person_id}/plan/review-requests", response={201: ReviewAskOut, **ERRORS})
def review_ask(request: HttpRequest, person_id: str, payload: ReviewAskIn) -> Any:
    """The person, or a representative, asks for a review now: it is brought forward and their
    named coordinator is told. Staff record a request made to them at
    `/people/{person_id}/plan/reviews/triggers` instead."""
    plan = _plan(request, person_id, "portal_review")
    schedule = services.review_ask(actor=signed_in_user(request), plan=plan,
                                   details=payload.details)
    return Status(201, {"due_on": schedule.due_on, "why": schedule.reason})


# --- a different named coordinator -------------------------------------------------------------

@router.get("/people/{person_id}/coordinator-requests",
            response={200: list[CoordinatorRequestOut], **ERRORS})
def coordinator_request_list(request: HttpRequest, person_id: str) -> Any:
    """Every request for a different named coordinator, newest first, with the answer."""
    person = _person(request, person_id, "plan_requests")
    return [_request(r) for r in selectors.person_coordinator_requests(
        user=signed_in_user(request), person=person)]


@router.post("/people/{person_id}/coordinator-requests",
             response={201: CoordinatorRequestOut, **ERRORS})
def coordinator_change_ask(request: HttpRequest, person_id: str,
                           payload: CoordinatorRequestIn) -> Any:
    """The person, or a representative, asks for a different named coordinator; one request
    waits at a time. The coordinator is told."""
    person = _person(request, person_id, "portal_coordinator")
    asked = services.coordinator_change_ask(actor=signed_in_user(request), person=person,
                                            reason=payload.reason, preferred=payload.preferred)
    return Status(201, _request(asked))


@router.post("/people/{person_id}/coordinator-requests/{request_id}/done",
             response={200: CoordinatorRequestOut, **ERRORS})
def coordinator_change_done(request: HttpRequest, person_id: str, request_id: str,
                            payload: DoneIn) -> Any:
    """Staff who may change the care team mark the request done, after changing the named
    coordinator; the person who asked is told."""
    found = _find_request(request, person_id, request_id)
    return _request(services.coordinator_change_done(
        actor=signed_in_user(request), request=found, version=payload.version,
        response=payload.response))


@router.post("/people/{person_id}/coordinator-requests/{request_id}/decline",
             response={200: CoordinatorRequestOut, **ERRORS})
def coordinator_change_decline(request: HttpRequest, person_id: str, request_id: str,
                               payload: CoordinatorDeclineIn) -> Any:
    """Staff who may change the care team decline the request with a response the person
    reads."""
    found = _find_request(request, person_id, request_id)
    return _request(services.coordinator_change_decline(
        actor=signed_in_user(request), request=found, version=payload.version,
        response=payload.response))
