"""The budget's pages: the budget sheet, its details, ways of holding the money, cost lines,
unusual requests, sign-off, spending, versions; the PA rates; the organisation's returns.
Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.budgets import selectors, services
from ourplan.budgets.forms import (
    BudgetForm,
    CostLineForm,
    DecisionForm,
    HoldingForm,
    PaymentForm,
    RatesForm,
    ReturnsForm,
)
from ourplan.budgets.models import Budget, PARates
from ourplan.budgets.pa_costs import PARTS
from ourplan.budgets.returns import phb_returns, returns_csv
from ourplan.budgets.services import BudgetNotReady
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import call_service, form_page, signed_in_user
from ourplan.people import selectors as people_selectors
from ourplan.people.models import Person
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.forms import TransitionForm
from ourplan.plans.models import Plan


def _person_and_plan(request: HttpRequest, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    try:
        return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                              purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _require(request: HttpRequest, perm: str, person: Person | None = None) -> None:
    if not request.user.has_perm(perm, person):
        raise PermissionDenied


def _sheet(request: HttpRequest, plan: Plan, purpose: str) -> selectors.BudgetSheet:
    sheet = selectors.budget_sheet(user=signed_in_user(request), plan=plan, purpose=purpose)
    if sheet is None:
        raise Http404
    return sheet


def _budget_url(person: Person) -> str:
    return reverse("budgets:sheet", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET"])
def budget_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget")
    can_change = request.user.has_perm("budgets.change_budget", person)
    sheet = selectors.budget_sheet(user=signed_in_user(request), plan=plan)
    if sheet is None:
        return render(request, "budgets/no_budget.jinja",
                      {"person": person, "plan": plan, "can_change": can_change})
    return render(request, "budgets/sheet.jinja", {
        "person": person, "plan": plan, "sheet": sheet, "can_change": can_change,
        "can_sign_off": request.user.has_perm("budgets.sign_off_budget", person),
        "can_record_payment": request.user.has_perm("budgets.record_payment", person),
        "history": selectors.budget_history(plan=plan), "pa_parts": PARTS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def budget_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_start")
    _require(request, "budgets.change_budget", person)
    form = BudgetForm(request.POST or None)
    return form_page(
        request, form, template="budgets/budget_form.jinja",
        context={"person": person, "heading": "Start a personal health budget"},
        save=lambda: services.budget_start(actor=signed_in_user(request), plan=plan,
                                           data=form.service_data()),
        success=lambda _: "Personal health budget started",
        done=_budget_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_edit")
    _require(request, "budgets.change_budget", person)
    budget = _sheet(request, plan, purpose="edit").budget
    form = BudgetForm(request.POST or None, instance=budget,
                      initial={"version": budget.version})
    return form_page(
        request, form, template="budgets/budget_form.jinja",
        context={"person": person, "heading": "Change the budget", "budget": budget},
        save=lambda: services.budget_update(
            actor=signed_in_user(request), budget=budget,
            version=form.cleaned_data["version"] or budget.version, data=form.service_data()),
        success=lambda b: _saved_message(budget, b),
        done=_budget_url(person),
    )


def _saved_message(before: Budget, after: Budget) -> str:
    if after.number != before.number:
        return (f"Saved as a new draft, budget {after.number}. Budget {before.number} stays "
                f"as it was signed off until this one is")
    return "Budget saved"


# --- ways of holding the money ---------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def holding_form(request: HttpRequest, person_id: Any,
                 holding_id: Any = None) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_holding")
    _require(request, "budgets.change_budget", person)
    budget = _sheet(request, plan, purpose="edit").budget
    holding = None
    if holding_id is not None:
        try:
            holding = selectors.holding_get(user=signed_in_user(request), budget=budget,
                                            holding_id=holding_id)
        except NotFound as error:
            raise Http404 from error
    contacts = people_selectors.person_circle(person=person)
    form = HoldingForm(request.POST or None, instance=holding, contacts=contacts,
                       initial={"version": holding.version if holding else budget.version})
    if holding is None:
        def save() -> Any:
            return services.holding_add(
                actor=signed_in_user(request), budget=budget,
                version=form.cleaned_data["version"] or budget.version,
                data=form.service_data())
    else:
        def save() -> Any:
            return services.holding_update(
                actor=signed_in_user(request), holding=holding,
                version=form.cleaned_data["version"] or holding.version,
                data=form.service_data())
    return form_page(
        request, form, template="budgets/holding_form.jinja",
        context={"person": person, "holding": holding},
        save=save, success=lambda h: _saved_message(budget, h.budget),
        done=_budget_url(person),
    )


@login_required
@require_POST
def holding_remove(request: HttpRequest, person_id: Any, holding_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_holding")
    _require(request, "budgets.change_budget", person)
    budget = _sheet(request, plan, purpose="edit").budget
    try:
        holding = selectors.holding_get(user=signed_in_user(request), budget=budget,
                                        holding_id=holding_id)
    except NotFound as error:
        raise Http404 from error
    _remove(request, services.holding_remove, holding=holding)
    return redirect(_budget_url(person))


def _remove(request: HttpRequest, service: Any, **kwargs: Any) -> None:
    form = TransitionForm(request.POST)  # carries just the version
    if form.is_valid():
        call_service(form, service, actor=signed_in_user(request),
                     version=form.cleaned_data["version"],
                     **kwargs)
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors())
                       or "This could not be removed. Try again")
    else:
        messages.success(request, "Removed")


# --- cost lines ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def line_form(request: HttpRequest, person_id: Any, line_id: Any = None) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_line")
    _require(request, "budgets.change_budget", person)
    sheet = _sheet(request, plan, purpose="edit")
    budget = sheet.budget
    line = None
    if line_id is not None:
        try:
            line = selectors.cost_line_get(user=signed_in_user(request), budget=budget,
                                           line_id=line_id)
        except NotFound as error:
            raise Http404 from error
    initial: dict[str, Any] = {"version": line.version if line else budget.version}
    if line is None:
        initial["pa_rates"] = services.rates_for(budget.starts_on)
        if request.GET.get("outcome"):
            initial["outcome"] = request.GET["outcome"]
    form = CostLineForm(request.POST or None, instance=line, initial=initial,
                        outcomes=plan.outcomes.all(), holdings=budget.holdings.all())
    if line is None:
        def save() -> Any:
            return services.cost_line_add(
                actor=signed_in_user(request), budget=budget,
                version=form.cleaned_data["version"] or budget.version,
                data=form.service_data())
    else:
        def save() -> Any:
            return services.cost_line_update(
                actor=signed_in_user(request), line=line,
                version=form.cleaned_data["version"] or line.version,
                data=form.service_data())
    return form_page(
        request, form, template="budgets/line_form.jinja",
        context={"person": person, "line": line, "has_outcomes": plan.outcomes.exists()},
        save=save, success=lambda saved: _line_message(budget, saved),
        done=_budget_url(person),
    )


def _line_message(budget: Budget, line: Any) -> str:
    from ourplan.budgets.money import pounds

    message = f"{line.item}: {pounds(line.annual_cost)} a year"
    if line.budget.number != budget.number:
        message += f". Saved in a new draft, budget {line.budget.number}"
    if line.unusual:
        message += ". Flagged as an unusual request for a case-by-case decision"
    return message


@login_required
@require_POST
def line_remove(request: HttpRequest, person_id: Any, line_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_line")
    _require(request, "budgets.change_budget", person)
    budget = _sheet(request, plan, purpose="edit").budget
    try:
        line = selectors.cost_line_get(user=signed_in_user(request), budget=budget, line_id=line_id)
    except NotFound as error:
        raise Http404 from error
    _remove(request, services.cost_line_remove, line=line)
    return redirect(_budget_url(person))


@login_required
@require_http_methods(["GET", "POST"])
def line_decide(request: HttpRequest, person_id: Any, line_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_decision")
    _require(request, "budgets.sign_off_budget", person)
    budget = _sheet(request, plan, purpose="decision").budget
    try:
        line = selectors.cost_line_get(user=signed_in_user(request), budget=budget, line_id=line_id)
    except NotFound as error:
        raise Http404 from error
    form = DecisionForm(request.POST or None, initial={"version": line.version})
    return form_page(
        request, form, template="budgets/decision_form.jinja",
        context={"person": person, "line": line},
        save=lambda: services.unusual_request_decide(
            actor=signed_in_user(request), line=line, version=form.cleaned_data["version"],
            agreed=form.cleaned_data["agreed"], reason=form.cleaned_data["reason"]),
        success=lambda saved: f"{saved.item}: {saved.get_unusual_decision_display().lower()}",
        done=_budget_url(person),
    )


# --- sign-off --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_sign_off")
    _require(request, "budgets.sign_off_budget", person)
    sheet = _sheet(request, plan, purpose="sign_off")
    form = TransitionForm(request.POST or None, initial={"version": sheet.budget.version})
    problems = sheet.problems
    if request.method == "POST" and form.is_valid():
        try:
            budget = call_service(form, services.budget_sign_off, actor=signed_in_user(request),
                                  budget=sheet.budget, version=form.cleaned_data["version"])
        except BudgetNotReady as refused:
            problems = refused.problems
            form.add_error(None, "The budget cannot be signed off yet")
            budget = None
        if budget is not None:
            messages.success(request, f"Budget {budget.number} signed off: it is now in force")
            return redirect(_budget_url(person))
    return render(request, "budgets/sign_off.jinja",
                  {"person": person, "sheet": sheet, "form": form, "problems": problems},
                  status=400 if form.errors else 200)


# --- spending --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def spending(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_spending")
    quarterly = request.GET.get("period") == "quarter"
    report = selectors.spending_report(user=signed_in_user(request), plan=plan,
                                       months_per_period=3 if quarterly else 1)
    return render(request, "budgets/spending.jinja", {
        "person": person, "report": report, "quarterly": quarterly,
        "can_record_payment": request.user.has_perm("budgets.record_payment", person),
    })


@login_required
@require_http_methods(["GET", "POST"])
def payment_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_payment")
    _require(request, "budgets.record_payment", person)
    report = selectors.spending_report(user=signed_in_user(request), plan=plan)
    if report is None:
        messages.error(request, services.NOT_IN_FORCE)
        return redirect(_budget_url(person))
    budget = report.budget
    form = PaymentForm(request.POST or None, lines=budget.lines.all(),
                       initial={"paid_on": timezone.localdate()})
    return form_page(
        request, form, template="budgets/payment_form.jinja",
        context={"person": person, "budget": budget},
        save=lambda: services.payment_record(actor=signed_in_user(request), budget=budget,
                                             data=form.service_data()),
        success=lambda p: f"Payment of £{p.amount:,.2f} recorded",
        done=reverse("budgets:spending", kwargs={"person_id": person.pk}),
    )


@login_required
@require_POST
def payment_remove(request: HttpRequest, person_id: Any, payment_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_payment")
    _require(request, "budgets.record_payment", person)
    report = selectors.spending_report(user=signed_in_user(request), plan=plan)
    if report is None:
        raise Http404
    try:
        payment = selectors.payment_get(user=signed_in_user(request), budget=report.budget,
                                        payment_id=payment_id)
    except NotFound as error:
        raise Http404 from error
    _remove(request, services.payment_remove, payment=payment)
    return redirect("budgets:spending", person_id=person.pk)


@login_required
@require_http_methods(["GET"])
def version(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="budget_version")
    try:
        sheet = selectors.budget_version(user=signed_in_user(request), plan=plan, number=number)
    except NotFound as error:
        raise Http404 from error
    return render(request, "budgets/version.jinja",
                  {"person": person, "sheet": sheet, "pa_parts": PARTS})


# --- PA rates and returns (not about one person) ---------------------------------------------

@login_required
@require_http_methods(["GET"])
def rates_list(request: HttpRequest) -> HttpResponse:
    return render(request, "budgets/rates.jinja", {
        "active_nav": "rates",
        "rates": selectors.pa_rates_list(),
        "can_change": request.user.has_perm("budgets.change_rates"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def rates_form(request: HttpRequest, rates_id: Any = None) -> HttpResponse:
    _require(request, "budgets.change_rates")
    rates = None
    if rates_id is not None:
        rates = PARates.objects.filter(pk=rates_id).first()
        if rates is None:
            raise Http404
    form = RatesForm(request.POST or None, instance=rates,
                     initial={"version": rates.version if rates else None})
    if rates is None:
        def save() -> Any:
            return services.pa_rates_add(actor=signed_in_user(request), data=form.service_data())
    else:
        def save() -> Any:
            return services.pa_rates_update(
                actor=signed_in_user(request), rates=rates,
                version=form.cleaned_data["version"] or rates.version,
                data=form.service_data())
    return form_page(
        request, form, template="budgets/rates_form.jinja", context={"rates": rates},
        save=save, success=lambda r: f"Rates for {r.tax_year} saved",
        done=reverse("budget_admin:rates"),
    )


@login_required
@require_http_methods(["GET"])
def returns(request: HttpRequest) -> HttpResponse:
    _require(request, "budgets.view_returns")
    user = signed_in_user(request)
    data = request.GET if "starts_on_day" in request.GET else None
    form = ReturnsForm(data, initial=ReturnsForm.this_quarter(timezone.localdate()))
    result = None
    if user.organisation is None:
        raise PermissionDenied
    period = ReturnsForm.this_quarter(timezone.localdate())
    if data is not None and form.is_valid():
        period = {"starts_on": form.cleaned_data["starts_on"],
                  "ends_on": form.cleaned_data["ends_on"]}
    if data is None or form.is_valid():
        result = phb_returns(organisation=user.organisation, **period)
        audit_record(actor=user, action="budget.returns_viewed",
                     changes={k: v.isoformat() for k, v in period.items()})
        if request.GET.get("format") == "csv":
            response = HttpResponse(returns_csv(result), content_type="text/csv")
            response["Content-Disposition"] = (
                f'attachment; filename="phb-returns-{period["starts_on"]:%Y-%m-%d}-to-'
                f'{period["ends_on"]:%Y-%m-%d}.csv"')
            return response
    return render(request, "budgets/returns.jinja",
                  {"form": form, "result": result, "period": period, "active_nav": "returns"},
                  status=400 if form.errors else 200)
