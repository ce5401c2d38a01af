"""Who may do what to a person's record. Visibility itself is the queryset's job
(`Person.objects.visible_to`); these rules add what a role may do once the person is visible."""

from __future__ import annotations

from typing import Any

import rules

from ourplan.accounts.rules import is_administrator, is_planner
from ourplan.people.models import Person


@rules.predicate
def can_see_person(user: Any, person: Person | None) -> bool:
    if person is None:
        return False
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


@rules.predicate
def works_with_person(user: Any, person: Person | None) -> bool:
    """On the care team or an allocated team: sharing a plan with someone lets them read it,
    never change it."""
    if person is None:
        return False
    return Person.objects.cared_for_by(user).filter(pk=person.pk).exists()


@rules.predicate
def can_read_audit_of(user: Any, person: Person | None) -> bool:
    if person is None:
        return False
    return Person.objects.audit_visible_to(user).filter(pk=person.pk).exists()


rules.add_perm("people.add_person", is_planner)
rules.add_perm("people.view_person", can_see_person)
rules.add_perm("people.change_person", is_planner & works_with_person)
rules.add_perm("people.change_circle", is_planner & works_with_person)
rules.add_perm("people.change_care_team", is_planner & works_with_person)
rules.add_perm("core.view_person_audit", is_administrator & can_read_audit_of)
rules.add_perm("core.view_audit", is_administrator)
