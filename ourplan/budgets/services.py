"""Changes to a personal health budget. Each service checks permission and guard, locks what
it changes, writes in one transaction and appends the audit row.

Signed-off figures never change: the first change after sign-off copies the budget in force
to a new draft (with its ways of holding the money and its cost lines) and changes the copy.
Payments are recorded only against the budget in force."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.budgets.exclusions import exclusions_for
from ourplan.budgets.models import (
    Budget,
    BudgetStatus,
    Category,
    CostLine,
    Holding,
    HoldingWay,
    PaidTo,
    PARates,
    Payment,
    UnusualDecision,
)
from ourplan.budgets.money import MOST, Frequency, pounds, yearly_cost
from ourplan.budgets.pa_costs import pa_costs
from ourplan.budgets.sufficiency import sufficiency
from ourplan.core.audit import audit_record, diff, snapshot
from ourplan.core.errors import DomainError, NotAllowed, NotFound
from ourplan.core.presenters import format_date
from ourplan.core.services import apply_fields, check_version, save_changes
from ourplan.people.models import PersonalContact
from ourplan.plans.models import Outcome, Plan

BUDGET_FIELDS = ("eligibility", "starts_on", "ends_on", "indicative_amount",
                 "indicative_basis", "indicative_authorised_by", "indicative_authorised_on",
                 "final_amount")
HOLDING_FIELDS = ("way", "amount", "held_by", "accountable", "records_to_keep", "paid_to",
                  "paid_to_contact", "payment_amount", "payment_frequency", "notice_days")
LINE_FIELDS = ("outcome", "item", "category", "supplier", "unit_cost", "quantity", "frequency",
               "holding", "pa_rates", "pa_includes_insurance", "unusual", "unusual_reason")
PAYMENT_FIELDS = ("line", "paid_on", "amount", "reference")
RATES_FIELDS = ("tax_year", "starts_on", "national_living_wage", "holiday_weeks",
                "employer_ni_rate", "ni_secondary_threshold", "pension_rate",
                "pension_lower_limit", "pension_upper_limit", "emergency_cover_rate",
                "training_per_pa", "payroll_per_pa", "insurance_per_employer")

ALREADY_HAS_BUDGET = "They already have a budget: change it instead"
NOT_THIS_PLANS_OUTCOME = "Select one of the outcomes in this plan"
NOT_THIS_BUDGETS_HOLDING = "Select one of the ways this budget is held"
WAY_ALREADY_USED = "The budget is already held this way: change that amount instead"
YEARLY_COST_TOO_LARGE = "This comes to more than £5,000,000 a year: check the figures"
PA_WEEKLY = "Employing a PA is costed by the week: select weekly"
PA_HOURS = "Enter no more than 168 hours a week"
PA_RATES_NEEDED = "Select the tax year to cost the PA with"
BELOW_LIVING_WAGE = ("Pay at least the National Living Wage: {wage} an hour in {year}")
UNUSUAL_REASON_NEEDED = "Say how this will help them reach the outcome"
NOT_UNUSUAL = "This line is not flagged as an unusual request"
DECISION_REASON_NEEDED = "Give the reason for the decision"
NOT_IN_FORCE = "Spending is recorded against the budget once it has been signed off"
NOT_A_LINE_IN_FORCE = "Select something the signed-off budget pays for"
PAID_ON_OUTSIDE = "The date must be within the budget year, {start} to {end}"
PAID_ON_FUTURE = "The date paid must be today or in the past"
ONLY_DRAFTS = "Only a draft budget can be signed off"
RATES_IN_USE = "These rates were used to cost PA lines, so they cannot be removed"


class BudgetNotReady(DomainError):
    """Sign-off refused: `problems` says, in plain words, everything still to put right."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The budget cannot be signed off yet: " + "; ".join(problems))
        self.problems = problems


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def year_end(starts_on: dt.date) -> dt.date:
    """The last day of a budget year that starts on `starts_on` (29 February -> 28 February)."""
    try:
        next_start = starts_on.replace(year=starts_on.year + 1)
    except ValueError:  # 29 February
        next_start = dt.date(starts_on.year + 1, 3, 1)
    return next_start - dt.timedelta(days=1)


def _locked_plan(actor: User, plan: Plan) -> Plan:
    locked = Plan.objects.visible_to(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def working_budget(plan: Plan) -> Budget | None:
    """The budget being worked on: the draft if there is one, else the budget in force."""
    budgets = {b.status: b for b in Budget.objects.filter(
        plan=plan, status__in=[BudgetStatus.DRAFT, BudgetStatus.SIGNED_OFF])}
    return budgets.get(BudgetStatus.DRAFT) or budgets.get(BudgetStatus.SIGNED_OFF)


def _copy(actor: User, budget: Budget) -> Budget:
    """A new draft with the same figures, ways of holding and lines as `budget`."""
    draft = Budget.objects.create(
        plan=budget.plan, person=budget.person, number=budget.number + 1,
        status=BudgetStatus.DRAFT, copied_from=budget, created_by=actor,
        **{name: getattr(budget, name) for name in BUDGET_FIELDS},
    )
    holdings = {}
    for holding in budget.holdings.all():
        old_pk = holding.pk
        holding.pk, holding.id, holding.budget, holding.version = None, None, draft, 1
        holding._state.adding = True
        holding.save()
        holdings[old_pk] = holding
    for line in budget.lines.all():
        old = line.pk
        line.pk, line.id, line.budget, line.version = None, None, draft, 1
        line.holding = holdings.get(line.holding_id) if line.holding_id else None
        line.copied_from_id = old
        line._state.adding = True
        line.save()
    audit_record(actor=actor, action="budget.draft_made", person=budget.person, obj=draft,
                 changes={"number": draft.number, "copied_from": budget.number})
    return draft


def _current(actor: User, budget: Budget) -> Budget | None:
    """The budget as saved now, if the user may see it."""
    return Budget.objects.visible_to(actor).filter(pk=budget.pk).first()


def _draft(actor: User, budget: Budget, version: int) -> Budget:
    """The draft to change, given the budget the user was looking at (and its version)."""
    _require(actor, "budgets.change_budget", budget.person)
    _locked_plan(actor, budget.plan)
    locked = Budget.objects.visible_to(actor).select_for_update().filter(pk=budget.pk).first()
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    if locked.status == BudgetStatus.DRAFT:
        return locked
    if locked.status == BudgetStatus.SIGNED_OFF and working_budget(locked.plan) == locked:
        return _copy(actor, locked)
    raise ValidationError({"__all__": "This budget has been replaced: change the latest one"})


def _unchanged_after_sign_off(record: Any, fields: tuple[str, ...],
                              apply: Any) -> bool:
    """Would this change leave a signed-off record as it is? Then no new draft is made for it.
    `apply` sets the new values on a copy in memory (and validates them)."""
    budget = record if isinstance(record, Budget) else record.budget
    if budget.status != BudgetStatus.SIGNED_OFF:
        return False
    probe = copy.copy(record)
    probe._state = copy.copy(record._state)
    probe._state.fields_cache = dict(record._state.fields_cache)  # keep the original's own
    apply(probe)
    return not diff(snapshot(record, fields), snapshot(probe, fields))


def _seen(actor: User, record: Holding | CostLine, version: int) -> None:
    """Refuse a change made from a stale copy of the holding or line the user was looking at
    (before any new draft is made from it)."""
    current = (type(record)._default_manager
               .filter(pk=record.pk, budget__in=Budget.objects.visible_to(actor)).first())
    if current is None:
        raise NotFound()
    check_version(current, version)


def _in_draft(actor: User, budget: Budget, record: Holding | CostLine) -> Any:
    """The same holding or line in `budget` (a fresh draft copies them)."""
    if record.budget_id == budget.pk:
        return type(record)._default_manager.select_for_update().get(pk=record.pk)
    if isinstance(record, CostLine):
        return CostLine.objects.select_for_update().get(budget=budget, copied_from=record)
    return Holding.objects.select_for_update().get(budget=budget, way=record.way)


# --- the budget itself -----------------------------------------------------------------------

def _fill_year(budget: Budget) -> None:
    if budget.starts_on and not budget.ends_on:
        budget.ends_on = year_end(budget.starts_on)


@transaction.atomic
def budget_start(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> Budget:
    """Begin the plan's personal health budget, usually with the indicative budget."""
    _require(actor, "budgets.change_budget", plan.person)
    plan = _locked_plan(actor, plan)
    if Budget.objects.filter(plan=plan).exists():
        raise ValidationError({"eligibility": ALREADY_HAS_BUDGET})
    budget = apply_fields(Budget(plan=plan, person=plan.person, number=1, created_by=actor),
                          data, BUDGET_FIELDS, validate_constraints=False)
    _fill_year(budget)
    budget.save()
    audit_record(actor=actor, action="budget.started", person=plan.person, obj=budget,
                 changes=snapshot(budget, BUDGET_FIELDS))
    return budget


@transaction.atomic
def budget_update(*, actor: User, budget: Budget, version: int,
                  data: Mapping[str, Any]) -> Budget:
    data = dict(data)
    if data.get("starts_on") and not data.get("ends_on"):
        data["ends_on"] = year_end(data["starts_on"])
    current = _current(actor, budget)
    if current is not None and _unchanged_after_sign_off(
            current, BUDGET_FIELDS,
            lambda probe: apply_fields(probe, data, BUDGET_FIELDS, validate_constraints=False)):
        check_version(current, version)
        return current
    draft = _draft(actor, budget, version)
    save_changes(actor=actor, record=draft, version=draft.version, data=data,
                 fields=BUDGET_FIELDS, action="budget.updated", person=draft.person)
    return draft


# --- ways of holding the money ---------------------------------------------------------------

def _check_holding(holding: Holding) -> None:
    errors: dict[str, str] = {}
    if holding.way == HoldingWay.DIRECT_PAYMENT:
        if not holding.paid_to:
            errors["paid_to"] = "Select who the direct payment is paid to"
        if holding.payment_amount is None:
            errors["payment_amount"] = "Enter the amount of each payment"
        if not holding.payment_frequency:
            errors["payment_frequency"] = "Select how often it is paid"
        if holding.notice_days is None:
            errors["notice_days"] = ("Enter how many days' notice they get before the payment "
                                     "is reduced")
        if holding.paid_to in (PaidTo.REPRESENTATIVE, PaidTo.NOMINEE):
            contact = holding.paid_to_contact
            if contact is None:
                errors["paid_to_contact"] = f"Select their {holding.paid_to}"
            elif (contact.person_id != holding.budget.person_id or contact.removed_at
                  or holding.paid_to not in contact.contact_types):
                errors["paid_to_contact"] = (f"Select someone recorded in their circle as "
                                             f"their {holding.paid_to}")
        elif holding.paid_to_contact_id:
            errors["paid_to_contact"] = ("Only choose someone from their circle when the "
                                         "payment goes to a representative or nominee")
    else:
        for name in ("paid_to", "paid_to_contact", "payment_amount", "payment_frequency",
                     "notice_days"):
            if getattr(holding, name) not in (None, ""):
                errors[name] = "This is only for a direct payment"
    if holding.way == HoldingWay.THIRD_PARTY and not holding.held_by:
        errors["held_by"] = "Enter the organisation that holds the money"
    if errors:
        raise ValidationError(errors)


def _holding_values(data: Mapping[str, Any], budget: Budget) -> dict[str, Any]:
    data = dict(data)
    contact = data.get("paid_to_contact")
    if contact is not None and not isinstance(contact, PersonalContact):
        data["paid_to_contact"] = PersonalContact.objects.filter(
            person_id=budget.person_id, pk=_uuid_or_none(contact)).first()
        if data["paid_to_contact"] is None:
            raise ValidationError({"paid_to_contact": "Select someone in their circle"})
    return data


@transaction.atomic
def holding_add(*, actor: User, budget: Budget, version: int,
                data: Mapping[str, Any]) -> Holding:
    draft = _draft(actor, budget, version)
    holding = apply_fields(Holding(budget=draft), _holding_values(data, draft), HOLDING_FIELDS,
                           validate_constraints=False)
    if Holding.objects.filter(budget=draft, way=holding.way).exists():
        raise ValidationError({"way": WAY_ALREADY_USED})
    _check_holding(holding)
    holding.save()
    audit_record(actor=actor, action="budget.holding_added", person=draft.person, obj=holding,
                 changes=snapshot(holding, HOLDING_FIELDS))
    return holding


@transaction.atomic
def holding_update(*, actor: User, holding: Holding, version: int,
                   data: Mapping[str, Any]) -> Holding:
    _seen(actor, holding, version)
    if _unchanged_after_sign_off(holding, HOLDING_FIELDS, lambda probe: apply_fields(
            probe, _holding_values(data, holding.budget), HOLDING_FIELDS,
            validate_constraints=False)):
        return holding
    draft = _draft(actor, holding.budget, holding.budget.version)
    record = _in_draft(actor, draft, holding)
    if record.pk == holding.pk:  # the same record, now locked: check again
        check_version(record, version)
    values = _holding_values(data, draft)
    if "way" in values and values["way"] != record.way and Holding.objects.filter(
            budget=draft, way=values["way"]).exists():
        raise ValidationError({"way": WAY_ALREADY_USED})
    before = snapshot(record, HOLDING_FIELDS)
    apply_fields(record, values, HOLDING_FIELDS, validate_constraints=False)
    _check_holding(record)
    changes = diff(before, snapshot(record, HOLDING_FIELDS))
    if changes:
        record.version += 1
        record.save()
        audit_record(actor=actor, action="budget.holding_updated", person=draft.person,
                     obj=record, changes=changes)
    return record


def _remove(*, actor: User, record: Holding | CostLine, version: int, action: str,
            fields: tuple[str, ...]) -> None:
    """Take a holding or line out (of a new draft, if the budget was signed off); the audit
    row keeps what it said."""
    _seen(actor, record, version)
    draft = _draft(actor, record.budget, record.budget.version)
    current = _in_draft(actor, draft, record)
    if current.pk == record.pk:  # the same record, now locked: check again
        check_version(current, version)
    audit_record(actor=actor, action=action, person=draft.person, obj=current,
                 changes=snapshot(current, fields))
    current.delete()


@transaction.atomic
def holding_remove(*, actor: User, holding: Holding, version: int) -> None:
    """Lines it paid for stay in the budget, waiting for another way of holding the money."""
    _remove(actor=actor, record=holding, version=version, action="budget.holding_removed",
            fields=HOLDING_FIELDS)


# --- cost lines ------------------------------------------------------------------------------

def _uuid_or_none(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _line_values(data: Mapping[str, Any], budget: Budget) -> dict[str, Any]:
    """Resolve ids to this plan's outcome and this budget's holding; refuse anyone else's."""
    data = dict(data)
    outcome = data.get("outcome")
    if outcome is not None:
        if isinstance(outcome, Outcome):
            outcome = outcome if outcome.plan_id == budget.plan_id else None
        else:
            outcome = Outcome.objects.filter(plan_id=budget.plan_id,
                                             pk=_uuid_or_none(outcome)).first()
        if outcome is None:
            raise ValidationError({"outcome": NOT_THIS_PLANS_OUTCOME})
        data["outcome"] = outcome
    holding = data.get("holding")
    if holding is not None:
        if not isinstance(holding, Holding):
            holding = Holding.objects.filter(pk=_uuid_or_none(holding)).first()
        # Only this budget's holdings, or those of the budget it was copied from.
        if holding is not None and holding.budget_id not in (budget.pk, budget.copied_from_id):
            holding = None
        # A change that made a new draft names the signed-off budget's holding: use the
        # draft's copy of it (one holding per way in each budget).
        holding = Holding.objects.filter(budget=budget, way=holding.way).first() \
            if holding is not None else None
        if holding is None:
            raise ValidationError({"holding": NOT_THIS_BUDGETS_HOLDING})
        data["holding"] = holding
    rates = data.get("pa_rates")
    if rates is not None and not isinstance(rates, PARates):
        data["pa_rates"] = PARates.objects.filter(pk=_uuid_or_none(rates)).first()
        if data["pa_rates"] is None:
            raise ValidationError({"pa_rates": PA_RATES_NEEDED})
    return data


def rates_for(starts_on: dt.date | None) -> PARates | None:
    """The rates for the tax year most of a budget year falls in (its middle day; today if the
    budget has no start yet): a year starting on 1 April is costed at the rates from 6 April."""
    day = starts_on + dt.timedelta(days=182) if starts_on else timezone.localdate()
    return PARates.objects.filter(starts_on__lte=day).order_by("-starts_on").first() or \
        PARates.objects.order_by("starts_on").first()


def _cost(line: CostLine) -> None:
    """Check the line against what a budget cannot buy and work out its yearly cost."""
    found = exclusions_for(line.item, line.supplier)
    if found:
        raise ValidationError({"item": found[0].reason})
    errors: dict[str, str] = {}
    if line.unusual and not line.unusual_reason.strip():
        errors["unusual_reason"] = UNUSUAL_REASON_NEEDED
    if line.category == Category.PA_EMPLOYMENT:
        if line.frequency != Frequency.WEEKLY:
            errors["frequency"] = PA_WEEKLY
        if line.quantity > 168:
            errors["quantity"] = PA_HOURS
        if line.pa_rates is None:
            errors["pa_rates"] = PA_RATES_NEEDED
        elif line.unit_cost < line.pa_rates.national_living_wage:
            errors["unit_cost"] = BELOW_LIVING_WAGE.format(
                wage=pounds(line.pa_rates.national_living_wage), year=line.pa_rates.tax_year)
    if errors:
        raise ValidationError(errors)
    if line.category == Category.PA_EMPLOYMENT and line.pa_rates is not None:
        costs = pa_costs(hourly_pay=line.unit_cost, hours_per_week=line.quantity,
                         rates=line.pa_rates, includes_insurance=line.pa_includes_insurance)
        line.annual_cost, line.pa_breakdown = costs.total, costs.as_json()
    else:
        line.annual_cost = yearly_cost(line.unit_cost, line.quantity, line.frequency)
        line.pa_rates, line.pa_breakdown = None, {}
    if line.annual_cost > MOST:
        raise ValidationError({"unit_cost": YEARLY_COST_TOO_LARGE})
    if line.unusual:
        if not line.unusual_decision:
            line.unusual_decision = UnusualDecision.PENDING
    else:
        line.unusual_decision, line.unusual_decision_reason = "", ""
        line.unusual_decided_by = None


def _apply_line(line: CostLine, data: Mapping[str, Any], budget: Budget) -> CostLine:
    values = _line_values(data, budget)
    if values.get("category") == Category.PA_EMPLOYMENT or (
            "category" not in values and line.category == Category.PA_EMPLOYMENT):
        values.setdefault("frequency", Frequency.WEEKLY)
        if values.get("pa_rates") is None and line.pa_rates_id is None:
            values["pa_rates"] = rates_for(budget.starts_on)
    apply_fields(line, values, LINE_FIELDS)
    _cost(line)
    return line


@transaction.atomic
def cost_line_add(*, actor: User, budget: Budget, version: int,
                  data: Mapping[str, Any]) -> CostLine:
    draft = _draft(actor, budget, version)
    line = _apply_line(CostLine(budget=draft, annual_cost=Decimal("0")), data, draft)
    line.save()
    audit_record(actor=actor, action="budget.line_added", person=draft.person, obj=line,
                 changes={**snapshot(line, LINE_FIELDS), "annual_cost": line.annual_cost})
    return line


@transaction.atomic
def cost_line_update(*, actor: User, line: CostLine, version: int,
                     data: Mapping[str, Any]) -> CostLine:
    _seen(actor, line, version)
    if _unchanged_after_sign_off(line, (*LINE_FIELDS, "annual_cost"),
                                 lambda probe: _apply_line(probe, data, line.budget)):
        return line
    draft = _draft(actor, line.budget, line.budget.version)
    record = _in_draft(actor, draft, line)
    if record.pk == line.pk:  # the same record, now locked: check again
        check_version(record, version)
    fields = (*LINE_FIELDS, "annual_cost")
    before = snapshot(record, fields)
    _apply_line(record, data, draft)
    changes = diff(before, snapshot(record, fields))
    if changes:
        if record.unusual and set(changes) & {"item", "unit_cost", "quantity", "frequency",
                                               "unusual_reason"}:
            # A changed request needs deciding again.
            record.unusual_decision, record.unusual_decided_by = UnusualDecision.PENDING, None
            record.unusual_decision_reason = ""
        record.version += 1
        record.save()
        audit_record(actor=actor, action="budget.line_updated", person=draft.person,
                     obj=record, changes=changes)
    return record


@transaction.atomic
def cost_line_remove(*, actor: User, line: CostLine, version: int) -> None:
    _remove(actor=actor, record=line, version=version, action="budget.line_removed",
            fields=(*LINE_FIELDS, "annual_cost"))


@transaction.atomic
def unusual_request_decide(*, actor: User, line: CostLine, version: int, agreed: bool,
                           reason: str) -> CostLine:
    """A commissioner's case-by-case decision on an unusual request, with the reason."""
    _require(actor, "budgets.sign_off_budget", line.budget.person)
    record = (CostLine.objects.select_for_update()
              .filter(pk=line.pk, budget__in=Budget.objects.visible_to(actor)).first())
    if record is None:
        raise NotFound()
    check_version(record, version)
    if record.budget.status != BudgetStatus.DRAFT:
        raise ValidationError({"__all__": ONLY_DRAFTS})
    if not record.unusual:
        raise ValidationError({"__all__": NOT_UNUSUAL})
    if not (reason or "").strip():
        raise ValidationError({"reason": DECISION_REASON_NEEDED})
    decision = UnusualDecision.AGREED if agreed else UnusualDecision.NOT_AGREED
    record.unusual_decision, record.unusual_decision_reason = decision, reason.strip()[:2000]
    record.unusual_decided_by = actor
    record.version += 1
    record.save()
    audit_record(actor=actor, action="budget.unusual_request_decided",
                 person=record.budget.person, obj=record,
                 changes={"decision": decision, "reason": record.unusual_decision_reason})
    return record


# --- sign-off --------------------------------------------------------------------------------

def sign_off_problems(budget: Budget) -> list[str]:
    """Everything that stops this budget being signed off, in plain words."""
    lines = list(budget.lines.all())
    holdings = list(budget.holdings.all())
    problems = []
    if budget.final_amount is None:
        problems.append("Enter the final budget")
    if budget.starts_on is None:
        problems.append("Enter when the budget year starts")
    if not holdings:
        problems.append("Say how the money will be held")
    if not lines:
        problems.append("Add what the budget will pay for")
    if any(line.holding_id is None for line in lines):
        problems.append("Say which way of holding the money pays for each line")
    if any(line.unusual_decision == UnusualDecision.PENDING for line in lines):
        problems.append("Decide each unusual request")
    if any(line.unusual_decision == UnusualDecision.NOT_AGREED for line in lines):
        problems.append("Take out the unusual requests that were not agreed")
    if budget.final_amount is not None:
        problems += sufficiency(budget, lines, holdings).problems()
    return problems


@transaction.atomic
def budget_sign_off(*, actor: User, budget: Budget, version: int) -> Budget:
    """The commissioner signs off the final budget: it comes into force and never changes."""
    _require(actor, "budgets.sign_off_budget", budget.person)
    _locked_plan(actor, budget.plan)
    locked = Budget.objects.visible_to(actor).select_for_update().filter(pk=budget.pk).first()
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    if locked.status != BudgetStatus.DRAFT:
        raise BudgetNotReady([ONLY_DRAFTS])
    problems = sign_off_problems(locked)
    if problems:
        raise BudgetNotReady(problems)
    replaced = Budget.objects.filter(plan=locked.plan, status=BudgetStatus.SIGNED_OFF).first()
    if replaced is not None:
        replaced.status = BudgetStatus.SUPERSEDED
        replaced.save(update_fields=["status", "updated_at"])
    locked.status = BudgetStatus.SIGNED_OFF
    locked.signed_off_by, locked.signed_off_at = actor, timezone.now()
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="budget.signed_off", person=locked.person, obj=locked,
                 changes={"number": locked.number, "final_amount": locked.final_amount,
                          "replaces": replaced.number if replaced else None})
    _reschedule(locked.plan)
    return locked


def _reschedule(plan: Plan) -> None:
    """A direct payment's first payment sets its first review. Reviews build on budgets:
    imported here, not above."""
    from ourplan.reviews.services import review_schedule_refresh

    review_schedule_refresh(plan=plan)


# --- spending --------------------------------------------------------------------------------

@transaction.atomic
def payment_record(*, actor: User, budget: Budget, data: Mapping[str, Any]) -> Payment:
    """Money actually spent, against one line of the budget in force."""
    _require(actor, "budgets.record_payment", budget.person)
    locked = Budget.objects.visible_to(actor).select_for_update().filter(pk=budget.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status != BudgetStatus.SIGNED_OFF:
        raise ValidationError({"line": NOT_IN_FORCE})
    data = dict(data)
    line = data.get("line")
    if line is not None:
        line_id = line.pk if isinstance(line, CostLine) else _uuid_or_none(line)
        data["line"] = CostLine.objects.filter(budget=locked, pk=line_id).first()
        if data["line"] is None:
            raise ValidationError({"line": NOT_A_LINE_IN_FORCE})
    payment = apply_fields(Payment(budget=locked, recorded_by=actor), data, PAYMENT_FIELDS)
    if payment.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": PAID_ON_FUTURE})
    if locked.starts_on and locked.ends_on and not (
            locked.starts_on <= payment.paid_on <= locked.ends_on):
        raise ValidationError({"paid_on": PAID_ON_OUTSIDE.format(
            start=format_date(locked.starts_on), end=format_date(locked.ends_on))})
    payment.save()
    audit_record(actor=actor, action="budget.payment_recorded", person=locked.person,
                 obj=payment, changes=snapshot(payment, PAYMENT_FIELDS))
    _reschedule(locked.plan)
    return payment


@transaction.atomic
def payment_remove(*, actor: User, payment: Payment, version: int) -> None:
    """A payment recorded by mistake; the audit row keeps what it said."""
    _require(actor, "budgets.record_payment", payment.budget.person)
    record = (Payment.objects.select_for_update()
              .filter(pk=payment.pk, budget__in=Budget.objects.visible_to(actor)).first())
    if record is None:
        raise NotFound()
    check_version(record, version)
    audit_record(actor=actor, action="budget.payment_removed", person=record.budget.person,
                 obj=record, changes=snapshot(record, PAYMENT_FIELDS))
    record.delete()
    _reschedule(record.budget.plan)


# --- PA employment rates ---------------------------------------------------------------------

@transaction.atomic
def pa_rates_add(*, actor: User, data: Mapping[str, Any]) -> PARates:
    _require(actor, "budgets.change_rates", None)
    rates = apply_fields(PARates(changed_by=actor), data, RATES_FIELDS)
    rates.save()
    audit_record(actor=actor, action="pa_rates.added", obj=rates,
                 changes=snapshot(rates, RATES_FIELDS))
    return rates


@transaction.atomic
def pa_rates_update(*, actor: User, rates: PARates, version: int,
                    data: Mapping[str, Any]) -> PARates:
    """New rates cost new and changed PA lines; signed-off budgets keep the figures they were
    signed off with."""
    _require(actor, "budgets.change_rates", None)
    locked = PARates.objects.select_for_update().get(pk=rates.pk)
    locked.changed_by = actor
    save_changes(actor=actor, record=locked, version=version, data=data, fields=RATES_FIELDS,
                 action="pa_rates.updated", person=None)
    return locked
