"""Who may see whom: every read of a person's data starts from `visible_to(user)`.

A member of staff sees a person only through a legitimate relationship that is current today:
they are on the person's care team, or they belong to a team the person is allocated to.
Everything that hangs off a person is scoped through the person (docs/adr/0004-scoping.md).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

if TYPE_CHECKING:
    from ourplan.accounts.models import User

M = TypeVar("M", bound=models.Model)


def _today() -> dt.date:
    return timezone.localdate()


def current_on(day: dt.date, prefix: str = "") -> Q:
    """Started on or before `day` and not ended before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def _is_staff_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _relationship(user: Any, person_ref: str) -> Q:
    """A current care-team place or allocated team linking `user` to the person named by
    `person_ref` in the outer query."""
    from ourplan.people.models import CareTeamMember, TeamAllocation

    today = _today()
    on_care_team = CareTeamMember.objects.filter(
        current_on(today), person=OuterRef(person_ref), user=user
    )
    in_allocated_team = TeamAllocation.objects.filter(
        current_on(today), person=OuterRef(person_ref), team__members=user
    )
    return Q(Exists(on_care_team)) | Q(Exists(in_allocated_team))


class PersonQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | Any) -> PersonQuerySet:
        if not _is_staff_user(user):
            return self.none()
        return self.filter(_relationship(user, "pk"))

    def audit_visible_to(self, user: User | Any) -> PersonQuerySet:
        """Whose audit history a user may read: an administrator reads it for everyone ever
        allocated to a team of their organisation; nobody else reads audit history."""
        from ourplan.accounts.models import Role
        from ourplan.people.models import TeamAllocation

        if not _is_staff_user(user) or user.role != Role.ADMINISTRATOR or not user.organisation_id:
            return self.none()
        allocated_here = TeamAllocation.objects.filter(
            person=OuterRef("pk"), team__organisation_id=user.organisation_id
        )
        return self.filter(Exists(allocated_here))


class PersonDataQuerySet(models.QuerySet[M]):
    """For records that belong to one person: visible when the person is."""

    def visible_to(self, user: User | Any) -> PersonDataQuerySet[M]:
        if not _is_staff_user(user):
            return self.none()
        # Correlated on the row's own person, so the cost does not grow with the number of
        # people the user can see (an IN over all of them did).
        return self.filter(_relationship(user, "person"))

    def current(self) -> PersonDataQuerySet[M]:
        return self.filter(current_on(_today()))
