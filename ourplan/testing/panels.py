"""Building referrals to a risk enablement panel for tests, through the real services (no
shortcuts past the rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import Organisation, Role, User
from ourplan.panels import services
from ourplan.panels.models import PanelReferral
from ourplan.plans import services as plan_services
from ourplan.plans.models import Plan
from ourplan.testing.factories import UserFactory

SWIMMING = "Can the budget pay a personal assistant to go wild swimming with me at the lake?"
OPTIONS = [
    {"description": "Swim at the lake twice a week with a personal assistant trained in water "
                    "safety, following my seizure plan",
     "benefits": "Swimming outdoors is what keeps me well and in touch with my friends",
     "risks": "A seizure in open water; cold water"},
    {"description": "Swim at the leisure centre pool, where there is a lifeguard",
     "benefits": "Lower risk of drowning; a lifeguard is always there",
     "risks": "It is not what matters to me, and I may stop swimming altogether"},
]
REFERRAL = {
    "question": SWIMMING,
    "reason": "risk_chosen",
    "reason_details": "Epilepsy with a seizure most months",
    "person_view": "I know the risk. Swimming in the lake is the one thing that makes me feel "
                   "free",
    "options": OPTIONS,
}


def panel_member_for(icb: Organisation, role: str = Role.PANEL_MEMBER, **kwargs: Any) -> User:
    """A panel member (or commissioner) working in `icb`, on no care team."""
    user: User = UserFactory(role=role, organisation=icb, **kwargs)  # type: ignore[assignment]
    return user


def plan_for(planner: User, person: Any) -> Plan:
    return plan_services.plan_start(actor=planner, person=person)


def refer(planner: User, plan: Plan, **data: Any) -> PanelReferral:
    return services.panel_refer(actor=planner, plan=plan, data=REFERRAL | data)


def decision_data(referral: PanelReferral, **data: Any) -> dict[str, Any]:
    return {
        "panel_date": timezone.localdate(),
        "members": "Asha Patel, clinical director\nTom Reed, social worker",
        "chosen_option": referral.options.order_by("position").first(),
        "decision": "Yes: the budget can pay a personal assistant for lake swimming",
        "rationale": "Swimming outdoors matters to her wellbeing; the seizure plan and a "
                     "trained assistant make the risk one she and the ICB can accept",
        "conditions": "The assistant completes open-water safety training first",
        "review_date": timezone.localdate() + dt.timedelta(days=90),
    } | data


def decide(member: User, referral: PanelReferral, **data: Any) -> PanelReferral:
    referral.refresh_from_db()
    return services.panel_decision_record(actor=member, referral=referral,
                                          version=referral.version,
                                          data=decision_data(referral, **data))


def share(actor: User, referral: PanelReferral, *, shared_on: dt.date | None = None,
          how: str = "in_person") -> PanelReferral:
    referral.refresh_from_db()
    return services.panel_decision_share(actor=actor, referral=referral,
                                         version=referral.version,
                                         shared_on=shared_on or timezone.localdate(), how=how)


PRINCIPLE = ("A budget can pay for an outdoor activity with a known risk when the person "
             "understands it and a trained assistant follows a safety plan")


def mark_principle(actor: User, referral: PanelReferral, summary: str = PRINCIPLE,
                   ) -> PanelReferral:
    referral.refresh_from_db()
    return services.panel_principle_mark(actor=actor, referral=referral,
                                         version=referral.version, summary=summary)
