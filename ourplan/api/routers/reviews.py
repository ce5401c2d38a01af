"""/api/v1/people/{person_id}/plan/reviews: when the next review is due and why, what has
brought it forward, and recording a trigger (the person's own request among them), through the
reviews services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ourplan.api.schemas import ErrorOut, Strict
from ourplan.core.views_helpers import signed_in_user
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan
from ourplan.reviews import selectors, services
from ourplan.reviews.models import ReviewTrigger, TriggerReason
from ourplan.reviews.schedule import Trigger, trigger_due_on

router = Router(tags=["reviews"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class TriggerIn(Strict):
    reason: TriggerReason
    details: str = Field("", max_length=2000)
    occurred_on: dt.date


class TriggerOut(Schema):
    id: uuid.UUID
    reason: str
    details: str
    occurred_on: dt.date
    review_by: dt.date
    raised_by: str


class ReviewsOut(Schema):
    due_on: dt.date | None
    why: str
    sooner_because: list[str]
    open_triggers: list[TriggerOut]
    review_in_progress: bool
    reviews_completed: int


def _plan(request: HttpRequest, person_id: str, purpose: str) -> Plan:
    return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                          purpose=purpose)[1]


def _trigger(t: ReviewTrigger, review_by: dt.date) -> dict[str, Any]:
    return {"id": t.pk, "reason": t.reason, "details": t.details,
            "occurred_on": t.occurred_on, "review_by": review_by,
            "raised_by": t.raised_by.username}


@router.get("/people/{person_id}/plan/reviews", response={200: ReviewsOut, **ERRORS})
def reviews_get(request: HttpRequest, person_id: str) -> Any:
    plan = _plan(request, person_id, purpose="reviews")
    schedule = services.review_schedule_refresh(plan=plan)
    overview = selectors.reviews_overview(user=signed_in_user(request), plan=plan,
                                          schedule=schedule)
    return {
        "due_on": schedule.due_on, "why": schedule.reason, "sooner_because": overview.sooner,
        "open_triggers": [_trigger(row.trigger, row.review_by)
                          for row in overview.open_triggers],
        "review_in_progress": overview.in_progress is not None,
        "reviews_completed": len(overview.completed),
    }


@router.post("/people/{person_id}/plan/reviews/triggers", response={201: TriggerOut, **ERRORS})
def trigger_record(request: HttpRequest, person_id: str, payload: TriggerIn) -> Any:
    """Something that brings the review forward; `person_request` when the person asks."""
    plan = _plan(request, person_id, purpose="review_trigger")
    trigger = services.review_trigger_record(
        actor=signed_in_user(request), plan=plan, reason=payload.reason.value,
        details=payload.details, occurred_on=payload.occurred_on)
    return Status(201, _trigger(trigger, trigger_due_on(Trigger(trigger.reason,
                                                                trigger.occurred_on))))
