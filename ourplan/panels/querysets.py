"""Who may read referrals to a risk enablement panel (docs/adr/0004-scoping.md).

* A panel member or commissioner reads every referral sent to their ICB: the referral itself is
  the legitimate relationship, even when they are not on the person's care team.
* Planners (and panel roles) read referrals about people they can see (`Person.visible_to`).
* Nobody else reads them.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from ourplan.accounts.models import Organisation, Role
from ourplan.accounts.rules import PLANNING_ROLES

PANEL_ROLES = frozenset({Role.PANEL_MEMBER, Role.COMMISSIONER})


def _is_staff_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def in_users_icb(user: Any, field: str = "icb") -> Q:
    """The ICB is the user's own organisation, or the ICB their organisation sits in. (A
    referral's ICB is always an ICB, so matching the organisation or its parent is enough.)"""
    parent = Organisation.objects.filter(pk=user.organisation_id, parent__isnull=False) \
        .values("parent_id")
    return Q(**{f"{field}_id": user.organisation_id}) | Q(**{f"{field}_id__in": parent})


class PanelReferralQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> PanelReferralQuerySet:
        if not _is_staff_user(user):
            return self.none()
        from ourplan.people.models import Person

        allowed: list[Q] = []
        if user.role in PLANNING_ROLES or user.role in PANEL_ROLES:
            # Correlated on the referral's own person, like every person record.
            person_visible = Person.objects.visible_to(user).filter(pk=OuterRef("person_id"))
            allowed.append(Q(Exists(person_visible)))
        if user.role in PANEL_ROLES and user.organisation_id:
            allowed.append(in_users_icb(user))
        if not allowed:
            return self.none()
        return self.filter(reduce(or_, allowed))

    def local_principles_for(self, user: Any) -> PanelReferralQuerySet:
        """Decisions marked as local principles in the user's ICB. Only their summaries are for
        everyone in the ICB: callers show nothing else of them."""
        if not _is_staff_user(user) or not user.organisation_id:
            return self.none()
        return self.filter(in_users_icb(user), is_local_principle=True)
