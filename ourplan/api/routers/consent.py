"""/api/v1/people/{person_id}/consent: who the person shares their plan with, granting consent
to share and withdrawing it, through the consent services. For staff tokens and for the
person's (or their representative's) own; outside scope is 404, audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ourplan.api.schemas import ErrorOut, Strict
from ourplan.consent import selectors, services
from ourplan.consent.models import ConsentGrant, Grantee
from ourplan.core.views_helpers import signed_in_user
from ourplan.people.models import Person

router = Router(tags=["consent"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class GrantIn(Strict):
    grantee: Grantee
    contact: uuid.UUID | None = None
    staff: uuid.UUID | None = None
    team: uuid.UUID | None = None
    organisation: uuid.UUID | None = None
    purpose: str = Field("", max_length=300)
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class GrantOut(Schema):
    id: uuid.UUID
    grantee: str
    grantee_name: str
    contact: uuid.UUID | None
    staff: uuid.UUID | None
    team: uuid.UUID | None
    organisation: uuid.UUID | None
    purpose: str
    start_date: dt.date
    end_date: dt.date | None
    current: bool
    withdrawn_at: dt.datetime | None


def _person(request: HttpRequest, person_id: str, purpose: str) -> Person:
    user = signed_in_user(request)
    if user.is_portal_user:
        return selectors.portal_person_get(user=user, person_id=person_id, perm="consent.view",
                                           purpose=purpose)
    return selectors.staff_person_get(user=user, person_id=person_id, purpose=purpose)


def _out(grant: ConsentGrant) -> dict[str, Any]:
    return {"id": grant.pk, "grantee": grant.grantee, "grantee_name": grant.grantee_name,
            "contact": grant.contact_id, "staff": grant.staff_id, "team": grant.team_id,
            "organisation": grant.organisation_id, "purpose": grant.purpose,
            "start_date": grant.start_date, "end_date": grant.end_date,
            "current": grant.is_current, "withdrawn_at": grant.withdrawn_at}


@router.get("/people/{person_id}/consent", response={200: list[GrantOut], **ERRORS})
def consent_list(request: HttpRequest, person_id: str) -> Any:
    """Every grant, current, future, ended and withdrawn, newest first."""
    person = _person(request, person_id, purpose="sharing")
    return [_out(g) for g in selectors.person_grants(user=signed_in_user(request), person=person)]


@router.post("/people/{person_id}/consent", response={201: GrantOut, **ERRORS})
def consent_grant(request: HttpRequest, person_id: str, payload: GrantIn) -> Any:
    """Share the plan with one of `contact` (someone in the circle), `staff`, `team` or
    `organisation`, as `grantee` says; the others are ignored."""
    person = _person(request, person_id, purpose="sharing_new")
    target = {Grantee.CIRCLE: "contact", Grantee.STAFF: "staff", Grantee.TEAM: "team",
              Grantee.ORGANISATION: "organisation"}[payload.grantee]
    found = selectors.grantee_resolve(user=signed_in_user(request), person=person,
                                      **{target: getattr(payload, target) or ""})
    grant = services.consent_grant(
        actor=signed_in_user(request), person=person, grantee=payload.grantee.value,
        purpose=payload.purpose, start_date=payload.start_date, end_date=payload.end_date,
        **found)
    return Status(201, _out(grant))


@router.post("/people/{person_id}/consent/{grant_id}/withdraw",
             response={200: GrantOut, **ERRORS})
def consent_withdraw(request: HttpRequest, person_id: str, grant_id: str) -> Any:
    """Stop sharing at once. Withdrawing twice is refused (409)."""
    person = _person(request, person_id, purpose="sharing_withdraw")
    grant = selectors.grant_get(user=signed_in_user(request), person=person, grant_id=grant_id)
    return _out(services.consent_withdraw(actor=signed_in_user(request), grant=grant))
