"""Demo personal health budgets, made through the same services as the pages.

Dates follow today, so the demo always has a budget in force with a few months of spending:
* Mark: NHS continuing healthcare, a mixture of a direct payment (to his mum, his nominee) and
  a notional budget; in force since the first of the month six months ago, with payments;
* Leo (a child): children's continuing care held by a third party; in force since three months
  ago;
* Margaret: NHS continuing healthcare, notional; a year that ended six months ago.
So in the current quarter the ICB's returns count 2 people: 1 adult, 1 child, 1 NHS continuing
healthcare, 1 children's continuing care, 1 direct payment, 1 notional, 1 third party and 1
mixture (ourplan/demo/tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.budgets import services
from ourplan.budgets.models import Budget, CostLine, PARates
from ourplan.budgets.money import PENNY, split, to_pennies, total
from ourplan.budgets.rates import ensure_starting_rates
from ourplan.budgets.spending import add_months
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.models import Plan


def _first_of_month(months_ago: int, today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), -months_ago)


def _plan(actor: User, person: Person, outcomes: list[dict[str, str]]) -> tuple[Plan, list[Any]]:
    plan = Plan.objects.filter(person=person).first() or plan_services.plan_start(
        actor=actor, person=person)
    made = [plan_services.outcome_add(actor=actor, plan=plan, data=o) for o in outcomes]
    return plan, made


def _fresh(budget: Budget) -> Budget:
    budget.refresh_from_db()
    return budget


def _budget(*, planner: User, commissioner: User, plan: Plan, data: dict[str, Any],
            lines: list[dict[str, Any]], holdings: list[dict[str, Any]]) -> Budget:
    """Start, cost, hold and sign off a budget; each holding's lines are named by `pays`."""
    budget = services.budget_start(actor=planner, plan=plan, data=data)
    added: list[tuple[CostLine, str]] = []
    for spec in lines:
        pays = spec.pop("pays")
        line = services.cost_line_add(actor=planner, budget=budget,
                                      version=_fresh(budget).version, data=spec)
        added.append((line, pays))
    for spec in holdings:
        way = spec["way"]
        amount = total(line.annual_cost for line, pays in added if pays == way)
        extra = spec.pop("payment", None)
        if extra:
            # Instalments rounded up to the penny, so a year's payments cover the amount.
            monthly = to_pennies(amount / 12)
            monthly += PENNY if monthly * 12 < amount else 0
            spec |= {"payment_amount": monthly, "payment_frequency": "monthly", **extra}
        holding = services.holding_add(actor=planner, budget=budget,
                                       version=_fresh(budget).version,
                                       data={**spec, "amount": amount})
        for line, pays in added:
            if pays == way:
                line.refresh_from_db()
                services.cost_line_update(actor=planner, line=line, version=line.version,
                                          data={"holding": holding})
    services.budget_update(actor=planner, budget=budget, version=_fresh(budget).version,
                           data={"final_amount": total(line.annual_cost for line, _ in added)})
    return services.budget_sign_off(actor=commissioner, budget=budget,
                                    version=_fresh(budget).version)


def load_demo_budgets(users: dict[str, User],
                      today: dt.date | None = None) -> int:
    """Add the demo budgets that are missing; returns how many were added."""
    today = today or timezone.localdate()
    ensure_starting_rates(PARates)
    added = 0
    jo, david = users["jo.bennett"], users["david.clarke"]

    mark = Person.objects.get(nhs_number="9990000026")
    if not Budget.objects.filter(person=mark).exists():
        start = _first_of_month(6, today)
        plan, (active, morning) = _plan(jo, mark, [
            {"need": "Physical activity and time out of the house",
             "text": "I go swimming twice a week and help at the allotment on Saturdays"},
            {"need": "Support with personal care",
             "text": "My mornings are calm, with people I know, so I am ready for my day"},
        ])
        nominee = mark.personal_contacts.get(name="Linda Ellison")
        budget = _budget(
            planner=jo, commissioner=david, plan=plan,
            data={"eligibility": "chc_adult", "starts_on": start,
                  "indicative_amount": Decimal("26000.00"),
                  "indicative_basis": "NHS continuing healthcare resource allocation: about "
                                      "25 hours of support a week, plus equipment",
                  "indicative_authorised_by": "David Clarke, PHB commissioner",
                  "indicative_authorised_on": start - dt.timedelta(days=14)},
            lines=[
                {"outcome": morning, "item": "Personal assistant for mornings",
                 "category": "pa_employment", "supplier": "Employed by Mark, through Linda",
                 "unit_cost": Decimal("13.50"), "quantity": Decimal("20"),
                 "frequency": "weekly", "pays": "direct_payment"},
                {"outcome": active, "item": "Swimming for Mark and his PA",
                 "category": "activity", "supplier": "Riverside Leisure Centre",
                 "unit_cost": Decimal("30.00"), "quantity": Decimal("1"),
                 "frequency": "monthly", "pays": "direct_payment"},
                {"outcome": morning, "item": "Sensory equipment for his room",
                 "category": "equipment", "supplier": "Riverside Community Equipment",
                 "unit_cost": Decimal("1200.00"), "quantity": Decimal("1"),
                 "frequency": "one_off", "pays": "notional"},
            ],
            holdings=[
                {"way": "direct_payment", "accountable": "Linda Ellison, Mark's nominee",
                 "records_to_keep": "Timesheets, payslips, receipts and bank statements, kept "
                                    "for six years",
                 "payment": {"paid_to": "nominee", "paid_to_contact": nominee,
                             "notice_days": 28}},
                {"way": "notional", "held_by": "Personal Health Budgets Team",
                 "accountable": "NHS Riverside ICB"},
            ],
        )
        _payments(jo, budget, today)
        added += 1

    leo = Person.objects.get(nhs_number="9990000050")
    if not Budget.objects.filter(person=leo).exists():
        plan, (school,) = _plan(jo, leo, [
            {"need": "Nursing care during the school day",
             "text": "I go to school every day, with a nurse I know looking after my feeds"},
        ])
        _budget(
            planner=jo, commissioner=david, plan=plan,
            data={"eligibility": "childrens_continuing_care",
                  "starts_on": _first_of_month(3, today),
                  "indicative_amount": Decimal("44000.00"),
                  "indicative_basis": "Children's continuing care assessment: 30 hours of "
                                      "nursing support a week in term time and holidays"},
            lines=[{"outcome": school, "item": "Children's nurse during the school day",
                    "category": "agency_care", "supplier": "Riverside Children's Nursing",
                    "unit_cost": Decimal("28.00"), "quantity": Decimal("30"),
                    "frequency": "weekly", "pays": "third_party"}],
            holdings=[{"way": "third_party",
                       "held_by": "Riverside Carers and Independent Support",
                       "accountable": "Riverside Carers and Independent Support",
                       "records_to_keep": "Invoices and timesheets, sent to the ICB each "
                                          "quarter"}],
        )
        added += 1

    margaret = Person.objects.get(nhs_number="9990000069")
    if not Budget.objects.filter(person=margaret).exists():
        plan, (home,) = _plan(jo, margaret, [
            {"need": "Nursing care at home", "text": "I stay at home with Peter, in my own bed"},
        ])
        _budget(
            planner=jo, commissioner=david, plan=plan,
            data={"eligibility": "chc_adult", "starts_on": _first_of_month(18, today),
                  "indicative_amount": Decimal("9360.00")},
            lines=[{"outcome": home, "item": "Night sitting service", "category": "agency_care",
                    "supplier": "Riverside Home Care", "unit_cost": Decimal("180.00"),
                    "quantity": Decimal("1"), "frequency": "weekly", "pays": "notional"}],
            holdings=[{"way": "notional", "held_by": "Personal Health Budgets Team",
                       "accountable": "NHS Riverside ICB"}],
        )
        added += 1
    return added


def _payments(actor: User, budget: Budget, today: dt.date) -> None:
    """Each month that has ended: the PA and swimming as planned (one month's PA costs more,
    covering sickness), and the equipment in the first month for a little less than planned."""
    lines = {line.category: line for line in budget.lines.all()}
    assert budget.starts_on is not None
    month = 0
    while (end := add_months(budget.starts_on, month + 1) - dt.timedelta(days=1)) < today:
        paid_on = end
        pa = split(lines["pa_employment"].annual_cost, 12)[month]
        if month == 2:
            pa += Decimal("410.00")
        for line, amount, reference in (
                (lines["pa_employment"], pa, f"Payroll month {month + 1}"),
                (lines["activity"], Decimal("30.00"), "Leisure centre direct debit")):
            services.payment_record(actor=actor, budget=budget, data={
                "line": line, "paid_on": paid_on, "amount": amount, "reference": reference})
        if month == 0:
            services.payment_record(actor=actor, budget=budget, data={
                "line": lines["equipment"], "paid_on": paid_on, "amount": Decimal("1150.00"),
                "reference": "Invoice RCE-2231"})
        month += 1
