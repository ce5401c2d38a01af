"""Shared model building blocks and the append-only audit trail."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """UUID keys (never guessable, safe in URLs) and timestamps for every domain record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """A record people edit: `version` goes up by one on every change so that a stale edit is
    detected (optimistic concurrency) instead of silently overwriting someone else's work."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("The audit trail cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("The audit trail cannot be deleted.")

    def for_person(self, person: Any) -> AuditEventQuerySet:
        return self.filter(person=person).select_related("actor").order_by("-occurred_at", "-id")


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """One row per read or change of someone's data: who, when, what, whose, which record.

    Written only by `ourplan.core.audit.audit_record` (never by signals). Rows are never updated
    or deleted: the model refuses it and, on PostgreSQL, a trigger does too.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text as well, so the row still reads correctly if the account is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=16, blank=True)  # web, api, command

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("The audit trail cannot be deleted.")
