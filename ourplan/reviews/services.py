"""Changes to reviews: recording a trigger (the person's own request among them), the
circumstances that call for sooner reviews, starting, writing and finishing a review, and
refreshing the stored due date. Each checks scope and permission, locks the plan, writes in
one transaction and appends the audit row.

Finishing a review starts the next version of the plan: the plan goes back to the
conversation stage (`plans.services.plan_start_again`), and its next agreement makes the next
`PlanVersion`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record, diff, snapshot
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.presenters import format_date
from ourplan.core.services import apply_fields, bump_version, check_version, save_changes
from ourplan.plans import services as plan_services
from ourplan.plans.models import Outcome, OutcomeStatus, Plan
from ourplan.plans.workflow import Stage
from ourplan.reviews.inputs import has_budget, has_direct_payment, review_due_now
from ourplan.reviews.models import (
    DP_OBLIGATIONS,
    OutcomeResult,
    Review,
    ReviewCircumstances,
    ReviewOutcome,
    ReviewSchedule,
    ReviewStatus,
    ReviewTrigger,
    Suffices,
)
from ourplan.reviews.schedule import TriggerReason

TRIGGER_FIELDS = ("reason", "details", "occurred_on")
CIRCUMSTANCES_FIELDS = ("isolated", "degenerative_condition", "fluctuating_condition", "note")
REVIEW_FIELDS = ("budget_use", "risks_changes",
                 *(f for name in DP_OBLIGATIONS for f in (name, f"{name}_note")),
                 "budget_suffices", "priorities")

NOT_AGREED_YET = "The date of the first review is set once the plan has been agreed"
REVIEW_NOT_NOW = ("A review starts once the plan is being put into action. The plan is at "
                  "the {stage} stage")
ONE_IN_PROGRESS = "A review of their plan is already in progress: continue that one"
REVIEW_FINISHED = "This review has been finished, so it cannot be changed"
PLAN_NOT_IN_REVIEW = ("The plan is no longer at the review stage, so this review cannot be "
                      "finished. Check the plan's stage")
NOT_THIS_PLANS_OUTCOME = "Select one of the outcomes in this person's plan"
RESULT_INVALID = "Select how far the outcome has got"
RESULT_NEEDED = "Say how far this outcome has got: {text}"
DP_ANSWER_NEEDED = {
    "dp_insurance": "Say whether the insurance is in place",
    "dp_pa_training": "Say whether the personal assistants have had the training they need",
    "dp_employer_duties": "Say whether the employer's duties are met",
    "dp_provider_registration": "Say whether providers of regulated activities are registered",
}
SUFFICES_NEEDED = "Say whether the budget is still enough"
SUFFICES_HAS_BUDGET = "They have a budget: say whether it is still enough"
PRIORITIES_NEEDED = "Write the priorities for the coming year"
START_AGAIN_NOTE = ("Review finished on {day}: a new conversation adapts the plan, and agreeing "
                    "it makes the next version")


# --- helpers -----------------------------------------------------------------------------------

def _locked_plan(actor: User, plan: Plan, perm: str = "reviews.change_review") -> Plan:
    """The plan, locked, if the actor can see the person (else NotFound, as if it did not
    exist) and their role may make this change (else NotAllowed)."""
    locked = Plan.objects.visible_to(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    if not actor.has_perm(perm, locked.person):
        raise NotAllowed()
    return locked


def _locked_review(actor: User, review: Review) -> tuple[Plan, Review]:
    plan = _locked_plan(actor, review.plan)
    locked = Review.objects.select_for_update().filter(pk=review.pk, plan=plan).first()
    if locked is None:
        raise NotFound()
    return plan, locked


def outcome_field(outcome: Outcome | Any) -> str:
    """The name under which a review's result for this outcome is reported (and posted)."""
    return f"result_{getattr(outcome, 'pk', outcome)}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def current_outcomes(plan: Plan) -> list[Outcome]:
    """The outcomes a review looks at: all but those already no longer needed."""
    return list(Outcome.objects.filter(plan=plan).exclude(status=OutcomeStatus.NO_LONGER_NEEDED)
                .order_by("created_at"))


# --- the stored schedule -----------------------------------------------------------------------

@transaction.atomic
def review_schedule_refresh(*, plan: Plan) -> ReviewSchedule:
    """Recompute and store the plan's next review date and reason. Call it after anything the
    schedule reads changes: agreement, a payment, a budget's holdings, risks, capacity, the
    review arrangement, triggers, circumstances, a finished review."""
    # A recomputation from records that were audited when they were written, not a change
    # anyone makes: it takes no actor and writes no audit row of its own.
    due = review_due_now(plan)
    schedule, _ = ReviewSchedule.objects.update_or_create(plan=plan, defaults={
        "person_id": plan.person_id,
        "due_on": due.due_on if due else None,
        "reason": due.reason if due else NOT_AGREED_YET,
        "rule": due.rule if due else "",
        "computed_at": timezone.now(),
    })
    return schedule


# --- triggers and circumstances ------------------------------------------------------------------

@transaction.atomic
def review_trigger_record(*, actor: User, plan: Plan, reason: str, details: str,
                          occurred_on: dt.date) -> ReviewTrigger:
    """Something happened that brings the review forward: an unplanned admission,
    deterioration, a change of circumstances, a carer's concern, a key life stage, or the
    person asking for a review (reason `person_request`, at any time). The person, or their
    representative, may record only that reason, from their own pages."""
    perm = ("reviews.request_review" if reason == TriggerReason.PERSON_REQUEST
            else "reviews.change_review")
    plan = _locked_plan(actor, plan, perm)
    trigger = apply_fields(
        ReviewTrigger(plan=plan, person_id=plan.person_id, raised_by=actor),
        {"reason": reason, "details": (details or "").strip(), "occurred_on": occurred_on},
        TRIGGER_FIELDS)
    trigger.save()
    audit_record(actor=actor, action="review.trigger_recorded", person=plan.person,
                 obj=trigger, changes=snapshot(trigger, TRIGGER_FIELDS))
    review_schedule_refresh(plan=plan)
    return trigger


@transaction.atomic
def review_circumstances_update(*, actor: User, plan: Plan, version: int,
                                data: Mapping[str, Any]) -> ReviewCircumstances:
    """Isolation, a degenerative or fluctuating condition, and a note. A plan without them
    yet starts at version 1."""
    plan = _locked_plan(actor, plan)
    circumstances, _ = ReviewCircumstances.objects.select_for_update().get_or_create(
        plan=plan, defaults={"person_id": plan.person_id})
    if save_changes(actor=actor, record=circumstances, version=version, data=data,
                    fields=CIRCUMSTANCES_FIELDS, action="review.circumstances_updated",
                    person=plan.person):
        review_schedule_refresh(plan=plan)
    return circumstances


# --- reviews -------------------------------------------------------------------------------------

@transaction.atomic
def review_start(*, actor: User, plan: Plan, version: int) -> Review:
    """Start a review of a plan being put into action (or already at review). A plan at
    "make it happen" moves to the review stage. It answers the triggers open now."""
    plan = _locked_plan(actor, plan)
    check_version(plan, version)
    if plan.stage not in (Stage.MAKE_IT_HAPPEN, Stage.REVIEW):
        raise ValidationError({"__all__": REVIEW_NOT_NOW.format(
            stage=Stage(plan.stage).label.lower())})
    if Review.objects.filter(person_id=plan.person_id, status=ReviewStatus.IN_PROGRESS).exists():
        raise ValidationError({"__all__": ONE_IN_PROGRESS})
    if plan.stage == Stage.MAKE_IT_HAPPEN:
        plan = plan_services.plan_review(actor=actor, plan=plan, version=plan.version)
    try:
        with transaction.atomic():
            review = Review.objects.create(plan=plan, person_id=plan.person_id,
                                           started_by=actor)
    except IntegrityError as error:  # the constraint, should two starts ever pass the lock
        raise ValidationError({"__all__": ONE_IN_PROGRESS}) from error
    open_triggers = list(ReviewTrigger.objects.filter(plan=plan,
                                                      resolved_by_review__isnull=True))
    review.triggers.set(open_triggers)
    audit_record(actor=actor, action="review.started", person=plan.person, obj=review,
                 changes={"stage": plan.stage,
                          "triggers": [str(t.pk) for t in open_triggers]})
    return review


def _outcome_of(plan: Plan, outcome: Outcome | Any) -> Outcome | None:
    """One of this plan's outcomes, given the outcome or its id; None for anyone else's."""
    if isinstance(outcome, Outcome):
        return outcome if outcome.plan_id == plan.pk else None
    try:
        pk = uuid.UUID(str(outcome))
    except ValueError:
        return None
    return Outcome.objects.filter(plan=plan, pk=pk).first()


def _write_result(review: Review, outcome: Outcome, result: str,
                  comment: str) -> dict[str, Any]:
    """Record (or change) one outcome's result; what changed, for the audit row."""
    record = ReviewOutcome.objects.filter(review=review, outcome=outcome).first()
    before = snapshot(record, ("result", "comment")) if record else {}
    if record is None:
        record = ReviewOutcome(review=review, outcome=outcome)
    record.outcome_text = outcome.text
    record.result, record.comment = result, (comment or "").strip()
    record.full_clean(exclude=["review", "outcome"])
    changes = diff(before, snapshot(record, ("result", "comment")))
    if changes:
        if not record._state.adding:
            bump_version(record)
        record.save()
    return changes


def _result_problem(plan: Plan, outcome: Any, result: str) -> tuple[Outcome | None, str, str]:
    """This plan's outcome, and what is wrong (which part, and the message), if anything."""
    found = _outcome_of(plan, outcome)
    if found is None:
        return None, "outcome", NOT_THIS_PLANS_OUTCOME
    if result not in OutcomeResult.values:
        return found, "result", RESULT_INVALID
    return found, "", ""


@transaction.atomic
def review_outcome_record(*, actor: User, review: Review, outcome: Outcome | Any, result: str,
                          comment: str = "") -> ReviewOutcome:
    """How far one of the plan's outcomes has got: achieved, partly, not yet, or no longer
    wanted. Another plan's outcome is refused."""
    _, review = _locked_review(actor, review)
    if review.is_completed:
        raise ValidationError({"__all__": REVIEW_FINISHED})
    found, part, problem = _result_problem(review.plan, outcome, result)
    if found is None or problem:
        raise ValidationError({part: problem})
    changes = _write_result(review, found, result, comment)
    if changes:
        bump_version(review)
        review.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="review.outcome_recorded", person=review.person,
                     obj=review, changes={"outcome": str(found.pk), **changes})
    return ReviewOutcome.objects.get(review=review, outcome=found)


@transaction.atomic
def review_update(*, actor: User, review: Review, version: int,
                  data: Mapping[str, Any]) -> Review:
    """Save what the review has found so far. `data` holds REVIEW_FIELDS and, optionally,
    `outcome_results`: a list of {"outcome", "result", "comment"} (a blank result is not
    answered yet). Problems are reported per field, outcomes under `outcome_field(outcome)`."""
    _, review = _locked_review(actor, review)
    check_version(review, version)
    if review.is_completed:
        raise ValidationError({"__all__": REVIEW_FINISHED})
    data = dict(data)
    results: Iterable[Mapping[str, Any]] = data.pop("outcome_results", None) or []
    errors: dict[str, Any] = {}
    before = snapshot(review, REVIEW_FIELDS)
    try:
        apply_fields(review, data, REVIEW_FIELDS)
    except ValidationError as error:
        errors.update(error.message_dict)
    answered: list[tuple[Outcome, str, str]] = []
    for item in results:
        result, comment = item.get("result") or "", item.get("comment") or ""
        if not result and not comment.strip():
            continue
        found, _, problem = _result_problem(review.plan, item.get("outcome"), result)
        if found is None or problem:
            errors[outcome_field(item.get("outcome"))] = problem
        else:
            answered.append((found, result, comment))
    if errors:
        raise ValidationError(errors)
    changes = diff(before, snapshot(review, REVIEW_FIELDS))
    outcome_changes = {}
    for found, result, comment in answered:
        changed = _write_result(review, found, result, comment)
        if changed:
            outcome_changes[str(found.pk)] = changed
    if changes or outcome_changes:
        bump_version(review)
        review.save()
        audit_record(actor=actor, action="review.updated", person=review.person, obj=review,
                     changes={**changes, **({"outcomes": outcome_changes}
                                            if outcome_changes else {})})
    return review


def completion_problems(review: Review, plan: Plan) -> dict[str, str]:
    """What must still be answered before the review can be finished, by field."""
    problems: dict[str, str] = {}
    answered = set(review.outcome_results.values_list("outcome_id", flat=True))
    for outcome in current_outcomes(plan):
        if outcome.pk not in answered:
            problems[outcome_field(outcome)] = RESULT_NEEDED.format(text=_short(outcome.text))
    if has_direct_payment(plan):
        for name in DP_OBLIGATIONS:
            if not getattr(review, name):
                problems[name] = DP_ANSWER_NEEDED[name]
    if has_budget(plan):
        if not review.budget_suffices:
            problems["budget_suffices"] = SUFFICES_NEEDED
        elif review.budget_suffices == Suffices.NO_BUDGET:
            problems["budget_suffices"] = SUFFICES_HAS_BUDGET
    if not review.priorities.strip():
        problems["priorities"] = PRIORITIES_NEEDED
    return problems


def status_after(result: str, current: str) -> str:
    """The outcome's status in the plan once the review has found `result`."""
    if result == OutcomeResult.ACHIEVED:
        return OutcomeStatus.ACHIEVED
    if result == OutcomeResult.NO_LONGER_WANTED:
        return OutcomeStatus.NO_LONGER_NEEDED
    if result == OutcomeResult.PARTLY:
        return OutcomeStatus.IN_PROGRESS
    # Not achieved yet: still on its way, or not started; never left as achieved.
    if current in (OutcomeStatus.ACHIEVED, OutcomeStatus.NO_LONGER_NEEDED):
        return OutcomeStatus.IN_PROGRESS
    return current


@transaction.atomic
def review_complete(*, actor: User, review: Review, version: int) -> Review:
    """Finish the review: every current outcome has a result, the direct payment's obligations
    are answered where there is one, the budget's sufficiency where there is a budget, and the
    priorities are written. Then the open triggers are answered, the outcomes' statuses follow
    the results, the plan goes back to the conversation stage (the next agreement makes its
    next version) and the next due date is worked out again."""
    plan, review = _locked_review(actor, review)
    check_version(review, version)
    if review.is_completed:
        raise ValidationError({"__all__": REVIEW_FINISHED})
    problems = completion_problems(review, plan)
    if problems:
        raise ValidationError(problems)
    if plan.stage != Stage.REVIEW:
        raise ValidationError({"__all__": PLAN_NOT_IN_REVIEW})

    statuses = {}
    for record in review.outcome_results.select_related("outcome"):
        outcome = record.outcome
        if outcome is None:
            continue
        status = status_after(record.result, outcome.status)
        if status != outcome.status:
            plan_services.outcome_update(actor=actor, outcome=outcome, version=outcome.version,
                                         data={"status": status})
            statuses[str(outcome.pk)] = [outcome.status, status]

    answered = list(ReviewTrigger.objects.select_for_update()
                    .filter(plan=plan, resolved_by_review__isnull=True))
    ReviewTrigger.objects.filter(pk__in=[t.pk for t in answered]).update(
        resolved_by_review=review)
    review.triggers.add(*answered)

    review.status = ReviewStatus.COMPLETED
    review.completed_by, review.completed_at = actor, timezone.now()
    bump_version(review)
    review.save()
    audit_record(actor=actor, action="review.completed", person=plan.person, obj=review,
                 changes={"triggers_answered": [str(t.pk) for t in answered],
                          "outcome_statuses": statuses})
    plan_services.plan_start_again(
        actor=actor, plan=plan, version=plan.version,
        note=START_AGAIN_NOTE.format(day=format_date(timezone.localdate(review.completed_at))))
    review_schedule_refresh(plan=plan)
    return review
