"""Sign-off pages: the readiness check and submitting, the decision, appeals and reduction
notices for one person's plan; the approver's queue and the ICB's delegated authority.
Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.budgets.models import (
    BudgetStatus,
    CostLine,
    Holding,
    HoldingWay,
    UnusualDecision,
)
from ourplan.core.audit import audit_record_reads
from ourplan.core.errors import DomainError, NotFound
from ourplan.core.views_helpers import call_service, form_page, signed_in_user
from ourplan.governance import selectors, services
from ourplan.governance.authority import (
    authorities_for,
    icb_for,
    icb_of,
    may_decide,
    route,
)
from ourplan.governance.forms import (
    AppealDecideForm,
    AppealForm,
    AuthorityForm,
    DecideForm,
    ReductionForm,
    SubmitForm,
    WithdrawForm,
)
from ourplan.governance.models import (
    AppealKind,
    Authority,
    DecisionKind,
    PaymentReduction,
    ReductionStatus,
    Submission,
    SubmissionStatus,
)
from ourplan.governance.queues import MINE, work_queue
from ourplan.governance.readiness import plan_readiness
from ourplan.people.models import Person
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan


def _person_and_plan(request: HttpRequest, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    try:
        return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                              purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _overview_url(person: Person | Any) -> str:
    return reverse("governance:overview", kwargs={"person_id": person.pk})


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST, even when empty (so an empty POST is refused with
    messages rather than shown as a fresh form)."""
    return request.POST if request.method == "POST" else None


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- one person's plan -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def overview(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="sign_off")
    return _overview(request, person, plan, SubmitForm(initial={"version": plan.version}))


def _overview(request: HttpRequest, person: Person, plan: Plan, form: SubmitForm,
              not_ready: list[str] | None = None, status: int = 200) -> HttpResponse:
    readiness = plan_readiness(plan)
    icb = icb_for(person, signed_in_user(request))
    goes_to = (route(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF,
                     amount=readiness.amount, risk=readiness.risk) if icb else None)
    return render(request, "governance/overview.jinja", {
        "person": person, "plan": plan, "readiness": readiness, "form": form,
        "history": selectors.sign_off_history(plan=plan), "icb": icb, "goes_to": goes_to,
        "not_ready": not_ready or [],
        "can_submit": request.user.has_perm("governance.submit_plan", person),
        "can_appeal": request.user.has_perm("governance.record_appeal", person),
        "can_reduce": request.user.has_perm("governance.reduce_payment", person),
    }, status=status)


@login_required
@require_POST
def submit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="sign_off_submit")
    _require(request, "governance.submit_plan", person)
    form = SubmitForm(request.POST)
    not_ready: list[str] = []
    if form.is_valid():
        try:
            submission = call_service(form, services.plan_submit_for_sign_off,
                                      actor=signed_in_user(request), plan=plan,
                                      version=form.cleaned_data["version"],
                                      note=form.cleaned_data["note"])
        except services.NotReady as refused:
            not_ready, submission = refused.missing, None
            form.add_error(None, "The plan is not ready to be submitted. Put right what is "
                                 "listed under What is missing")
        except DomainError as refused:
            form.add_error(None, refused.message)
            submission = None
        if submission is not None:
            messages.success(request, f"Submitted for sign-off at level {submission.level}")
            return redirect(_overview_url(person))
    return _overview(request, person, plan, form, not_ready, status=400)


def _submission(request: HttpRequest, submission_id: Any, purpose: str) -> Submission:
    try:
        return selectors.submission_get(user=signed_in_user(request), submission_id=submission_id,
                                        purpose=purpose)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def submission_page(request: HttpRequest, person_id: Any, submission_id: Any) -> HttpResponse:
    """What was submitted, and for an approver with authority the decision form."""
    submission = _submission(request, submission_id, purpose="decide")
    if str(submission.person_id) != str(person_id):
        raise Http404
    can_decide = (submission.status == SubmissionStatus.WAITING
                  and may_decide(signed_in_user(request), submission.authority)
                  and submission.submitted_by_id != request.user.pk)
    form = DecideForm(_posted(request), initial={"version": submission.version})
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    decided = call_service(form, services.submission_approve,
                                           actor=signed_in_user(request), submission=submission,
                                           version=data["version"], reasons=data["reasons"])
                else:
                    decided = call_service(form, services.submission_refuse,
                                           actor=signed_in_user(request), submission=submission,
                                           version=data["version"], reasons=data["reasons"],
                                           alternatives=data["alternatives"])
            except DomainError as refused:
                form.add_error(None, refused.message)
                decided = None
            if decided is not None:
                messages.success(request, "Plan signed off" if decided.status ==
                                 SubmissionStatus.APPROVED else "Sign-off refused; the person "
                                 "will be told why and how to appeal")
                return redirect(reverse("governance_admin:approvals"))
    return render(request, "governance/submission.jinja", {
        "submission": submission, "person": submission.person, "form": form,
        "can_decide": can_decide,
        "snap": submission.plan_version.snapshot if submission.plan_version else None,
        "can_withdraw": (submission.status == SubmissionStatus.WAITING
                         and request.user.has_perm("governance.submit_plan",
                                                   submission.person)),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def withdraw(request: HttpRequest, person_id: Any, submission_id: Any) -> HttpResponse:
    person, _plan = _person_and_plan(request, person_id, purpose="sign_off_withdraw")
    _require(request, "governance.submit_plan", person)
    submission = Submission.objects.visible_to(signed_in_user(request)).filter(
        pk=selectors.as_uuid(submission_id), person=person).first()
    if submission is None:
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            done = call_service(form, services.submission_withdraw, actor=signed_in_user(request),
                                submission=submission, version=form.cleaned_data["version"])
        except DomainError as refused:
            form.add_error(None, refused.message)
            done = None
        if done is not None:
            messages.success(request, "Submission withdrawn: change the plan, then submit it "
                                      "again")
            return redirect(_overview_url(person))
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or
                   "The submission could not be withdrawn")
    return redirect(_overview_url(person))


# --- appeals ---------------------------------------------------------------------------------

def _appealable(person: Person, plan: Plan) -> dict[str, tuple[str, dict[str, Any]]]:
    """The decisions that can be appealed, keyed for a radio button."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for submission in plan.submissions.filter(status=SubmissionStatus.REFUSED):
        found[f"submission:{submission.pk}"] = (
            f"Plan sign-off refused on {timezone.localtime(submission.decided_at):%-d %B %Y}",
            {"kind": AppealKind.REFUSED_PLAN, "submission": submission})
    lines = CostLine.objects.filter(budget__plan=plan, budget__status=BudgetStatus.DRAFT,
                                    unusual_decision=UnusualDecision.NOT_AGREED)
    for line in lines.select_related("budget"):
        found[f"line:{line.pk}"] = (f"Refused service: {line.item}",
                                    {"kind": AppealKind.REFUSED_SERVICE, "cost_line": line})
    for reduction in PaymentReduction.objects.filter(person=person,
                                                     status=ReductionStatus.NOTIFIED):
        found[f"reduction:{reduction.pk}"] = (
            f"Direct payment reduced from {reduction.takes_effect_on:%-d %B %Y}",
            {"kind": AppealKind.REDUCED_BUDGET, "reduction": reduction})
    return found


@login_required
@require_http_methods(["GET", "POST"])
def appeal_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="appeal_add")
    _require(request, "governance.record_appeal", person)
    appealable = _appealable(person, plan)
    form = AppealForm(_posted(request), person=person,
                      choices=[(k, label) for k, (label, _) in appealable.items()],
                      initial={"lodged_on": timezone.localdate()})

    def save() -> Any:
        data = dict(appealable[form.cleaned_data["decision"]][1])
        data.update({k: form.cleaned_data[k] for k in
                     ("asked_by", "representative", "grounds", "lodged_on")})
        try:
            return services.appeal_lodge(actor=signed_in_user(request), person=person, data=data)
        except ValidationError as invalid:
            # The service names the decision by its kind; the page has one choice for it.
            raise ValidationError({
                "decision" if field in ("kind", "submission", "cost_line", "reduction")
                else field: errors for field, errors in invalid.message_dict.items()
            }) from invalid

    return form_page(
        request, form, template="governance/appeal_form.jinja",
        context={"person": person, "nothing_to_appeal": not appealable},
        save=save, success=lambda a: f"Appeal recorded: a decision is due by "
                                     f"{a.respond_by:%-d %B %Y}",
        done=lambda a: reverse("governance:appeal", kwargs={"person_id": person.pk,
                                                            "appeal_id": a.pk}))


@login_required
@require_http_methods(["GET", "POST"])
def appeal_page(request: HttpRequest, person_id: Any, appeal_id: Any) -> HttpResponse:
    try:
        appeal = selectors.appeal_get(user=signed_in_user(request), appeal_id=appeal_id)
    except NotFound as error:
        raise Http404 from error
    if str(appeal.person_id) != str(person_id):
        raise Http404
    can_hear = appeal.is_open and services.may_hear(signed_in_user(request), appeal)
    form = AppealDecideForm(_posted(request), initial={"version": appeal.version})
    if request.method == "POST":
        if not can_hear:
            raise PermissionDenied
        if form.is_valid():
            try:
                decided = call_service(form, services.appeal_decide, actor=signed_in_user(request),
                                       appeal=appeal, version=form.cleaned_data["version"],
                                       outcome=form.cleaned_data["outcome"],
                                       reasons=form.cleaned_data["reasons"])
            except DomainError as refused:
                form.add_error(None, refused.message)
                decided = None
            if decided is not None:
                messages.success(request, "Appeal decided; the person will be told the outcome")
                return redirect(request.path)
    from ourplan.governance.letters import appeal_letter

    return render(request, "governance/appeal.jinja", {
        "appeal": appeal, "person": appeal.person, "form": form, "can_hear": can_hear,
        "letter": appeal_letter(appeal) if appeal.outcome else "",
        "overdue": appeal.is_open and appeal.respond_by < timezone.localdate(),
    }, status=400 if form.errors else 200)


# --- reducing a direct payment ---------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def reduction_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="reduction_add")
    _require(request, "governance.reduce_payment", person)
    holding = Holding.objects.filter(budget__plan=plan, budget__status=BudgetStatus.SIGNED_OFF,
                                     way=HoldingWay.DIRECT_PAYMENT).select_related("budget").first()
    if holding is None:
        raise Http404
    form = ReductionForm(_posted(request))
    return form_page(
        request, form, template="governance/reduction_form.jinja",
        context={"person": person, "holding": holding},
        save=lambda: services.direct_payment_reduce(
            actor=signed_in_user(request), holding=holding,
            new_amount=form.cleaned_data["new_amount"],
            reasons=form.cleaned_data["reasons"],
            takes_effect_on=form.cleaned_data["takes_effect_on"]),
        success=lambda r: "Written notice of the reduction recorded",
        done=lambda r: reverse("governance:reduction", kwargs={"person_id": person.pk,
                                                               "reduction_id": r.pk}))


@login_required
@require_http_methods(["GET"])
def reduction_page(request: HttpRequest, person_id: Any, reduction_id: Any) -> HttpResponse:
    try:
        reduction = selectors.reduction_get(user=signed_in_user(request), reduction_id=reduction_id)
    except NotFound as error:
        raise Http404 from error
    if str(reduction.person_id) != str(person_id):
        raise Http404
    return render(request, "governance/reduction.jinja",
                  {"reduction": reduction, "person": reduction.person})


# --- not about one person --------------------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Submissions waiting at the levels this user decides at, oldest first."""
    rungs = authorities_for(signed_in_user(request))
    _require(request, "governance.view_approvals")
    waiting = list(selectors.approvals_waiting(user=signed_in_user(request)))
    audit_record_reads(actor=signed_in_user(request), action="person.listed",
                       people={s.person_id: s.person for s in waiting}.values(),
                       changes={"list": "decisions waiting"})
    return render(request, "governance/approvals.jinja", {
        "waiting": waiting, "rungs": rungs,
        "active_nav": "approvals",
    })


@login_required
@require_http_methods(["GET"])
def authority_list(request: HttpRequest) -> HttpResponse:
    _require(request, "governance.configure_authority")
    icb = icb_of(signed_in_user(request).organisation)
    rows = list(Authority.objects.filter(organisation=icb)) if icb else []
    return render(request, "governance/authority.jinja", {
        "icb": icb, "active_nav": "authority",
        "by_decision": [(kind, [r for r in rows if r.decision == kind]) for kind in DecisionKind],
    })


@login_required
@require_http_methods(["GET", "POST"])
def authority_form(request: HttpRequest, authority_id: Any = None) -> HttpResponse:
    _require(request, "governance.configure_authority")
    icb = icb_of(signed_in_user(request).organisation)
    authority = None
    if authority_id is not None:
        authority = Authority.objects.filter(pk=authority_id, organisation=icb).first()
        if authority is None:
            raise Http404
    initial = ({"version": authority.version, "decision": authority.decision,
                "level": authority.level, "roles": authority.roles,
                "max_budget": authority.max_budget, "max_risk": authority.max_risk}
               if authority else {"decision": request.GET.get("decision"), "max_risk": 3})
    form = AuthorityForm(_posted(request), initial=initial)

    def save() -> Authority:
        if authority is None:
            return services.authority_add(actor=signed_in_user(request), data=form.service_data())
        return services.authority_update(actor=signed_in_user(request), authority=authority,
                                         version=form.cleaned_data["version"] or 0,
                                         data=form.service_data())

    return form_page(
        request, form, template="governance/authority_form.jinja",
        context={"authority": authority, "icb": icb}, save=save,
        success=lambda a: f"{a.get_decision_display()} at level {a.level} saved",
        done=reverse("governance_admin:authority"))


@login_required
@require_http_methods(["GET"])
def work(request: HttpRequest) -> HttpResponse:
    """A coordinator's work queue, for their own people or their teams'."""
    _require(request, "governance.view_queue")
    queue = work_queue(user=signed_in_user(request), whose=request.GET.get("whose", MINE),
                       today=timezone.localdate())
    audit_record_reads(actor=signed_in_user(request), action="person.listed", people=queue.people,
                       changes={"list": "work queue"})
    return render(request, "governance/work.jinja", {"queue": queue, "active_nav": "work",
                                                     "today": timezone.localdate()})
