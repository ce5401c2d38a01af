"""Who may do what with reviews: anyone who can see the person reads them; planning roles
record triggers and circumstances and carry out reviews (the same people who change the plan,
as `plans.change_plan`)."""

from __future__ import annotations

import rules

from ourplan.accounts.rules import is_planner
from ourplan.people.rules import can_see_person, works_with_person

rules.add_perm("reviews.view_review", can_see_person)
rules.add_perm("reviews.change_review", is_planner & works_with_person)


@rules.predicate
def may_ask_for_review(user: object, person: object) -> bool:
    """A portal account that may ask for a review for the person (ourplan.portal.rules)."""
    return bool(getattr(user, "is_portal_user", False)
                and user.has_perm("portal.request_review", person))  # type: ignore[attr-defined]


# Recording the person's own request for a review: staff who change reviews, or the person
# (or their representative) asking from their own pages. Only for that reason.
rules.add_perm("reviews.request_review", (is_planner & works_with_person) | may_ask_for_review)
