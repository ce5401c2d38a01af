"""/api/v1/people/{person_id}/plan/budget: the personal health budget, through the budget
services. Money is sent and returned as strings of pounds and pence ("1234.50"), never floats."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ourplan.api.schemas import ErrorOut, Strict, partial
from ourplan.budgets import selectors, services
from ourplan.budgets.models import (
    Budget,
    Category,
    CostLine,
    Eligibility,
    Holding,
    HoldingWay,
    PaidTo,
    PARates,
)
from ourplan.budgets.money import Frequency
from ourplan.budgets.pa_costs import pa_costs
from ourplan.budgets.returns import COLUMNS, phb_returns
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.views_helpers import signed_in_user
from ourplan.people import selectors as people_selectors
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan

router = Router(tags=["personal health budgets"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


def Money(default: Any = ..., **kwargs: Any) -> Any:  # noqa: N802 - reads like a type
    return Field(default, max_digits=12, decimal_places=2, examples=["1250.00"], **kwargs)


# --- shapes --------------------------------------------------------------------------------

class BudgetIn(Strict):
    eligibility: Eligibility
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    indicative_amount: decimal.Decimal | None = Money(None)
    indicative_basis: str = Field("", max_length=2000)
    indicative_authorised_by: str = Field("", max_length=200)
    indicative_authorised_on: dt.date | None = None
    final_amount: decimal.Decimal | None = Money(None)


BudgetPatch = partial("BudgetPatch", BudgetIn, version=(int, ...))


class HoldingIn(Strict):
    way: HoldingWay
    amount: decimal.Decimal = Money()
    held_by: str = Field("", max_length=200)
    accountable: str = Field(max_length=200)
    records_to_keep: str = Field("", max_length=2000)
    paid_to: PaidTo | None = None
    paid_to_contact: uuid.UUID | None = None
    payment_amount: decimal.Decimal | None = Money(None)
    payment_frequency: Frequency | None = None
    notice_days: int | None = None


HoldingPatch = partial("HoldingPatch", HoldingIn, version=(int, ...))


class LineIn(Strict):
    outcome: uuid.UUID
    item: str = Field(max_length=200)
    category: Category
    supplier: str = Field("", max_length=200)
    unit_cost: decimal.Decimal = Money(description="For a PA: their hourly pay")
    quantity: decimal.Decimal = Field(decimal.Decimal("1"), max_digits=8, decimal_places=2,
                                      description="For a PA: hours a week")
    frequency: Frequency
    holding: uuid.UUID | None = None
    pa_rates: uuid.UUID | None = Field(None, description="For a PA: the tax year's rates "
                                                         "(default: the budget year's)")
    pa_includes_insurance: bool = True
    unusual: bool = False
    unusual_reason: str = Field("", max_length=2000)


LinePatch = partial("LinePatch", LineIn, version=(int, ...))


class DecisionIn(Strict):
    version: int
    agreed: bool
    reason: str = Field(max_length=2000)


class VersionIn(Strict):
    version: int


class PaymentIn(Strict):
    line: uuid.UUID
    paid_on: dt.date
    amount: decimal.Decimal = Money()
    reference: str = Field("", max_length=200)


class PACostsIn(Strict):
    hourly_pay: decimal.Decimal = Money()
    hours_per_week: decimal.Decimal = Field(max_digits=6, decimal_places=2, gt=0, le=168)
    tax_year: str = Field(max_length=7, examples=["2026-27"])
    includes_insurance: bool = True


class HoldingOut(Schema):
    id: uuid.UUID
    version: int
    way: str
    amount: decimal.Decimal
    held_by: str
    accountable: str
    records_to_keep: str
    paid_to: str
    paid_to_contact: uuid.UUID | None
    payment_amount: decimal.Decimal | None
    payment_frequency: str
    notice_days: int | None


class LineOut(Schema):
    id: uuid.UUID
    version: int
    outcome: uuid.UUID
    item: str
    category: str
    supplier: str
    unit_cost: decimal.Decimal
    quantity: decimal.Decimal
    frequency: str
    annual_cost: decimal.Decimal
    holding: uuid.UUID | None
    pa_breakdown: dict[str, str]
    unusual: bool
    unusual_reason: str
    unusual_decision: str
    unusual_decision_reason: str
    covered: bool
    short_by: decimal.Decimal


class SufficiencyOut(Schema):
    amount: decimal.Decimal | None
    total_cost: decimal.Decimal
    shortfall: decimal.Decimal
    surplus: decimal.Decimal
    large_surplus: bool
    problems: list[str]


class BudgetOut(Schema):
    id: uuid.UUID
    version: int
    number: int
    status: str
    eligibility: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    indicative_amount: decimal.Decimal | None
    indicative_basis: str
    indicative_authorised_by: str
    indicative_authorised_on: dt.date | None
    final_amount: decimal.Decimal | None
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    in_force_number: int | None
    holdings: list[HoldingOut]
    lines: list[LineOut]
    sufficiency: SufficiencyOut
    sign_off_problems: list[str]


class PeriodOut(Schema):
    label: str
    starts_on: dt.date
    ends_on: dt.date
    planned: decimal.Decimal
    actual: decimal.Decimal
    flag: str


class PaymentOut(Schema):
    id: uuid.UUID
    version: int
    line: uuid.UUID
    paid_on: dt.date
    amount: decimal.Decimal
    reference: str


class SpendingOut(Schema):
    budget_number: int
    planned_to_date: decimal.Decimal
    actual_to_date: decimal.Decimal
    periods: list[PeriodOut]
    payments: list[PaymentOut]


class PACostsOut(Schema):
    tax_year: str
    wages: decimal.Decimal
    holiday_pay: decimal.Decimal
    employer_ni: decimal.Decimal
    pension: decimal.Decimal
    emergency_cover: decimal.Decimal
    training: decimal.Decimal
    payroll: decimal.Decimal
    insurance: decimal.Decimal
    total: decimal.Decimal


class ReturnsQuery(Schema):
    starts_on: dt.date
    ends_on: dt.date


class ReturnsOut(Schema):
    organisation: str
    starts_on: dt.date
    ends_on: dt.date
    counts: dict[str, int]
    descriptions: dict[str, str]


# --- helpers -------------------------------------------------------------------------------

def _plan(request: HttpRequest, person_id: str, purpose: str = "budget") -> Plan:
    """The plan whose budget is asked about. A nominee reaches the budget they manage but not
    the plan: for them it is found through the budget, and its content is never read."""
    user = signed_in_user(request)
    person = people_selectors.person_get(user=user, person_id=person_id, purpose=purpose)
    plan = plan_selectors.plan_for_person(user=user, person=person)
    if plan is None:
        budget = (Budget.objects.visible_to(user).filter(person=person)
                  .select_related("plan").first())
        if budget is None:
            raise NotFound()
        plan = budget.plan
    return plan


def _sheet(request: HttpRequest, plan: Plan) -> selectors.BudgetSheet:
    sheet = selectors.budget_sheet(user=signed_in_user(request), plan=plan, purpose="api")
    if sheet is None:
        raise NotFound()
    return sheet


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    # Optional choices and text sent as null mean "none".
    for name in ("paid_to", "payment_frequency"):
        if name in data and data[name] is None:
            data[name] = ""
    return {k: getattr(v, "value", v) for k, v in data.items()}


def _holding(h: Holding) -> dict[str, Any]:
    return {"id": h.pk, "version": h.version, "way": h.way, "amount": h.amount,
            "held_by": h.held_by, "accountable": h.accountable,
            "records_to_keep": h.records_to_keep, "paid_to": h.paid_to,
            "paid_to_contact": h.paid_to_contact_id, "payment_amount": h.payment_amount,
            "payment_frequency": h.payment_frequency, "notice_days": h.notice_days}


def _out(sheet: selectors.BudgetSheet) -> dict[str, Any]:
    b, s = sheet.budget, sheet.sufficiency
    return {
        "id": b.pk, "version": b.version, "number": b.number, "status": b.status,
        "eligibility": b.eligibility, "starts_on": b.starts_on, "ends_on": b.ends_on,
        "indicative_amount": b.indicative_amount, "indicative_basis": b.indicative_basis,
        "indicative_authorised_by": b.indicative_authorised_by,
        "indicative_authorised_on": b.indicative_authorised_on,
        "final_amount": b.final_amount,
        "signed_off_by": b.signed_off_by.username if b.signed_off_by else None,
        "signed_off_at": b.signed_off_at,
        "in_force_number": sheet.in_force.number if sheet.in_force else None,
        "holdings": [_holding(h) for h in sheet.holdings],
        "lines": [{
            "id": c.line.pk, "version": c.line.version, "outcome": c.line.outcome_id,
            "item": c.line.item, "category": c.line.category, "supplier": c.line.supplier,
            "unit_cost": c.line.unit_cost, "quantity": c.line.quantity,
            "frequency": c.line.frequency, "annual_cost": c.line.annual_cost,
            "holding": c.line.holding_id, "pa_breakdown": c.line.pa_breakdown,
            "unusual": c.line.unusual, "unusual_reason": c.line.unusual_reason,
            "unusual_decision": c.line.unusual_decision,
            "unusual_decision_reason": c.line.unusual_decision_reason,
            "covered": c.covered, "short_by": c.short_by,
        } for c in s.lines],
        "sufficiency": {"amount": s.amount, "total_cost": s.total_cost,
                        "shortfall": s.shortfall, "surplus": s.surplus,
                        "large_surplus": s.large_surplus, "problems": s.problems()},
        "sign_off_problems": sheet.problems,
    }


def _reloaded(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    return _out(_sheet(request, plan))


def _line(request: HttpRequest, budget: Budget, line_id: str) -> CostLine:
    return selectors.cost_line_get(user=signed_in_user(request), budget=budget,
                                   line_id=_uuid(line_id))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- the budget ----------------------------------------------------------------------------

@router.get("/people/{person_id}/plan/budget", response={200: BudgetOut, **ERRORS})
def budget_get(request: HttpRequest, person_id: str) -> Any:
    return _out(_sheet(request, _plan(request, person_id)))


@router.post("/people/{person_id}/plan/budget", response={201: BudgetOut, **ERRORS})
def budget_start(request: HttpRequest, person_id: str, payload: BudgetIn) -> Any:
    plan = _plan(request, person_id, purpose="budget_start")
    services.budget_start(actor=signed_in_user(request), plan=plan, data=_data(payload))
    return Status(201, _reloaded(request, plan))


@router.patch("/people/{person_id}/plan/budget", response={200: BudgetOut, **ERRORS})
def budget_update(request: HttpRequest, person_id: str,
                  payload: BudgetPatch) -> Any:  # type: ignore[valid-type]
    plan = _plan(request, person_id)
    services.budget_update(actor=signed_in_user(request), budget=_sheet(request, plan).budget,
                           version=payload.version, data=_data(payload))  # type: ignore[attr-defined]
    return _reloaded(request, plan)


@router.get("/people/{person_id}/plan/budget/versions/{number}",
            response={200: BudgetOut, **ERRORS})
def budget_version(request: HttpRequest, person_id: str, number: int) -> Any:
    plan = _plan(request, person_id)
    return _out(selectors.budget_version(user=signed_in_user(request), plan=plan, number=number))


@router.post("/people/{person_id}/plan/budget/sign-off", response={200: BudgetOut, **ERRORS})
def budget_sign_off(request: HttpRequest, person_id: str, payload: VersionIn) -> Any:
    plan = _plan(request, person_id, purpose="budget_sign_off")
    services.budget_sign_off(actor=signed_in_user(request), budget=_sheet(request, plan).budget,
                             version=payload.version)
    return _reloaded(request, plan)


# --- ways of holding the money -------------------------------------------------------------

@router.post("/people/{person_id}/plan/budget/holdings", response={201: BudgetOut, **ERRORS})
def holding_add(request: HttpRequest, person_id: str, payload: HoldingIn) -> Any:
    plan = _plan(request, person_id)
    budget = _sheet(request, plan).budget
    services.holding_add(actor=signed_in_user(request), budget=budget, version=budget.version,
                         data=_data(payload))
    return Status(201, _reloaded(request, plan))


@router.patch("/people/{person_id}/plan/budget/holdings/{holding_id}",
              response={200: BudgetOut, **ERRORS})
def holding_update(request: HttpRequest, person_id: str, holding_id: str,
                   payload: HoldingPatch) -> Any:  # type: ignore[valid-type]
    plan = _plan(request, person_id)
    holding = selectors.holding_get(user=signed_in_user(request),
                                    budget=_sheet(request, plan).budget,
                                    holding_id=_uuid(holding_id))
    services.holding_update(actor=signed_in_user(request), holding=holding,
                            version=payload.version, data=_data(payload))  # type: ignore[attr-defined]
    return _reloaded(request, plan)


@router.delete("/people/{person_id}/plan/budget/holdings/{holding_id}",
               response={200: BudgetOut, **ERRORS})
def holding_remove(request: HttpRequest, person_id: str, holding_id: str,
                   version: int) -> Any:
    plan = _plan(request, person_id)
    holding = selectors.holding_get(user=signed_in_user(request),
                                    budget=_sheet(request, plan).budget,
                                    holding_id=_uuid(holding_id))
    services.holding_remove(actor=signed_in_user(request), holding=holding, version=version)
    return _reloaded(request, plan)


# --- cost lines ----------------------------------------------------------------------------

@router.post("/people/{person_id}/plan/budget/lines", response={201: BudgetOut, **ERRORS})
def line_add(request: HttpRequest, person_id: str, payload: LineIn) -> Any:
    plan = _plan(request, person_id)
    budget = _sheet(request, plan).budget
    services.cost_line_add(actor=signed_in_user(request), budget=budget, version=budget.version,
                           data=_data(payload))
    return Status(201, _reloaded(request, plan))


@router.patch("/people/{person_id}/plan/budget/lines/{line_id}",
              response={200: BudgetOut, **ERRORS})
def line_update(request: HttpRequest, person_id: str, line_id: str,
                payload: LinePatch) -> Any:  # type: ignore[valid-type]
    plan = _plan(request, person_id)
    line = _line(request, _sheet(request, plan).budget, line_id)
    services.cost_line_update(actor=signed_in_user(request), line=line,
                              version=payload.version, data=_data(payload))  # type: ignore[attr-defined]
    return _reloaded(request, plan)


@router.delete("/people/{person_id}/plan/budget/lines/{line_id}",
               response={200: BudgetOut, **ERRORS})
def line_remove(request: HttpRequest, person_id: str, line_id: str, version: int) -> Any:
    plan = _plan(request, person_id)
    line = _line(request, _sheet(request, plan).budget, line_id)
    services.cost_line_remove(actor=signed_in_user(request), line=line, version=version)
    return _reloaded(request, plan)


@router.post("/people/{person_id}/plan/budget/lines/{line_id}/decision",
             response={200: BudgetOut, **ERRORS})
def line_decide(request: HttpRequest, person_id: str, line_id: str,
                payload: DecisionIn) -> Any:
    plan = _plan(request, person_id, purpose="budget_decision")
    line = _line(request, _sheet(request, plan).budget, line_id)
    services.unusual_request_decide(actor=signed_in_user(request), line=line,
                                    version=payload.version,
                                    agreed=payload.agreed, reason=payload.reason)
    return _reloaded(request, plan)


# --- spending ------------------------------------------------------------------------------

@router.get("/people/{person_id}/plan/budget/spending", response={200: SpendingOut, **ERRORS})
def spending(request: HttpRequest, person_id: str, period: str = "month") -> Any:
    if period not in ("month", "quarter"):
        raise ValidationError({"period": "Choose month or quarter"})
    plan = _plan(request, person_id, purpose="budget_spending")
    report = selectors.spending_report(user=signed_in_user(request), plan=plan,
                                       months_per_period=3 if period == "quarter" else 1)
    if report is None:
        raise NotFound()
    sp = report.spending
    return {
        "budget_number": report.budget.number, "planned_to_date": sp.planned_to_date,
        "actual_to_date": sp.actual_to_date,
        "periods": [{"label": p.label, "starts_on": p.starts_on, "ends_on": p.ends_on,
                     "planned": p.planned, "actual": p.actual, "flag": p.flag}
                    for p in sp.periods],
        "payments": [{"id": p.pk, "version": p.version, "line": p.line_id,
                      "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference}
                     for p in report.payments],
    }


@router.post("/people/{person_id}/plan/budget/payments", response={201: PaymentOut, **ERRORS})
def payment_add(request: HttpRequest, person_id: str, payload: PaymentIn) -> Any:
    plan = _plan(request, person_id, purpose="budget_payment")
    report = selectors.spending_report(user=signed_in_user(request), plan=plan)
    if report is None:
        raise ValidationError({"line": services.NOT_IN_FORCE})
    p = services.payment_record(actor=signed_in_user(request), budget=report.budget,
                                data=_data(payload))
    return Status(201, {"id": p.pk, "version": p.version, "line": p.line_id,
                        "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference})


# --- not about one person ------------------------------------------------------------------

@router.post("/pa-costs", response={200: PACostsOut, **ERRORS})
def pa_costs_check(request: HttpRequest, payload: PACostsIn) -> Any:
    """What employing a PA costs a year with a tax year's rates (nothing is saved)."""
    rates = PARates.objects.filter(tax_year=payload.tax_year).first()
    if rates is None:
        raise ValidationError({"tax_year": "There are no rates for that tax year"})
    return pa_costs(hourly_pay=payload.hourly_pay, hours_per_week=payload.hours_per_week,
                    rates=rates, includes_insurance=payload.includes_insurance).as_json()


@router.get("/phb-returns", response={200: ReturnsOut, **ERRORS})
def returns(request: HttpRequest, query: Query[ReturnsQuery]) -> Any:
    user = signed_in_user(request)
    if not user.has_perm("budgets.view_returns") or user.organisation is None:
        raise NotAllowed()
    if query.ends_on < query.starts_on:
        raise ValidationError({"ends_on": "The end must be on or after the start"})
    result = phb_returns(organisation=user.organisation, starts_on=query.starts_on,
                         ends_on=query.ends_on)
    audit_record(actor=user, action="budget.returns_viewed",
                 changes={"starts_on": query.starts_on, "ends_on": query.ends_on})
    return {"organisation": result.organisation, "starts_on": result.starts_on,
            "ends_on": result.ends_on, "counts": result.counts,
            "descriptions": dict(COLUMNS)}
