"""What someone using the portal may do for a person: it depends on their capacity and, for a
representative, the legal basis they act on. Seeing the record at all is `visible_to`'s job."""

from __future__ import annotations

from typing import Any

import rules

from ourplan.people.choices import RepresentativeBasis
from ourplan.portal.models import Capacity, PortalAccess


class Ability:
    VIEW_PLAN = "view_plan"
    VIEW_RECORD = "view_record"          # circle, care team, decisions, who has looked
    VIEW_BUDGET = "view_budget"
    EDIT_OWN_WORDS = "edit_own_words"    # about me, one-page summary, working / not working
    PROPOSE = "propose"                  # propose changes for the coordinator to accept
    SHARE = "share"                      # grant and withdraw consent to share
    REQUEST_REVIEW = "request_review"    # ask for a review, or a different coordinator
    AGREE = "agree"                      # agree the plan (record-and-agree stage)


EVERYTHING = frozenset({
    Ability.VIEW_PLAN, Ability.VIEW_RECORD, Ability.VIEW_BUDGET, Ability.EDIT_OWN_WORDS,
    Ability.PROPOSE, Ability.SHARE, Ability.REQUEST_REVIEW, Ability.AGREE,
})

# A lasting power of attorney for health and welfare, a Court of Protection deputy and a parent
# of a child under 16 may decide for the person, so they may do what the person may. Any other
# representative speaks up for the person but cannot consent to sharing, agree the plan for
# them or rewrite the person's own words: they read, propose and ask.
BY_BASIS: dict[str, frozenset[str]] = {
    RepresentativeBasis.LPA_HEALTH_WELFARE: EVERYTHING,
    RepresentativeBasis.COURT_DEPUTY: EVERYTHING,
    RepresentativeBasis.PARENT: EVERYTHING,
    RepresentativeBasis.OTHER: frozenset({
        Ability.VIEW_PLAN, Ability.VIEW_RECORD, Ability.VIEW_BUDGET, Ability.PROPOSE,
        Ability.REQUEST_REVIEW,
    }),
}

BY_CAPACITY: dict[str, frozenset[str]] = {
    Capacity.SELF: EVERYTHING,
    Capacity.NOMINEE: frozenset({Ability.VIEW_BUDGET}),
    Capacity.CIRCLE: frozenset({Ability.VIEW_PLAN, Ability.VIEW_BUDGET}),
}


def abilities_of(access: PortalAccess) -> frozenset[str]:
    if access.capacity == Capacity.REPRESENTATIVE:
        return BY_BASIS.get(access.representative_basis, frozenset())
    return BY_CAPACITY.get(access.capacity, frozenset())


def abilities_for(user: Any, person: Any) -> frozenset[str]:
    """Everything this portal user may do for this person, across all their current accesses
    (someone can be both a representative and the nominee). A circle member's access counts only
    while the person's consent to share with them is current."""
    if person is None or not getattr(user, "is_portal_user", False) or not user.is_active:
        return frozenset()
    from ourplan.consent.models import ConsentGrant

    found: set[str] = set()
    for access in PortalAccess.objects.of_user(user).filter(person=person):
        if access.capacity == Capacity.CIRCLE and not ConsentGrant.objects.current().filter(
            person=person, contact_id=access.contact_id
        ).exists():
            continue
        found |= abilities_of(access)
    return frozenset(found)


def _may(ability: str) -> Any:
    @rules.predicate(name=f"portal_may({ability})")
    def predicate(user: Any, person: Any) -> bool:
        return ability in abilities_for(user, person)

    return predicate


for _ability in sorted(EVERYTHING):
    rules.add_perm(f"portal.{_ability}", _may(_ability))
