"""/api/v1/people/{person_id}/plan: the plan's stage and sections, through the plan services."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ourplan.accounts.models import User
from ourplan.api.schemas import ErrorOut, Strict
from ourplan.core.errors import NotFound
from ourplan.people import selectors as people_selectors
from ourplan.plans import selectors, services
from ourplan.plans.models import Plan
from ourplan.plans.presenters import plan_page_context
from ourplan.plans.workflow import (
    TRANSITIONS_BY_NAME,
    Confidence,
    PamLevel,
    PlanKind,
    Section,
    SectionStatus,
)

router = Router(tags=["plans"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class PlanStart(Strict):
    kind: PlanKind = PlanKind.FULL


class SupportNeeds(Strict):
    version: int
    pam_level: PamLevel | None = None
    pam_score: decimal.Decimal | None = Field(None, max_digits=4, decimal_places=1)
    pam_date: dt.date | None = None
    confidence: Confidence | None = None


class SectionStatusIn(Strict):
    version: int
    status: SectionStatus


class TransitionIn(Strict):
    version: int


class SectionOut(Schema):
    section: str
    title: str
    status: str
    needed_to_move_on: bool


class StageChangeOut(Schema):
    transition: str
    from_stage: str
    to_stage: str
    actor: str
    occurred_at: dt.datetime


class PlanOut(Schema):
    id: uuid.UUID
    version: int
    kind: str
    stage: str
    pam_level: int | None
    pam_score: decimal.Decimal | None
    pam_date: dt.date | None
    confidence: int | None
    support_suggestion: str | None
    sections: list[SectionOut]
    next_transitions: list[str]
    history: list[StageChangeOut]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _plan(request: HttpRequest, person_id: str) -> Plan:
    person = people_selectors.person_get(user=_user(request), person_id=person_id,
                                         purpose="plan")
    plan = selectors.plan_for_person(user=_user(request), person=person)
    if plan is None:
        raise NotFound()
    return plan


def _out(plan: Plan) -> dict[str, Any]:
    page = plan_page_context(plan)
    suggestion = page["suggestion"]
    return {
        "id": plan.pk, "version": plan.version, "kind": plan.kind, "stage": plan.stage,
        "pam_level": plan.pam_level, "pam_score": plan.pam_score, "pam_date": plan.pam_date,
        "confidence": plan.confidence,
        "support_suggestion": f"{suggestion[0]}: {suggestion[1]}" if suggestion else None,
        "sections": [{"section": t["section"].value, "title": t["section"].label,
                      "status": t["status"], "needed_to_move_on": t["needed_now"]}
                     for t in page["tasks"]],
        "next_transitions": [t.name for t in page["transitions"]],
        "history": [{"transition": c.transition, "from_stage": c.from_stage,
                     "to_stage": c.to_stage, "actor": c.actor.username,
                     "occurred_at": c.occurred_at} for c in page["history"]],
    }


def _reloaded(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    return _out(_plan(request, str(plan.person_id)))


@router.get("/people/{person_id}/plan", response={200: PlanOut, **ERRORS})
def plan_get(request: HttpRequest, person_id: str) -> Any:
    return _out(_plan(request, person_id))


@router.post("/people/{person_id}/plan", response={201: PlanOut, **ERRORS})
def plan_start(request: HttpRequest, person_id: str, payload: PlanStart) -> Any:
    person = people_selectors.person_get(user=_user(request), person_id=person_id,
                                         purpose="start_plan")
    plan = services.plan_start(actor=_user(request), person=person, kind=payload.kind.value)
    return Status(201, _reloaded(request, plan))


@router.patch("/people/{person_id}/plan/support-needs", response={200: PlanOut, **ERRORS})
def plan_support_needs(request: HttpRequest, person_id: str, payload: SupportNeeds) -> Any:
    plan = _plan(request, person_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    data = {k: getattr(v, "value", v) for k, v in data.items()}
    plan = services.plan_record_support_needs(actor=_user(request), plan=plan, version=version,
                                              data=data)
    return _reloaded(request, plan)


@router.put("/people/{person_id}/plan/sections/{section}", response={200: PlanOut, **ERRORS})
def plan_section_status(request: HttpRequest, person_id: str, section: Section,
                        payload: SectionStatusIn) -> Any:
    plan = _plan(request, person_id)
    plan = services.plan_section_set_status(actor=_user(request), plan=plan,
                                            version=payload.version, section=section.value,
                                            status=payload.status.value)
    return _reloaded(request, plan)


@router.post("/people/{person_id}/plan/transitions/{name}", response={200: PlanOut, **ERRORS})
def plan_transition(request: HttpRequest, person_id: str, name: str,
                    payload: TransitionIn) -> Any:
    """Move the plan on: prepare, hold_conversation, record, make_it_happen, review,
    start_again. Refused with 409, naming the sections still to do."""
    if name not in TRANSITIONS_BY_NAME:
        raise NotFound()
    plan = _plan(request, person_id)
    plan = services.TRANSITION_SERVICES[name](actor=_user(request), plan=plan,
                                              version=payload.version)
    return _reloaded(request, plan)
