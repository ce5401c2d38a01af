"""/api/v1: the plan's readiness check, submitting it for sign-off, deciding it, and the
approver's queue, through the governance services."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ourplan.api.schemas import ErrorOut, Strict
from ourplan.core.views_helpers import signed_in_user
from ourplan.governance import selectors, services
from ourplan.governance.models import Submission
from ourplan.governance.readiness import plan_readiness
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan

router = Router(tags=["sign-off"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class ItemOut(Schema):
    key: str
    label: str
    passed: bool
    missing: str


class GroupOut(Schema):
    key: str
    title: str
    passed: bool
    items: list[ItemOut]


class ReadinessOut(Schema):
    ready: bool
    sign_off_needed: bool
    risk: str
    risk_reasons: list[str]
    budget_a_year: decimal.Decimal | None
    groups: list[GroupOut]


class SubmitIn(Strict):
    version: int
    note: str = Field("", max_length=2000)


class DecisionIn(Strict):
    version: int
    decision: Literal["approve", "refuse"]
    reasons: str = Field("", max_length=4000)
    alternatives: str = Field("", max_length=4000)


class SubmissionOut(Schema):
    id: uuid.UUID
    version: int
    person: uuid.UUID
    decision: str
    plan_version: int | None
    status: str
    level: int
    risk: str
    budget_a_year: decimal.Decimal | None
    submitted_by: str
    submitted_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    reasons: str
    alternatives: str
    message_to_person: str
    appeal_by: dt.date | None


def _plan(request: HttpRequest, person_id: str, purpose: str) -> Plan:
    return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                          purpose=purpose)[1]


def _submission(s: Submission) -> dict[str, Any]:
    return {
        "id": s.pk, "version": s.version, "person": s.person_id, "decision": s.decision,
        "plan_version": s.plan_version.number if s.plan_version else None,
        "status": s.status, "level": s.level, "risk": s.get_risk_display().lower(),
        "budget_a_year": s.amount, "submitted_by": s.submitted_by.username,
        "submitted_at": s.submitted_at,
        "decided_by": s.decided_by.username if s.decided_by else None,
        "decided_at": s.decided_at, "reasons": s.reasons, "alternatives": s.alternatives,
        "message_to_person": s.message_to_person, "appeal_by": s.appeal_by,
    }


@router.get("/people/{person_id}/plan/readiness", response={200: ReadinessOut, **ERRORS})
def readiness_get(request: HttpRequest, person_id: str) -> Any:
    """Whether the plan is ready to be submitted for sign-off, item by item."""
    readiness = plan_readiness(_plan(request, person_id, purpose="readiness"))
    return {
        "ready": readiness.ready, "sign_off_needed": readiness.sign_off_needed,
        "risk": readiness.risk.label.lower(), "risk_reasons": list(readiness.risk_reasons),
        "budget_a_year": readiness.amount,
        "groups": [{"key": g.key, "title": g.title, "passed": g.passed,
                    "items": [{"key": i.key, "label": i.label, "passed": i.passed,
                               "missing": i.missing} for i in g.items]}
                   for g in readiness.groups],
    }


@router.get("/people/{person_id}/plan/sign-off", response={200: list[SubmissionOut], **ERRORS})
def submissions_list(request: HttpRequest, person_id: str) -> Any:
    plan = _plan(request, person_id, purpose="sign_off")
    return [_submission(s) for s in selectors.sign_off_history(plan=plan).submissions]


@router.post("/people/{person_id}/plan/sign-off", response={201: SubmissionOut, **ERRORS})
def submit(request: HttpRequest, person_id: str, payload: SubmitIn) -> Any:
    """Submit the agreed plan for sign-off. 409 with each missing item if it is not ready."""
    plan = _plan(request, person_id, purpose="sign_off_submit")
    submission = services.plan_submit_for_sign_off(actor=signed_in_user(request), plan=plan,
                                                   version=payload.version, note=payload.note)
    return Status(201, _submission(submission))


@router.get("/approvals", response={200: list[SubmissionOut], **ERRORS})
def approvals(request: HttpRequest) -> Any:
    """Submissions waiting at the levels you decide at, oldest first."""
    return [_submission(s) for s in
            selectors.approvals_waiting(user=signed_in_user(request)).select_related("plan_version",
                                                                             "decided_by")]


@router.post("/submissions/{submission_id}/decision", response={200: SubmissionOut, **ERRORS})
def decide(request: HttpRequest, submission_id: str, payload: DecisionIn) -> Any:
    """Sign off or refuse. A refusal needs reasons and alternatives; either needs reasons."""
    submission = selectors.submission_get(user=signed_in_user(request), submission_id=submission_id,
                                          purpose="api")
    if payload.decision == "approve":
        decided = services.submission_approve(actor=signed_in_user(request), submission=submission,
                                              version=payload.version, reasons=payload.reasons)
    else:
        decided = services.submission_refuse(actor=signed_in_user(request), submission=submission,
                                             version=payload.version, reasons=payload.reasons,
                                             alternatives=payload.alternatives)
    return _submission(decided)
