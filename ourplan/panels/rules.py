"""Who may do what with a referral to a risk enablement panel.

Planners who can see the person refer hard decisions. The ICB's panel members and commissioners
record the panel's decision and mark it as a local principle. The decision is shared with the
person by planners who can see them or by the ICB's panel roles. Reading is the queryset's job
(`PanelReferral.objects.visible_to`)."""

from __future__ import annotations

from typing import Any

import rules

from ourplan.accounts.icb import user_icb
from ourplan.accounts.models import Role
from ourplan.accounts.rules import has_role, is_planner
from ourplan.people.rules import can_see_person, works_with_person

is_panel_role = has_role(Role.PANEL_MEMBER, Role.COMMISSIONER)


@rules.predicate
def in_referrals_icb(user: Any, referral: Any) -> bool:
    """The referral was sent to the ICB the user works in."""
    if referral is None:
        return False
    icb = user_icb(user)
    return icb is not None and icb.pk == referral.icb_id


@rules.predicate
def can_see_referred_person(user: Any, referral: Any) -> bool:
    return referral is not None and can_see_person(user, referral.person)


@rules.predicate
def in_an_icb(user: Any) -> bool:
    return user_icb(user) is not None


# Object: the person.
rules.add_perm("panels.refer", is_planner & works_with_person)
# Object: the referral.
rules.add_perm("panels.record_decision", is_panel_role & in_referrals_icb)
rules.add_perm("panels.share_decision",
               (is_planner & can_see_referred_person) | (is_panel_role & in_referrals_icb))
rules.add_perm("panels.mark_principle", is_panel_role & in_referrals_icb)
# No object: the search of past decisions, and the ICB's local principles.
rules.add_perm("panels.search", is_planner | is_panel_role)
rules.add_perm("panels.view_principles", in_an_icb)
