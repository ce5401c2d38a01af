"""Delegated authority: the level a decision goes to, and whether a user may make it (which ICB
it belongs to is accounts/icb.py). Routing is the one rule here: the lowest level whose limits
allow the decision."""

from __future__ import annotations

from decimal import Decimal

from ourplan.accounts.icb import icb_for, icb_of
from ourplan.accounts.models import Organisation, User
from ourplan.governance.models import Authority


def allows(authority: Authority, amount: Decimal | None, risk: int) -> bool:
    within_budget = (authority.max_budget is None or amount is None
                     or amount <= authority.max_budget)
    return within_budget and risk <= authority.max_risk


def route(*, organisation: Organisation, decision: str, amount: Decimal | None,
          risk: int) -> Authority | None:
    """The lowest level of the ICB's delegated authority allowed to make this decision."""
    for authority in Authority.objects.filter(organisation=organisation,
                                              decision=decision).order_by("level"):
        if allows(authority, amount, risk):
            return authority
    return None


def may_decide(user: User, authority: Authority) -> bool:
    """Users of the ICB (or an organisation in it) whose role decides at this level."""
    return (user.is_active and user.role in authority.roles
            and icb_of(user.organisation) == authority.organisation)


def authorities_for(user: User) -> list[Authority]:
    """The rungs of delegated authority this user decides at."""
    icb = icb_of(user.organisation)
    if icb is None:
        return []
    return [a for a in Authority.objects.filter(organisation=icb) if user.role in a.roles]


__all__ = ["allows", "authorities_for", "icb_for", "icb_of", "may_decide", "route"]
