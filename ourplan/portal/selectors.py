"""Reads of what the person asked of their coordinator: proposed changes to the plan and requests
for a different named coordinator, scoped through `visible_to` (the person and their
representative reach them; family the plan is shared with do not; staff who can see the person
do). The person and plan are read first through `person_get` / `person_and_plan`, which audit
the read; an id that is not one of this person's records is NotFound, and the attempt is
audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from ourplan.accounts.models import User
from ourplan.core.audit import Action, audit_record
from ourplan.core.errors import NotFound
from ourplan.people.models import Person
from ourplan.plans.models import Plan
from ourplan.portal.models import ChangeProposal, CoordinatorChangeRequest


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _refuse(user: User, model: type[models.Model], record_id: Any) -> NotFound:
    """Audit an attempt to reach a record that is not this person's (or not the user's to see);
    the caller raises 404."""
    pk = _as_uuid(record_id)
    # Unscoped, only to file the attempt in the history of the person the record belongs to.
    owner = (model._default_manager.filter(pk=pk).values_list("person_id", flat=True).first()
             if pk else None)
    audit_record(actor=user, action=Action.PERSON_ACCESS_REFUSED,
                 person=Person.objects.filter(pk=owner).first() if owner else None,
                 object_type=model._meta.label_lower, object_id=str(record_id)[:64])
    return NotFound()


def plan_proposals(*, user: User, plan: Plan) -> list[ChangeProposal]:
    """Every change proposed to this plan, newest first, with who proposed and who answered."""
    return list(ChangeProposal.objects.visible_to(user).filter(plan=plan)
                .select_related("proposed_by", "decided_by").order_by("-created_at"))


def proposal_get(*, user: User, plan: Plan, proposal_id: Any) -> ChangeProposal:
    pk = _as_uuid(proposal_id)
    proposal = (ChangeProposal.objects.visible_to(user).filter(plan=plan, pk=pk)
                .select_related("proposed_by", "decided_by").first() if pk else None)
    if proposal is None:
        raise _refuse(user, ChangeProposal, proposal_id)
    return proposal


def person_coordinator_requests(*, user: User, person: Person) -> list[CoordinatorChangeRequest]:
    """Every request for a different named coordinator, newest first."""
    return list(CoordinatorChangeRequest.objects.visible_to(user).filter(person=person)
                .select_related("requested_by", "decided_by").order_by("-created_at"))


def coordinator_request_get(*, user: User, person: Person,
                            request_id: Any) -> CoordinatorChangeRequest:
    pk = _as_uuid(request_id)
    found = (CoordinatorChangeRequest.objects.visible_to(user).filter(person=person, pk=pk)
             .select_related("requested_by", "decided_by").first() if pk else None)
    if found is None:
        raise _refuse(user, CoordinatorChangeRequest, request_id)
    return found
