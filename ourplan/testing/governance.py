"""Helpers for sign-off tests: an ICB's delegated authority, and a plan that passes its
readiness check (a risk the person chooses to take, so it needs sign-off; no budget)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ourplan.accounts.models import Organisation, Role, User
from ourplan.budgets import services as budget_services
from ourplan.budgets.models import Budget, Holding, HoldingWay
from ourplan.governance.models import Authority, DecisionKind, RiskLevel
from ourplan.people.models import CareTeamMember
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import Agreement, Plan
from ourplan.plans.workflow import OPTIONAL_SECTIONS, SECTIONS
from ourplan.testing import budgets as make_budget
from ourplan.testing.factories import CareTeamMemberFactory, UserFactory


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


def ready_plan(actor: User, person: Any, *, agree: bool = True,
               approach: str = "take") -> Plan:
    """A full plan at record and agree, passing every readiness item: medium risk (a risk the
    person chooses to take), no budget, agreed by the person with all four agreements.
    `approach="minimise"` makes it low risk (then, without a budget, it needs no sign-off)."""
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
           approach=approach, mitigation="I take my phone")
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
        plan = agree_plan(actor, plan)
    return plan


def agree_plan(actor: User, plan: Plan, agreements: Sequence[str] = tuple(Agreement.values),
               **extra: Any) -> Plan:
    """Record the person's agreement to the plan as it is now (with these agreements)."""
    plan.refresh_from_db()
    plan_services.plan_agree(actor=actor, plan=plan, version=plan.version,
                             **{"agreed_by": "person", "how": "Signed at home"} | extra,
                             agreements=agreements)
    plan.refresh_from_db()
    return plan


def with_budget(actor: User, plan: Plan, *, weekly: Decimal = Decimal("100.00"),
                way: str = "notional", **holding: Any) -> Budget:
    """A draft personal health budget of 52 x `weekly` a year (final amount), held in one way,
    paying for one weekly line for the plan's first outcome that costs all of it. A direct
    payment is `weekly` paid to the person each week, with 28 days' notice of a reduction."""
    amount = weekly * 52
    outcome = plan.outcomes.order_by("created_at").first()
    assert outcome is not None
    draft = make_budget.budget(actor, plan, final_amount=amount)
    if way == HoldingWay.DIRECT_PAYMENT:
        holding = {"paid_to": "person", "payment_amount": weekly, "payment_frequency": "weekly",
                   "notice_days": 28} | holding
    held = make_budget.holding(actor, draft, way=way, amount=amount, **holding)
    make_budget.line(actor, draft, outcome, item="Support worker", category="activity",
                     unit_cost=weekly, frequency="weekly", holding=held)
    draft.refresh_from_db()
    return draft


def named_coordinator(person: Any, user: User | None = None, **extra: Any) -> CareTeamMember:
    """A named coordinator on the person's care team (a member of staff, made if not given)."""
    member: CareTeamMember = CareTeamMemberFactory(  # type: ignore[assignment]
        person=person, user=user or UserFactory(role=Role.CARE_COORDINATOR),
        is_named_coordinator=True, role="Named coordinator", **extra)
    return member


def direct_payment_plan(actor: User, person: Any, *, weekly: Decimal = Decimal("100.00"),
                        agree: bool = True) -> tuple[Plan, Budget]:
    """`ready_plan` with a direct payment paying for its outcome and a named coordinator (made
    if they have none): every readiness item of a direct-payment plan passes."""
    plan = ready_plan(actor, person, agree=False)
    budget = with_budget(actor, plan, weekly=weekly, way=HoldingWay.DIRECT_PAYMENT)
    if not person.care_team.filter(is_named_coordinator=True).exists():
        named_coordinator(person)
    if agree:
        plan = agree_plan(actor, plan)
    return plan, budget


def signed_off_direct_payment(actor: User, commissioner: User, person: Any, *,
                              weekly: Decimal = Decimal("100.00")) -> tuple[Plan, Holding]:
    """A direct-payment plan whose budget is in force (signed off by `commissioner`)."""
    plan, draft = direct_payment_plan(actor, person, weekly=weekly)
    budget = budget_services.budget_sign_off(actor=commissioner, budget=draft,
                                             version=draft.version)
    return plan, budget.holdings.get(way=HoldingWay.DIRECT_PAYMENT)
