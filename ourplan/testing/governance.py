"""Helpers for sign-off tests: an ICB's delegated authority, and a plan that passes its
readiness check (a risk the person chooses to take, so it needs sign-off; no budget)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ourplan.accounts.models import Organisation, Role, User
from ourplan.governance.models import Authority, DecisionKind, RiskLevel
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import Agreement, Plan
from ourplan.plans.workflow import SECTIONS, OPTIONAL_SECTIONS
from ourplan.testing.factories import UserFactory


def matrix(icb: Organisation, decision: str = DecisionKind.PLAN_SIGN_OFF) -> list[Authority]:
    """Level 1 (care coordinators, practitioners) to £5,000 and low risk; level 2 (team
    managers) to £20,000 and medium; level 3 (clinical directors) to £50,000, any risk;
    level 4 (commissioners) anything."""
    rungs = [(1, [Role.CARE_COORDINATOR, Role.PRACTITIONER], "5000", RiskLevel.LOW),
             (2, [Role.TEAM_MANAGER], "20000", RiskLevel.MEDIUM),
             (3, [Role.CLINICAL_DIRECTOR], "50000", RiskLevel.HIGH),
             (4, [Role.COMMISSIONER], None, RiskLevel.HIGH)]
    return [Authority.objects.create(organisation=icb, decision=decision, level=level,
                                     roles=list(roles),
                                     max_budget=Decimal(top) if top else None, max_risk=risk)
            for level, roles, top, risk in rungs]


def approver(planner: User, role: Role = Role.TEAM_MANAGER, **extra: Any) -> User:
    """Someone in the planner's ICB with `role`, on the same teams."""
    user: User = UserFactory(role=role, organisation=planner.organisation,  # type: ignore[assignment]
                             teams=list(planner.teams.all()), **extra)
    return user


def _entry(actor: User, plan: Plan, slug: str, **data: Any) -> Any:
    return plan_services.entry_add(actor=actor, plan=plan, kind=ENTRY_KINDS_BY_SLUG[slug],
                                   data=data)


def ready_plan(actor: User, person: Any, *, agree: bool = True) -> Plan:
    """A full plan at record and agree, passing every readiness item: medium risk (a risk the
    person chooses to take), no budget, agreed by the person with all four agreements."""
    plan = plan_services.plan_start(actor=actor, person=person)
    plan = plan_services.plan_record_support_needs(
        actor=actor, plan=plan, version=plan.version,
        data={"confidence": 3, "involved": "My daughter and my named coordinator"})
    plan_services.about_me_update(actor=actor, plan=plan, version=1, data={
        "important": "My family and my garden"})
    plan_services.working_entry_add(actor=actor, plan=plan,
                                    data={"kind": "working", "text": "Living at home"})
    outcome = plan_services.outcome_add(actor=actor, plan=plan, data={
        "need": "Help with physical tasks", "text": "I can make my own cup of tea by the summer"})
    plan_services.action_add(actor=actor, plan=plan, data={
        "outcome": outcome, "what": "Practise with the OT", "owner_kind": "service",
        "owner": "Occupational therapist"})
    _entry(actor, plan, "conditions", name="Stroke", monitored_by="My GP")
    _entry(actor, plan, "risks", description="I walk to the shop alone", kind="personal",
           approach="take", mitigation="I take my phone")
    _entry(actor, plan, "contingencies", triggers="My carer is ill",
           what_should_happen="My daughter stays")
    _entry(actor, plan, "review", planned_date="2027-01-15", responsible="My coordinator",
           how="At home, with my daughter", how_to_ask="Phone the hub")
    plan.refresh_from_db()
    for section in SECTIONS[plan.kind]:
        status = "not_applicable" if section in OPTIONAL_SECTIONS and section not in (
            "risks", "health") else "completed"
        plan = plan_services.plan_section_set_status(actor=actor, plan=plan,
                                                     version=plan.version, section=section,
                                                     status=status)
    for move in ("prepare", "hold_conversation", "record"):
        plan = plan_services.TRANSITION_SERVICES[move](actor=actor, plan=plan,
                                                       version=plan.version)
    if agree:
        plan_services.plan_agree(actor=actor, plan=plan, version=plan.version,
                                 agreed_by="person", how="Signed at home",
                                 agreements=Agreement.values)
        plan.refresh_from_db()
    return plan
