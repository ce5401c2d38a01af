"""Is the plan ready to be submitted for sign-off? Computed from the plan, item by item.

Each item says whether it passed or what is missing, and where to fix it. The groups follow the
five PCSP criteria (pcsp-framework-5-criteria), what the person or their representative agrees
to, what a direct-payment plan must contain, and what the commissioner must be satisfied of
(summary guide Annex D §8.3.3). Groups that do not apply (no direct payment, nothing needing
sign-off) are left out rather than passed, so the page only lists what matters for this plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ourplan.budgets.models import Budget, BudgetStatus, CostLine, Holding, HoldingWay
from ourplan.budgets.sufficiency import sufficiency
from ourplan.governance.models import RiskLevel
from ourplan.plans.models import (
    AboutMe,
    Agreement,
    Condition,
    Contingency,
    DecisionRecord,
    HasCapacity,
    Outcome,
    OutcomeStatus,
    Plan,
    ReviewArrangement,
    Risk,
    RiskApproach,
    RiskKind,
)
from ourplan.plans.workflow import DONE, PlanKind, Section, sections_for


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # what must be true, in plain words
    passed: bool
    missing: str = ""  # what to do, when it has not passed
    fix: str = ""  # the url name of the page to fix it on
    fix_kwargs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    items: tuple[Item, ...]

    @property
    def passed(self) -> bool:
        return all(i.passed for i in self.items)


@dataclass(frozen=True)
class Readiness:
    groups: tuple[Group, ...]
    sign_off_needed: bool
    risk: RiskLevel
    risk_reasons: tuple[str, ...]
    amount: Decimal | None  # the budget a year, for routing

    @property
    def ready(self) -> bool:
        return all(g.passed for g in self.groups)

    @property
    def missing(self) -> list[str]:
        return [i.missing for g in self.groups for i in g.items if not i.passed]


@dataclass
class _Facts:
    """Everything the checks read, loaded once."""

    plan: Plan
    about_me: AboutMe | None
    working: int
    outcomes: list[Outcome]
    actions_by_outcome: dict[Any, int]
    contingencies: int
    review: ReviewArrangement | None
    risks: list[Risk]
    conditions: list[Condition]
    lacks_capacity: bool
    capacity_fluctuates: bool
    sections: dict[str, str]
    budget: Budget | None
    lines: list[CostLine]
    holdings: list[Holding]
    agreements: set[str]
    agreed_as_it_is: bool
    care_coordinator: bool

    @property
    def direct_payment(self) -> Holding | None:
        return next((h for h in self.holdings if h.way == HoldingWay.DIRECT_PAYMENT), None)


def _budget_of(plan: Plan) -> Budget | None:
    """The budget sign-off looks at: the draft being prepared, else the one signed off."""
    return (Budget.objects.filter(plan=plan, status=BudgetStatus.DRAFT).first()
            or Budget.objects.filter(plan=plan, status=BudgetStatus.SIGNED_OFF).first())


def _needed(direct_payment: bool) -> list[Agreement]:
    return [a for a in Agreement if direct_payment or a != Agreement.PAYMENT_SUFFICIENT]


def agreements_needed(plan: Plan) -> list[Agreement]:
    """What the person or their representative agrees to before sign-off: each statement, and
    that the direct payment covers the full cost only when part of the budget is one."""
    budget = _budget_of(plan)
    return _needed(budget is not None and budget.holdings.filter(
        way=HoldingWay.DIRECT_PAYMENT).exists())


def _facts(plan: Plan) -> _Facts:
    from ourplan.plans.services import plan_is_agreed_as_it_is

    today = timezone.localdate()
    outcomes = [o for o in plan.outcomes.all() if o.status != OutcomeStatus.NO_LONGER_NEEDED]
    actions: dict[Any, int] = {}
    for action in plan.actions.all():
        actions[action.outcome_id] = actions.get(action.outcome_id, 0) + 1
    decisions = list(DecisionRecord.objects.filter(plan=plan))
    budget = _budget_of(plan)
    latest = plan.versions.order_by("-number").first()
    care_team = plan.person.care_team.select_related("user").all()
    return _Facts(
        plan=plan,
        about_me=AboutMe.objects.filter(plan=plan).first(),
        working=plan.working_entries.count(),
        outcomes=outcomes,
        actions_by_outcome=actions,
        contingencies=Contingency.objects.filter(plan=plan).count(),
        review=ReviewArrangement.objects.filter(plan=plan).first(),
        risks=list(Risk.objects.filter(plan=plan)),
        conditions=list(Condition.objects.filter(plan=plan)),
        lacks_capacity=any(d.capacity == HasCapacity.NO for d in decisions),
        capacity_fluctuates=any(d.capacity == HasCapacity.FLUCTUATING for d in decisions),
        sections={row.section: row.status for row in plan.sections.all()},
        budget=budget,
        lines=list(budget.lines.all()) if budget else [],
        holdings=list(budget.holdings.all()) if budget else [],
        agreements=set(latest.agreements) if latest else set(),
        agreed_as_it_is=plan_is_agreed_as_it_is(plan),
        care_coordinator=any(
            member.is_current_on(today) and (
                member.is_named_coordinator or "care coordinator" in member.role.lower()
                or (member.user is not None and member.user.role == "care_coordinator"))
            for member in care_team),
    )


def plan_risk(facts: _Facts) -> tuple[RiskLevel, tuple[str, ...]]:
    """How risky the plan is, for routing: high where someone who lacks capacity carries risks,
    where there are safeguarding concerns, or a clinical risk the person chooses to take;
    medium where the person takes or tolerates any risk or their capacity fluctuates."""
    high, medium = [], []
    if facts.lacks_capacity and facts.risks:
        high.append("They lack capacity for a decision and the plan records risks")
    if any(r.kind == RiskKind.SAFEGUARDING for r in facts.risks):
        high.append("The plan records a safeguarding, liberty or restraint concern")
    if any(r.kind == RiskKind.CLINICAL and r.approach == RiskApproach.TAKE for r in facts.risks):
        high.append("They choose to take a clinical risk")
    if high:
        return RiskLevel.HIGH, tuple(high)
    if any(r.approach in (RiskApproach.TAKE, RiskApproach.TOLERATE) for r in facts.risks):
        medium.append("They choose to take or tolerate a risk")
    if facts.capacity_fluctuates:
        medium.append("Their capacity fluctuates")
    if medium:
        return RiskLevel.MEDIUM, tuple(medium)
    return RiskLevel.LOW, ()


def _item(key: str, label: str, passed: bool, missing: str, fix: str,
          **fix_kwargs: str) -> Item:
    return Item(key, label, passed, "" if passed else missing, fix, fix_kwargs)


def _outcome_list(outcomes: Sequence[Outcome]) -> str:
    return "; ".join(f"“{o.text[:60]}”" for o in outcomes)


def _pcsp(f: _Facts) -> list[Group]:
    important = bool(f.about_me and f.about_me.important.strip())
    without_actions = [o for o in f.outcomes if not f.actions_by_outcome.get(o.pk)]
    groups = [
        Group("person_central", "The person was central and chose who was involved", (
            _item("involved", "Who the person chose to involve is recorded",
                  bool(f.plan.involved.strip()),
                  "Record who the person chose to involve in planning", "plans:support_needs"),
        )),
        Group("what_matters", "The conversation covered what matters to them", (
            _item("what_matters", "What is important to them is recorded", important,
                  "Record what is important to them in About me", "plans:about_me"),
            _item("working", "What is working and not working is recorded", f.working > 0,
                  "Add what is working and not working", "plans:working"),
            _item("confidence", "Their knowledge, skills and confidence were taken into account",
                  bool(f.plan.pam_level or f.plan.confidence),
                  "Record their PAM level or how confident they feel", "plans:support_needs"),
        )),
        Group("outcomes", "Outcomes were agreed from the person's point of view", (
            _item("outcomes", "The plan has at least one outcome", bool(f.outcomes),
                  "Add an outcome in the person's words", "plans:outcomes"),
        )),
        Group("sharable", "The plan says how the outcomes will be achieved", (
            _item("actions", "Every outcome has at least one action",
                  bool(f.outcomes) and not without_actions,
                  "Add an action to " + (_outcome_list(without_actions) or "an outcome"),
                  "plans:outcomes"),
            _item("contingency", "There is a contingency plan", f.contingencies > 0,
                  "Add what should happen if things go wrong", "plans:section_entries",
                  section=Section.CONTINGENCY.value),
        )),
        Group("review", "A review is arranged", (_review_item(f),)),
    ]
    if f.budget is not None:
        groups[3] = Group(groups[3].key, groups[3].title, (*groups[3].items, _item(
            "budget_sheet", "The budget sheet says what the budget pays for", bool(f.lines),
            "Add what the personal health budget will pay for", "budgets:sheet")))
    return groups


def _review_item(f: _Facts) -> Item:
    arranged = bool(f.review and (f.review.planned_date or f.review.interval_months)
                    and f.review.how_to_ask.strip())
    return _item("review_arranged", "When and how the plan will be reviewed is recorded, and "
                 "how the person can ask for a review", arranged,
                 "Arrange the review and say how the person can ask for one",
                 "plans:section_entries", section=Section.REVIEW.value)


def _agreement(f: _Facts) -> Group:
    items = [_item("agreed", "The person or their representative agreed the plan as it is now",
                   f.agreed_as_it_is, "Record the person's agreement to the plan as it is now",
                   "plans:agree")]
    for agreement in _needed(f.direct_payment is not None):
        items.append(_item(f"agreed_{agreement.value}", f"They agreed: {agreement.label}",
                           f.agreed_as_it_is and agreement.value in f.agreements,
                           f"Record that they agree: {agreement.label}", "plans:agree"))
    return Group("agreement", "The person or their representative agrees", tuple(items))


def _risk_items(f: _Facts) -> list[Item]:
    """A wellbeing plan has no risks section: a budget needs a full plan (see `_commissioner`)."""
    if Section.RISKS not in sections_for(f.plan.kind):
        return []
    risks_done = f.sections.get(Section.RISKS) in DONE
    without_procedure = [r for r in f.risks if not r.mitigation.strip()]
    risks = _item("risk_procedures", "Significant risks were discussed and the plan says how "
                  "each is managed", risks_done and not without_procedure,
                  ("Say how each risk is managed" if without_procedure
                   else "Complete the risks section"),
                  "plans:section_entries", section=Section.RISKS.value)
    needs_safeguarding = f.lacks_capacity or f.capacity_fluctuates
    safeguarding = [r for r in f.risks if r.kind == RiskKind.SAFEGUARDING and r.mitigation]
    safe = _item("safeguarding", "Safeguarding, liberty and restraint procedures are in the "
                 "plan where the person lacks capacity",
                 not needs_safeguarding or bool(safeguarding),
                 "They lack capacity for a decision: add a safeguarding, liberty or restraint "
                 "risk with its procedure", "plans:section_entries",
                 section=Section.RISKS.value)
    return [risks, safe]


def _direct_payment(f: _Facts) -> Group | None:
    dp = f.direct_payment
    if dp is None:
        return None
    without_need = [o for o in f.outcomes if not o.need.strip()]
    monitored = bool(f.conditions) and all(c.monitored_by.strip() for c in f.conditions)
    monitoring = [] if Section.HEALTH not in sections_for(f.plan.kind) else [
        _item("dp_monitoring", "Who monitors the health condition", monitored,
              "Record each condition and who monitors it", "plans:section_entries",
              section=Section.HEALTH.value)]
    return Group("direct_payment", "What a direct-payment plan must contain", (
        _item("dp_needs", "Health needs and the outcomes for each", bool(f.outcomes)
              and not without_need,
              "Record the need behind " + (_outcome_list(without_need) or "each outcome"),
              "plans:outcomes"),
        _item("dp_buys", "What the direct payment buys",
              any(line.holding_id == dp.pk for line in f.lines),
              "Say which lines the direct payment pays for", "budgets:sheet"),
        _item("dp_size", "The size and frequency of the direct payment",
              bool(dp.payment_amount and dp.payment_frequency),
              "Enter the amount and frequency of the direct payment", "budgets:sheet"),
        _item("dp_care_coordinator", "The named care coordinator", f.care_coordinator,
              "Add the named care coordinator to the care team", "people:detail"),
        *monitoring,
        _item("dp_first_review", "The first review date and how it will be done",
              bool(f.review and f.review.planned_date and f.review.how.strip()),
              "Enter the planned date of the first review and how it will be done",
              "plans:section_entries", section=Section.REVIEW.value),
        *_risk_items(f),
        _item("dp_notice", "The notice period before the payment can be reduced",
              dp.notice_days is not None,
              "Enter the notice period before a reduction", "budgets:sheet"),
    ))


def _commissioner(f: _Facts) -> Group:
    met = [o for o in f.outcomes if not f.actions_by_outcome.get(o.pk)
           and not any(line.outcome_id == o.pk for line in f.lines)]
    full_cost = True
    cost_problem = ""
    if f.budget is not None:
        problems = sufficiency(f.budget, f.lines, f.holdings).problems()
        full_cost = not problems
        cost_problem = problems[0] if problems else ""
    full_plan = [] if f.budget is None else [_item(
        "full_plan", "A personal health budget has a full care and support plan",
        f.plan.kind == PlanKind.FULL,
        "A wellbeing plan cannot hold a personal health budget: it needs a full personalised "
        "care and support plan, with its health, risk and decision sections", "plans:detail")]
    return Group("commissioner", "What the commissioner must be satisfied of", (
        *full_plan,
        _item("needs_met", "Each need can be met by what the plan arranges or buys",
              bool(f.outcomes) and not met,
              "Say how " + (_outcome_list(met) or "each outcome") + " will be met",
              "plans:outcomes"),
        _item("full_cost", "The money covers the full cost of each service", full_cost,
              cost_problem, "budgets:sheet"),
        _review_item(f),
        *_risk_items(f),
    ))


def sign_off_needed(f: _Facts, risk: RiskLevel) -> bool:
    """Money or risk needs a commissioner's sign-off: a personal health budget, or a risk the
    person takes or tolerates."""
    return f.budget is not None or risk >= RiskLevel.MEDIUM


def plan_readiness(plan: Plan) -> Readiness:
    facts = _facts(plan)
    risk, reasons = plan_risk(facts)
    needed = sign_off_needed(facts, risk)
    groups = [*_pcsp(facts), _agreement(facts)]
    dp = _direct_payment(facts)
    if dp is not None:
        groups.append(dp)
    if needed:
        groups.append(_commissioner(facts))
    return Readiness(tuple(groups), needed, risk, reasons,
                     facts.budget.amount if facts.budget else None)
