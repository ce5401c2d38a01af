"""Who may do what with a plan: anyone who can see the person reads it; planning roles change it;
the person (or a representative who may decide for them) changes their own words too."""

from __future__ import annotations

import rules

from ourplan.accounts.rules import is_planner
from ourplan.people.rules import can_see_person, works_with_person

rules.add_perm("plans.view_plan", can_see_person)
rules.add_perm("plans.change_plan", is_planner & works_with_person)


@rules.predicate
def may_edit_own_words(user: object, person: object) -> bool:
    """A portal account that may rewrite the person's own words (ourplan.portal.rules)."""
    return bool(getattr(user, "is_portal_user", False)
                and user.has_perm("portal.edit_own_words", person))  # type: ignore[attr-defined]


# About me, the one-page summary, working / not working and the wording of outcomes.
rules.add_perm("plans.change_own_words", (is_planner & works_with_person) | may_edit_own_words)
