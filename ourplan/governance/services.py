"""Changes in sign-off and appeals: delegated authority, submitting a plan, the decision on it,
appeals, and written notice of a reduced direct payment. Each checks permission and guard,
locks what it changes, writes in one transaction and appends the audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import STAFF_ROLES, Organisation, Role, User
from ourplan.budgets.models import (
    Budget,
    BudgetStatus,
    CostLine,
    Holding,
    HoldingWay,
    UnusualDecision,
)
from ourplan.budgets.money import pounds
from ourplan.core.audit import audit_record, diff, snapshot
from ourplan.core.errors import DomainError, NotAllowed, NotFound
from ourplan.core.services import check_version
from ourplan.governance import deadlines, letters, messages
from ourplan.governance.authority import authorities_for, icb_for, icb_of, may_decide, route
from ourplan.governance.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AskedBy,
    Authority,
    DecisionKind,
    PaymentReduction,
    ReductionStatus,
    Submission,
    SubmissionStatus,
)
from ourplan.governance.readiness import plan_readiness
from ourplan.people.models import Person, PersonalContact
from ourplan.plans.models import Plan
from ourplan.plans.workflow import Stage

NOT_AT_RECORD_AND_AGREE = "A plan is submitted for sign-off at the record and agree stage"
NO_SIGN_OFF_NEEDED = ("This plan has no personal health budget and no risk the person takes or "
                      "tolerates, so it does not need sign-off: put it into action once agreed")
ALREADY_WAITING = "The plan is already waiting for a decision"
NO_ICB = ("We cannot tell which ICB decides for them: record their GP practice, or ask an "
          "administrator to link your organisation to its ICB")
NO_AUTHORITY = ("No one in {icb} is set up to sign off a plan like this ({detail}). An "
                "administrator can set who decides what on the delegated authority page")
NOT_WAITING = "This has already been decided"
NOT_YOUR_LEVEL = "Only {roles} at level {level} in {icb} can decide this"
NOT_YOUR_OWN = "Someone other than the person who submitted it must decide it"
REASONS_NEEDED = "Give the reasons for the decision"
ALTERNATIVES_NEEDED = ("Give the other options the person could consider: a refusal must offer "
                       "alternatives")
PLAN_CHANGED = ("The plan has changed since it was submitted. Ask the coordinator to record the "
                "person's agreement again and resubmit it")
APPEAL_TOO_LATE = ("The time to ask has passed: it ended on {deadline}. They can still complain "
                   "through the NHS complaints procedure")
APPEAL_NOT_REFUSED = "Only a refused plan can be appealed this way"
APPEAL_SERVICE_NOT_REFUSED = "Select a service that was refused"
APPEAL_ALREADY_OPEN = "There is already an appeal about this decision waiting to be decided"
APPEAL_ALREADY_HEARD = ("This decision has already been looked at again. If they are still "
                        "unhappy, they can complain through the NHS complaints procedure")
APPEAL_DECIDED = "This appeal has already been decided"
APPEAL_SAME_DECIDER = "Someone other than the person who made the first decision must decide this"
APPEAL_NOT_ALLOWED = "Only someone with authority for this decision in {icb} can decide the appeal"
LODGED_IN_FUTURE = "The date they asked must be today or in the past"
GROUNDS_NEEDED = "Say why they think the decision is wrong"
REPRESENTATIVE_NEEDED = "Select the representative who is asking"
NOT_A_REPRESENTATIVE = "Select someone recorded in their circle as their representative"
OUTCOME_NEEDED = "Select the outcome of the appeal"
NOT_A_DIRECT_PAYMENT = "Only a direct payment in the budget in force can be reduced this way"
NEW_AMOUNT_INVALID = "Enter the new amount of each payment in pounds, like 150.00"
NEW_AMOUNT_NOT_LOWER = "The new amount must be less than the current {current}"
NEW_AMOUNT_NEGATIVE = "The new amount cannot be less than £0"
NOTICE_TOO_SHORT = ("The reduction can take effect no sooner than {earliest}: {days} days' "
                    "notice is needed")
NO_NOTICE_PERIOD = "Record the notice period on the direct payment before giving notice"
ROLES_NEEDED = "Select at least one role that decides at this level"
ROLE_INVALID = "Select roles from the list"
LEVEL_TAKEN = "There is already a rule for this decision at level {level}: change that one"
NOT_YOUR_ICB = "You can only set delegated authority for your own ICB"


class NotReady(DomainError):
    """The plan failed its readiness check; `missing` lists what to do."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("The plan is not ready to be submitted: " + "; ".join(missing))
        self.missing = missing


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def _require_for(user: User, perm: str, person: Person) -> None:
    """Someone outside the person's care is told nothing (NotFound, as for a person who does
    not exist); someone who can see them but whose role may not do this is NotAllowed."""
    if not Person.objects.visible_to(user).filter(pk=person.pk).exists():
        raise NotFound()
    _require(user, perm, person)


def _locked_plan(actor: User, plan: Plan) -> Plan:
    locked = Plan.objects.visible_to(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _text(value: Any) -> str:
    return str(value or "").strip()


# --- delegated authority ---------------------------------------------------------------------

AUTHORITY_FIELDS = ("decision", "level", "roles", "max_budget", "max_risk")


def _authority_clean(authority: Authority, data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    roles = list(data.get("roles") or [])
    if not roles:
        errors["roles"] = ROLES_NEEDED
    elif any(r not in STAFF_ROLES or r == Role.ADMINISTRATOR for r in roles):
        errors["roles"] = ROLE_INVALID
    authority.decision = data.get("decision", authority.decision)
    authority.level = data.get("level", authority.level)
    authority.roles = [r for r in Role.values if r in roles]
    authority.max_budget = _as_pence(data.get("max_budget"))
    authority.max_risk = data.get("max_risk", authority.max_risk)
    try:
        authority.full_clean(exclude=["organisation", "roles"], validate_unique=False)
    except ValidationError as invalid:
        errors.update({k: v[0] for k, v in invalid.message_dict.items()})
    if not errors and Authority.objects.filter(
            organisation=authority.organisation, decision=authority.decision,
            level=authority.level).exclude(pk=authority.pk).exists():
        errors["level"] = LEVEL_TAKEN.format(level=authority.level)
    if errors:
        raise ValidationError(errors)


def _as_pence(value: Any) -> Any:
    """20000 as the database holds it (20000.00), so saving a level unchanged changes nothing;
    more places than pence are left for validation to refuse."""
    if isinstance(value, Decimal):
        try:
            stored = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            return value
        if stored == value:
            return stored
    return value


def _own_icb(actor: User) -> Organisation:
    _require(actor, "governance.configure_authority", None)
    icb = icb_of(actor.organisation)
    if icb is None:
        raise NotAllowed(NOT_YOUR_ICB)
    return icb


@transaction.atomic
def authority_add(*, actor: User, data: Mapping[str, Any]) -> Authority:
    """A new rung of the administrator's own ICB's delegated authority."""
    authority = Authority(organisation=_own_icb(actor))
    _authority_clean(authority, data)
    authority.save()
    audit_record(actor=actor, action="authority.added", obj=authority,
                 changes=snapshot(authority, AUTHORITY_FIELDS))
    return authority


@transaction.atomic
def authority_update(*, actor: User, authority: Authority, version: int,
                     data: Mapping[str, Any]) -> Authority:
    icb = _own_icb(actor)
    locked = Authority.objects.select_for_update().filter(pk=authority.pk,
                                                          organisation=icb).first()
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    before = snapshot(locked, AUTHORITY_FIELDS)
    _authority_clean(locked, data)
    changes = diff(before, snapshot(locked, AUTHORITY_FIELDS))
    if changes:
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action="authority.changed", obj=locked, changes=changes)
    return locked


# --- submitting a plan and deciding it -------------------------------------------------------

@transaction.atomic
def plan_submit_for_sign_off(*, actor: User, plan: Plan, version: int,
                             note: str = "") -> Submission:
    """Send the agreed plan for sign-off, to the lowest level of the ICB's delegated authority
    allowed to decide it. Refused, with the list, if the readiness check fails."""
    _require_for(actor, "governance.submit_plan", plan.person)
    plan = _locked_plan(actor, plan)
    check_version(plan, version)
    if plan.stage != Stage.RECORD_AND_AGREE:
        raise DomainError(NOT_AT_RECORD_AND_AGREE)
    if Submission.objects.filter(plan=plan, decision=DecisionKind.PLAN_SIGN_OFF,
                                 status=SubmissionStatus.WAITING).exists():
        raise DomainError(ALREADY_WAITING)
    readiness = plan_readiness(plan)
    if not readiness.sign_off_needed:
        raise DomainError(NO_SIGN_OFF_NEEDED)
    if not readiness.ready:
        raise NotReady(readiness.missing)
    icb = icb_for(plan.person, actor)
    if icb is None:
        raise DomainError(NO_ICB)
    authority = route(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF,
                      amount=readiness.amount, risk=readiness.risk)
    if authority is None:
        detail = f"{readiness.risk.label.lower()} risk"
        if readiness.amount is not None:
            detail = f"a budget of {pounds(readiness.amount)} a year, {detail}"
        raise DomainError(NO_AUTHORITY.format(icb=icb.name, detail=detail))
    submission = Submission.objects.create(
        plan=plan, person=plan.person, decision=DecisionKind.PLAN_SIGN_OFF,
        plan_version=plan.versions.order_by("-number").first(), amount=readiness.amount,
        risk=readiness.risk, risk_reasons=list(readiness.risk_reasons), organisation=icb,
        authority=authority, level=authority.level, submitted_by=actor,
        note=_text(note)[:2000])
    audit_record(actor=actor, action="plan.submitted_for_sign_off", person=plan.person,
                 obj=submission, changes={"level": authority.level, "risk": int(readiness.risk),
                                          "amount": readiness.amount,
                                          "version": submission.plan_version.number
                                          if submission.plan_version else None})
    return submission


def _locked_waiting(actor: User, submission: Submission, version: int) -> Submission:
    # Only the submission's own row: PostgreSQL cannot lock the nullable side of an outer join
    # (plan_version), and the related rows are only read.
    locked = (Submission.objects.select_for_update(of=("self",))
              .select_related("authority", "organisation", "plan", "person", "plan_version")
              .filter(pk=submission.pk).first())
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    if locked.status != SubmissionStatus.WAITING:
        raise DomainError(NOT_WAITING)
    if not may_decide(actor, locked.authority):
        roles = ", ".join(Role(r).label.lower() for r in locked.authority.roles)
        raise NotAllowed(NOT_YOUR_LEVEL.format(roles=roles, level=locked.level,
                                               icb=locked.organisation.name))
    if locked.submitted_by_id == actor.pk:
        raise NotAllowed(NOT_YOUR_OWN)
    return locked


def _decided(actor: User, submission: Submission, status: str, reasons: str,
             alternatives: str = "") -> Submission:
    submission.status = status
    submission.decided_by, submission.decided_at = actor, timezone.now()
    submission.reasons, submission.alternatives = reasons, alternatives
    if status == SubmissionStatus.REFUSED:
        submission.appeal_by = deadlines.appeal_deadline(submission.decided_at)
    submission.message_to_person = letters.decision_letter(submission)
    submission.version += 1
    submission.save()
    audit_record(actor=actor, action=f"plan.sign_off_{status}", person=submission.person,
                 obj=submission, changes={"status": status, "reasons": reasons,
                                          "alternatives": alternatives,
                                          "appeal_by": submission.appeal_by})
    messages.decision_made(
        key=f"sign-off:{submission.pk}:{status}", person=submission.person,
        subject=("Your care and support plan has been signed off"
                 if status == SubmissionStatus.APPROVED
                 else "Your care and support plan: we cannot sign it off yet"),
        letter=submission.message_to_person, staff=[submission.submitted_by])
    return submission


@transaction.atomic
def submission_approve(*, actor: User, submission: Submission, version: int,
                       reasons: str) -> Submission:
    """Sign the plan off: it can be put into action."""
    locked = _locked_waiting(actor, submission, version)
    if not _text(reasons):
        raise ValidationError({"reasons": REASONS_NEEDED})
    latest = locked.plan.versions.order_by("-number").first()
    if latest is None or locked.plan_version_id != latest.pk:
        raise DomainError(PLAN_CHANGED)
    return _decided(actor, locked, SubmissionStatus.APPROVED, _text(reasons))


@transaction.atomic
def submission_refuse(*, actor: User, submission: Submission, version: int, reasons: str,
                      alternatives: str) -> Submission:
    """Refuse sign-off. A refusal must say why and offer other options; the person is told in
    plain words and can appeal by the deadline."""
    locked = _locked_waiting(actor, submission, version)
    errors = {}
    if not _text(reasons):
        errors["reasons"] = REASONS_NEEDED
    if not _text(alternatives):
        errors["alternatives"] = ALTERNATIVES_NEEDED
    if errors:
        raise ValidationError(errors)
    return _decided(actor, locked, SubmissionStatus.REFUSED, _text(reasons), _text(alternatives))


@transaction.atomic
def submission_withdraw(*, actor: User, submission: Submission, version: int) -> Submission:
    """The coordinator takes a waiting submission back, to change the plan."""
    _require_for(actor, "governance.submit_plan", submission.person)
    locked = (Submission.objects.visible_to(actor).select_for_update()
              .filter(pk=submission.pk).first())
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    if locked.status != SubmissionStatus.WAITING:
        raise DomainError(NOT_WAITING)
    locked.status = SubmissionStatus.WITHDRAWN
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="plan.sign_off_withdrawn", person=locked.person, obj=locked,
                 changes={"status": locked.status})
    return locked


def sign_off_missing(plan: Plan) -> str | None:
    """Why the plan cannot be put into action yet for want of sign-off, or None."""
    readiness = plan_readiness(plan)
    if not readiness.sign_off_needed:
        return None
    latest = plan.versions.order_by("-number").first()
    signed_off = latest is not None and Submission.objects.filter(
        plan=plan, decision=DecisionKind.PLAN_SIGN_OFF, status=SubmissionStatus.APPROVED,
        plan_version=latest).exists()
    if signed_off:
        return None
    return ("The plan needs to be signed off before it is put into action: submit it for "
            "sign-off")


# --- appeals ---------------------------------------------------------------------------------

def _appeal_target(person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    """The decision being appealed, who made it and when, checked against the person."""
    kind = data.get("kind")
    if kind == AppealKind.REFUSED_PLAN:
        submission = data.get("submission")
        if not isinstance(submission, Submission) or submission.person_id != person.pk \
                or submission.status != SubmissionStatus.REFUSED:
            raise ValidationError({"submission": APPEAL_NOT_REFUSED})
        return {"submission": submission, "first_decided_by": submission.decided_by,
                "about": f"Plan sign-off refused: {submission.reasons}"[:300],
                "decided_at": submission.decided_at}
    if kind == AppealKind.REFUSED_SERVICE:
        line = data.get("cost_line")
        if not isinstance(line, CostLine) or line.budget.person_id != person.pk \
                or line.unusual_decision != UnusualDecision.NOT_AGREED:
            raise ValidationError({"cost_line": APPEAL_SERVICE_NOT_REFUSED})
        return {"cost_line": line, "first_decided_by": line.unusual_decided_by,
                "about": f"Refused service: {line.item}"[:300],
                "decided_at": line.updated_at}
    if kind == AppealKind.REDUCED_BUDGET:
        reduction = data.get("reduction")
        if not isinstance(reduction, PaymentReduction) or reduction.person_id != person.pk \
                or reduction.status != ReductionStatus.NOTIFIED:
            raise ValidationError({"reduction": "Select the reduction they are appealing"})
        return {"reduction": reduction, "first_decided_by": reduction.given_by,
                "about": (f"Direct payment reduced from {pounds(reduction.current_amount)} to "
                          f"{pounds(reduction.new_amount)}"),
                "decided_at": reduction.created_at}
    raise ValidationError({"kind": "Select what they are appealing"})


@transaction.atomic
def appeal_lodge(*, actor: User, person: Person, data: Mapping[str, Any]) -> Appeal:
    """Record that the person or their representative asks for a decision to be looked at
    again. Refused after the deadline, with the pointer to the complaints procedure."""
    _require_for(actor, "governance.record_appeal", person)
    plan = Plan.objects.visible_to(actor).select_for_update().filter(person=person).first()
    if plan is None:
        raise NotFound()
    target = _appeal_target(person, data)
    errors: dict[str, str] = {}
    lodged_on = data.get("lodged_on") or timezone.localdate()
    if lodged_on > timezone.localdate():
        errors["lodged_on"] = LODGED_IN_FUTURE
    deadline = deadlines.appeal_deadline(target["decided_at"])
    if lodged_on > deadline and "lodged_on" not in errors:
        errors["lodged_on"] = APPEAL_TOO_LATE.format(deadline=f"{deadline:%-d %B %Y}")
    if not _text(data.get("grounds")):
        errors["grounds"] = GROUNDS_NEEDED
    asked_by = str(data.get("asked_by") or "")
    representative = data.get("representative")
    if asked_by not in AskedBy.values:
        errors["asked_by"] = "Select who is asking"
    elif asked_by == AskedBy.REPRESENTATIVE:
        if not isinstance(representative, PersonalContact):
            errors["representative"] = REPRESENTATIVE_NEEDED
        elif (representative.person_id != person.pk or representative.removed_at
              or "representative" not in representative.contact_types):
            errors["representative"] = NOT_A_REPRESENTATIVE
    else:
        representative = None
    key = next(k for k in ("submission", "cost_line", "reduction") if k in target)
    earlier = Appeal.objects.filter(**{key: target[key]})
    if earlier.filter(outcome="").exists():
        errors[key] = APPEAL_ALREADY_OPEN
    elif earlier.exists():  # heard once: what remains is the complaints procedure
        errors[key] = APPEAL_ALREADY_HEARD
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        person=person, plan=plan, kind=data["kind"], asked_by=asked_by,
        representative=representative, grounds=_text(data.get("grounds"))[:4000],
        lodged_on=lodged_on, respond_by=deadlines.appeal_response_due(lodged_on),
        recorded_by=actor, first_decided_by=target["first_decided_by"],
        about=target.get("about", ""), **{key: target[key]})
    audit_record(actor=actor, action="appeal.lodged", person=person, obj=appeal,
                 changes={"kind": appeal.kind, "asked_by": asked_by,
                          "respond_by": appeal.respond_by})
    return appeal


def may_hear(user: User, appeal: Appeal) -> bool:
    """Someone other than the first decider, with authority for the decision: for a refused
    plan, at the same level or above in the ICB; for a service or a reduction, a commissioner
    of the ICB."""
    if not user.is_active or user.pk == appeal.first_decided_by_id:
        return False
    if appeal.kind == AppealKind.REFUSED_PLAN and appeal.submission is not None:
        first = appeal.submission
        return any(a.decision == first.decision and a.level >= first.level
                   and a.organisation_id == first.organisation_id
                   for a in authorities_for(user))
    # Agreeing a service or withdrawing a reduction is a change to the person's budget, so the
    # commissioner must be one who may sign it off (budgets.sign_off_budget: they see the person).
    return user.role == Role.COMMISSIONER and icb_of(user.organisation) is not None \
        and icb_of(user.organisation) == icb_for(appeal.person, appeal.recorded_by) \
        and Person.objects.visible_to(user).filter(pk=appeal.person_id).exists()


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, version: int, outcome: str,
                  reasons: str) -> Appeal:
    """The appeal's outcome with reasons. A changed decision takes effect here: a refused plan
    is signed off, a refused service agreed, a reduction withdrawn."""
    locked = (Appeal.objects.select_for_update(of=("self",))  # as in _locked_waiting
              .select_related("submission", "cost_line", "reduction", "person", "recorded_by")
              .filter(pk=appeal.pk).first())
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    if not locked.is_open:
        raise DomainError(APPEAL_DECIDED)
    if actor.pk == locked.first_decided_by_id:
        raise NotAllowed(APPEAL_SAME_DECIDER)
    if not may_hear(actor, locked):
        icb = icb_for(locked.person, locked.recorded_by)
        raise NotAllowed(APPEAL_NOT_ALLOWED.format(icb=icb.name if icb else "the ICB"))
    errors = {}
    if outcome not in AppealOutcome.values:
        errors["outcome"] = OUTCOME_NEEDED
    if not _text(reasons):
        errors["reasons"] = REASONS_NEEDED
    if errors:
        raise ValidationError(errors)
    locked.outcome, locked.outcome_reasons = outcome, _text(reasons)
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.version += 1
    locked.save()
    if outcome == AppealOutcome.CHANGED:
        _change_on_appeal(actor, locked)
    audit_record(actor=actor, action="appeal.decided", person=locked.person, obj=locked,
                 changes={"outcome": outcome, "reasons": locked.outcome_reasons})
    messages.decision_made(key=f"appeal:{locked.pk}:decided", person=locked.person,
                           subject="The decision on your appeal",
                           letter=letters.appeal_letter(locked), staff=[locked.recorded_by])
    return locked


def _change_on_appeal(actor: User, appeal: Appeal) -> None:
    if appeal.submission is not None:
        first = appeal.submission
        approved = Submission.objects.create(
            plan=first.plan, person=first.person, decision=first.decision,
            plan_version=first.plan_version, amount=first.amount, risk=first.risk,
            risk_reasons=first.risk_reasons, organisation=first.organisation,
            authority=first.authority, level=first.level, submitted_by=first.submitted_by,
            submitted_at=first.submitted_at, status=SubmissionStatus.APPROVED, decided_by=actor,
            decided_at=timezone.now(), reasons=f"Changed on appeal: {appeal.outcome_reasons}",
            on_appeal=appeal)
        audit_record(actor=actor, action="plan.sign_off_approved", person=first.person,
                     obj=approved, changes={"status": approved.status, "on_appeal": appeal.pk,
                                            "reasons": approved.reasons})
    elif appeal.cost_line is not None:
        from ourplan.budgets.services import unusual_request_decide

        line = appeal.cost_line
        unusual_request_decide(actor=actor, line=line, version=line.version, agreed=True,
                               reason=f"Agreed on appeal: {appeal.outcome_reasons}")
    elif appeal.reduction is not None:
        reduction = appeal.reduction
        reduction.status = ReductionStatus.WITHDRAWN
        reduction.version += 1
        reduction.save(update_fields=["status", "version", "updated_at"])
        audit_record(actor=actor, action="budget.reduction_withdrawn", person=reduction.person,
                     obj=reduction, changes={"status": reduction.status,
                                             "on_appeal": appeal.pk})


# --- reducing a direct payment ---------------------------------------------------------------

@transaction.atomic
def direct_payment_reduce(*, actor: User, holding: Holding, new_amount: Any, reasons: str,
                          takes_effect_on: dt.date | None,
                          notice_given_on: dt.date | None = None) -> PaymentReduction:
    """Written notice, with reasons, that a direct payment will go down, at least the notice
    period before it takes effect. The person can appeal it."""
    _require_for(actor, "governance.reduce_payment", holding.budget.person)
    budget = (Budget.objects.visible_to(actor).select_for_update()
              .filter(pk=holding.budget_id, status=BudgetStatus.SIGNED_OFF).first())
    if budget is None or holding.way != HoldingWay.DIRECT_PAYMENT \
            or holding.payment_amount is None:
        raise ValidationError({"new_amount": NOT_A_DIRECT_PAYMENT})
    if holding.notice_days is None:
        raise ValidationError({"takes_effect_on": NO_NOTICE_PERIOD})
    # After an earlier notice, the payment is already going down to that notice's amount.
    earlier = (PaymentReduction.objects.filter(holding=holding, status=ReductionStatus.NOTIFIED)
               .order_by("-notice_given_on", "-created_at").first())
    current = min(holding.payment_amount, earlier.new_amount) if earlier else \
        holding.payment_amount
    errors: dict[str, str] = {}
    try:
        amount = Decimal(str(new_amount)).quantize(Decimal("0.01"))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        amount = None
        errors["new_amount"] = NEW_AMOUNT_INVALID
    if amount is not None and amount < 0:
        errors["new_amount"] = NEW_AMOUNT_NEGATIVE
    elif amount is not None and amount >= current:
        errors["new_amount"] = NEW_AMOUNT_NOT_LOWER.format(current=pounds(current))
    if not _text(reasons):
        errors["reasons"] = "Give the reasons for the reduction"
    given_on = notice_given_on or timezone.localdate()
    earliest = deadlines.earliest_reduction(given_on, holding.notice_days)
    if takes_effect_on is None:
        errors["takes_effect_on"] = "Enter when the reduction takes effect"
    elif takes_effect_on < earliest:
        errors["takes_effect_on"] = NOTICE_TOO_SHORT.format(
            earliest=f"{earliest:%-d %B %Y}", days=holding.notice_days)
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    assert takes_effect_on is not None
    reduction = PaymentReduction(
        person=budget.person, budget=budget, holding=holding,
        current_amount=current, new_amount=amount,
        frequency=holding.payment_frequency, reasons=_text(reasons)[:4000],
        notice_given_on=given_on, takes_effect_on=takes_effect_on, given_by=actor)
    reduction.letter = letters.reduction_letter(reduction)
    reduction.save()
    audit_record(actor=actor, action="budget.reduction_notified", person=budget.person,
                 obj=reduction, changes={"from": reduction.current_amount, "to": amount,
                                         "takes_effect_on": takes_effect_on})
    messages.decision_made(key=f"reduction:{reduction.pk}:notified", person=budget.person,
                           subject="Your direct payment will go down", letter=reduction.letter,
                           staff=[])
    return reduction
