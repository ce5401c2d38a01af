"""Who may see and change a person's consent to share.

The person, or a representative whose legal basis lets them decide (`portal.share`), grants and
withdraws it; staff who work with the person (`people.change_circle`) record consent the person
gave them, on their behalf. Someone the plan is merely shared with never changes who else sees it.
"""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_staff_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and not getattr(user, "is_portal_user", False))


def _has(perm: str) -> Any:
    """A predicate that asks another object permission about the same person."""

    @rules.predicate(name=f"has_perm({perm})")
    def predicate(user: Any, person: Any) -> bool:
        return bool(person is not None and user.has_perm(perm, person))

    return predicate


rules.add_perm("consent.manage",
               _has("portal.share") | (is_staff_user & _has("people.change_circle")))
rules.add_perm("consent.view",
               _has("portal.view_record") | (is_staff_user & _has("people.view_person")))
# "Who has looked at my plan": the person and their representative, on their own pages.
rules.add_perm("consent.view_trail", _has("portal.view_record"))
