"""Who may see whom: every read of a person's data starts from `visible_to(user)`.

A member of staff sees a person only through a legitimate relationship that is current today:
they are on the person's care team, or they belong to a team the person is allocated to; or
because the person has consented to share their plan with them, their team or their
organisation. A person, their representative or nominee, and family the person shares with,
reach records through their portal access (docs/adr/0011-the-persons-own-plan.md).
Everything that hangs off a person is scoped through the person (docs/adr/0004-scoping.md).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

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


def _is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_staff_user(user: Any) -> bool:
    return _is_active_user(user) and not getattr(user, "is_portal_user", False)


def _is_portal_user(user: Any) -> bool:
    return _is_active_user(user) and bool(getattr(user, "is_portal_user", False))


# What each kind of portal access reaches. The person and their representative reach the whole
# record; a nominee reaches the budget they manage; family the person shares with reach the plan.
RECORD = frozenset({"self", "representative"})
PLAN = frozenset({"self", "representative", "circle"})
BUDGET = frozenset({"self", "representative", "nominee", "circle"})
PERSON = frozenset({"self", "representative", "nominee", "circle"})


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


def _consented(user: Any, person_ref: str) -> Q:
    """A current consent grant from the person to this member of staff, a team they are in, or
    their organisation. Withdrawn or out of date, it gives nothing, at once."""
    from ourplan.consent.models import ConsentGrant

    to_them = Q(staff=user) | Q(team__members=user)
    if user.organisation_id:
        to_them |= Q(organisation_id=user.organisation_id)
    grants = ConsentGrant.objects.current().filter(to_them, person=OuterRef(person_ref))
    return Q(Exists(grants))


def _staff_scope(user: Any, person_ref: str) -> Q:
    return _relationship(user, person_ref) | _consented(user, person_ref)


def _portal_scope(user: Any, person_ref: str, reach: frozenset[str]) -> Q:
    """The person themselves, their representative or nominee (portal access, current), or
    someone in their circle the person has a current consent grant for."""
    from ourplan.consent.models import ConsentGrant
    from ourplan.portal.models import PortalAccess

    accesses = PortalAccess.objects.current().filter(user=user, person=OuterRef(person_ref))
    scope = Q(Exists(accesses.filter(capacity__in=reach - {"circle"})))
    if "circle" in reach:
        shared = ConsentGrant.objects.current().filter(
            person=OuterRef(person_ref),
            contact__portal_accesses__in=PortalAccess.objects.current().filter(
                user=user, capacity="circle"),
        )
        scope |= Q(Exists(shared))
    return scope


class PersonQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | Any) -> PersonQuerySet:
        if _is_portal_user(user):
            return self.filter(_portal_scope(user, "pk", PERSON))
        if not _is_staff_user(user):
            return self.none()
        return self.filter(_staff_scope(user, "pk"))

    def cared_for_by(self, user: User | Any) -> PersonQuerySet:
        """People a member of staff works with (care team or allocated team), not those merely
        shared with them: only these may they change."""
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

    # Which kinds of portal access reach these records (see RECORD, PLAN, BUDGET above).
    portal_reach: ClassVar[frozenset[str]] = PLAN

    def visible_to(self, user: User | Any) -> PersonDataQuerySet[M]:
        # Correlated on the row's own person, so the cost does not grow with the number of
        # people the user can see (an IN over all of them did).
        if _is_portal_user(user):
            return self.filter(_portal_scope(user, "person", self.portal_reach))
        if not _is_staff_user(user):
            return self.none()
        return self.filter(_staff_scope(user, "person"))

    def current(self) -> PersonDataQuerySet[M]:
        return self.filter(current_on(_today()))


class PersonRecordQuerySet(PersonDataQuerySet[M]):
    """The person's circle, care team and allocations: reached by the person and their
    representative, not by family the plan is shared with."""

    portal_reach = RECORD


class BudgetDataQuerySet(PersonDataQuerySet[M]):
    """A budget: also reached by the nominee who manages it."""

    portal_reach = BUDGET
