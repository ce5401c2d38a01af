"""The audit service: every service that reads or changes a person's data calls it.

Explicit calls rather than model signals, because signals miss bulk changes and cannot say *why*
something happened (see docs/adr/0003-audit-trail.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from ourplan.core.middleware import current_channel, current_request_id
from ourplan.core.models import AuditEvent

if TYPE_CHECKING:
    from ourplan.accounts.models import User
    from ourplan.people.models import Person


class Action:
    """Audit action names, in one place so reports and tests can rely on them."""

    PERSON_VIEWED = "person.viewed"
    PERSON_LISTED = "person.listed"
    PERSON_CREATED = "person.created"
    PERSON_UPDATED = "person.updated"
    PERSON_ACCESS_REFUSED = "person.access_refused"
    PERSON_ALLOCATED = "person.allocated_to_team"
    CONTACT_ADDED = "personal_contact.added"
    CONTACT_UPDATED = "personal_contact.updated"
    CONTACT_REMOVED = "personal_contact.removed"
    CARE_TEAM_ADDED = "care_team_member.added"
    CARE_TEAM_UPDATED = "care_team_member.updated"
    CARE_TEAM_ENDED = "care_team_member.ended"
    NAMED_COORDINATOR_SET = "care_team_member.named_coordinator_set"
    AUDIT_VIEWED = "audit.viewed"
    LOGGED_IN = "user.logged_in"
    LOGGED_OUT = "user.logged_out"
    API_TOKEN_CREATED = "api_token.created"
    PORTAL_OUTSIDE_BOUNDARY = "portal.outside_boundary"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The editable field values of a record, as JSON."""
    names = fields or [
        f.attname for f in instance._meta.concrete_fields
        if f.name not in {"created_at", "updated_at"}
    ]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """What changed, as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key) and key != "version"
    }


def _event(
    *,
    actor: User | None,
    action: str,
    person: Person | None,
    obj: models.Model | None,
    object_type: str,
    object_id: str,
    changes: Mapping[str, Any] | None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        person=person,
        object_type=object_type,
        object_id=object_id,
        changes=_jsonable(dict(changes or {})),
        request_id=current_request_id(),
        channel=current_channel(),
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    person: Person | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the service's transaction."""
    event = _event(
        actor=actor, action=action, person=person, obj=obj,
        object_type=object_type, object_id=object_id, changes=changes,
    )
    event.save()
    return event


def audit_record_reads(
    *, actor: User, action: str, people: Iterable[Person], changes: Mapping[str, Any] | None = None
) -> None:
    """One row per person shown on a list page, written in a single INSERT."""
    AuditEvent.objects.bulk_create(
        [
            _event(actor=actor, action=action, person=p, obj=p, object_type="", object_id="",
                   changes=changes)
            for p in people
        ]
    )
