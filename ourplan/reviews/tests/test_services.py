"""Review services: the stored schedule from what the plan records, triggers, circumstances,
starting, writing and finishing a review; allowed and refused; who may; stale versions."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.budgets.spending import add_months
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import OutcomeStatus, PlanStageChange, PlanVersion
from ourplan.plans.workflow import Stage
from ourplan.reviews import services
from ourplan.reviews.models import (
    Review,
    ReviewCircumstances,
    ReviewOutcome,
    ReviewSchedule,
    ReviewStatus,
    ReviewTrigger,
)
from ourplan.reviews.schedule import Rule
from ourplan.testing import budgets as make_budget
from ourplan.testing import reviews as make
from ourplan.testing.factories import CareTeamMemberFactory, TeamAllocationFactory, UserFactory

pytestmark = pytest.mark.django_db

DP_ANSWERS = {"dp_insurance": "yes", "dp_pa_training": "yes", "dp_employer_duties": "yes",
              "dp_provider_registration": "not_applicable"}


def today():
    return timezone.localdate()


@pytest.fixture
def plan_and_outcomes(planner, person):
    return make.plan_in_action(planner, person, outcomes=2)


@pytest.fixture
def plan(plan_and_outcomes):
    return plan_and_outcomes[0]


@pytest.fixture
def outcomes(plan_and_outcomes):
    return plan_and_outcomes[1]


@pytest.fixture
def commissioner(planner):
    return make_budget.commissioner_for(planner)


def schedule(plan):
    return services.review_schedule_refresh(plan=plan)


# --- the schedule, from what the plan records -------------------------------------------------

def test_given_a_plan_never_agreed_then_it_has_no_due_date_yet(planner, person):
    plan = plan_services.plan_start(actor=planner, person=person)

    stored = schedule(plan)

    assert stored.due_on is None
    assert stored.reason == services.NOT_AGREED_YET


def test_given_an_agreed_plan_then_the_review_is_due_within_a_year(plan):
    stored = schedule(plan)

    assert stored.due_on == add_months(today(), 12)
    assert stored.rule == Rule.YEARLY
    assert stored.person_id == plan.person_id
    assert ReviewSchedule.objects.count() == 1
    assert schedule(plan).pk == stored.pk  # refreshed in place


def test_given_a_risk_in_the_plan_then_the_review_is_within_six_months(planner, plan):
    plan_services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["risks"], data={
        "description": "Falls when walking to the shop", "kind": "personal",
        "approach": "take"})

    stored = schedule(plan)

    assert (stored.due_on, stored.rule) == (add_months(today(), 6), Rule.SOONER)
    assert "the plan records a risk" in stored.reason


@pytest.mark.parametrize("capacity", ["no", "fluctuating"])
def test_given_capacity_lacking_or_fluctuating_then_the_review_is_within_six_months(
        planner, plan, capacity):
    plan_services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["decisions"],
                            data={"kind": "capacity", "decision": "Managing money",
                                  "capacity": capacity})

    assert "they lack capacity for a decision" in schedule(plan).reason


def test_given_capacity_for_a_decision_then_the_yearly_rule_stays(planner, plan):
    plan_services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["decisions"],
                            data={"kind": "capacity", "decision": "Managing money",
                                  "capacity": "yes"})

    assert schedule(plan).rule == Rule.YEARLY


@pytest.mark.parametrize(("field", "words"), [
    ("isolated", "they are isolated"),
    ("degenerative_condition", "they have a degenerative condition"),
    ("fluctuating_condition", "they have a fluctuating condition"),
])
def test_given_circumstances_then_the_review_is_within_six_months(planner, plan, field, words):
    services.review_circumstances_update(actor=planner, plan=plan, version=1,
                                         data={field: True})

    stored = ReviewSchedule.objects.get(plan=plan)
    assert stored.due_on == add_months(today(), 6)
    assert words in stored.reason


def test_given_a_direct_payment_then_the_first_review_is_within_three_months_of_the_first_payment(
        planner, commissioner, plan, outcomes):
    first = today() - dt.timedelta(days=20)
    budget = make.direct_payment_budget(planner, commissioner, plan, outcomes[0], paid_on=first)
    make.pay(planner, budget, today() - dt.timedelta(days=5))

    stored = schedule(plan)

    assert (stored.due_on, stored.rule) == (add_months(first, 3), Rule.FIRST_DIRECT_PAYMENT)


def test_given_a_notional_budget_then_payments_do_not_bring_the_review_forward(
        planner, commissioner, plan, outcomes):
    budget = make_budget.signed_off_budget(planner, commissioner, plan, outcomes[0])
    budget.refresh_from_db()
    if budget.starts_on <= today() <= budget.ends_on:
        make.pay(planner, budget, today())

    assert schedule(plan).rule == Rule.YEARLY


def test_given_the_plans_review_arrangement_then_an_earlier_date_is_kept(planner, plan):
    arranged = today() + dt.timedelta(days=40)
    plan_services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["review"], data={
        "planned_date": arranged, "responsible": "Sam, named coordinator",
        "how": "At home with Bernard", "how_to_ask": "Ring Sam"})

    assert (schedule(plan).due_on, schedule(plan).rule) == (arranged, Rule.ARRANGED)


def test_the_command_refreshes_every_plan(planner, plan, team):
    other_plan, _ = make.plan_in_action(planner, TeamAllocationFactory(team=team).person)
    out = StringIO()

    call_command("refresh_review_schedules", stdout=out)

    assert set(ReviewSchedule.objects.values_list("plan_id", flat=True)) == {plan.pk,
                                                                           other_plan.pk}
    assert "2 plans" in out.getvalue()


# --- triggers ---------------------------------------------------------------------------------

def test_given_a_trigger_then_it_is_recorded_audited_and_brings_the_review_forward(planner,
                                                                                  plan):
    happened = today() - dt.timedelta(days=3)

    trigger = make.trigger(planner, plan, reason="unplanned_admission", occurred_on=happened)

    assert (trigger.raised_by, trigger.person_id, trigger.is_open) == (planner, plan.person_id,
                                                                        True)
    stored = ReviewSchedule.objects.get(plan=plan)
    assert (stored.due_on, stored.rule) == (happened + dt.timedelta(days=14), Rule.TRIGGER)
    event = AuditEvent.objects.get(action="review.trigger_recorded")
    assert (event.person_id, event.changes["reason"]) == (plan.person_id, "unplanned_admission")


def test_given_the_persons_own_request_then_it_needs_no_details(planner, plan):
    trigger = services.review_trigger_record(actor=planner, plan=plan, reason="person_request",
                                             details="", occurred_on=today())

    assert trigger.reason == "person_request"
    assert "They asked for a review" in ReviewSchedule.objects.get(plan=plan).reason


def test_given_a_plan_not_yet_agreed_then_a_request_is_recorded_without_a_date(planner,
                                                                               person):
    plan = plan_services.plan_start(actor=planner, person=person)

    make.trigger(planner, plan, reason="person_request", details="")

    assert ReviewSchedule.objects.get(plan=plan).due_on is None


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "occurred_on",
     "The date must be today or in the past"),
    ({"details": "  "}, "details", "Say what happened"),
    ({"reason": "bored"}, "reason", "is not a valid choice"),
])
def test_given_a_bad_trigger_then_it_is_refused_beside_the_field(planner, plan, kwargs, field,
                                                                 message):
    values = {"reason": "carer_concern", "details": "Bernard is exhausted",
              "occurred_on": today(), **kwargs}

    with pytest.raises(ValidationError) as refused:
        services.review_trigger_record(actor=planner, plan=plan, **values)

    assert message in " ".join(refused.value.message_dict[field])
    assert not ReviewTrigger.objects.exists()


# --- who may --------------------------------------------------------------------------------

@pytest.fixture
def strangers_plan(stranger):
    """A plan for someone the planner has no relationship with."""
    theirs = UserFactory(role=Role.PRACTITIONER)
    CareTeamMemberFactory(person=stranger, user=theirs)
    return make.plan_in_action(theirs, stranger)[0]


def test_given_a_person_the_practitioner_cannot_see_then_every_change_is_not_found(
        planner, strangers_plan):
    with pytest.raises(NotFound):
        make.trigger(planner, strangers_plan)
    with pytest.raises(NotFound):
        services.review_start(actor=planner, plan=strangers_plan,
                              version=strangers_plan.version)
    with pytest.raises(NotFound):
        services.review_circumstances_update(actor=planner, plan=strangers_plan, version=1,
                                             data={"isolated": True})
    assert not ReviewTrigger.objects.exists()
    assert not Review.objects.exists()


def test_given_a_role_that_does_not_plan_then_changes_are_not_allowed(planner, commissioner,
                                                                      plan):
    with pytest.raises(NotAllowed):
        make.trigger(commissioner, plan)
    with pytest.raises(NotAllowed):
        services.review_start(actor=commissioner, plan=plan, version=plan.version)
    review = services.review_start(actor=planner, plan=plan, version=plan.version)
    with pytest.raises(NotAllowed):
        services.review_update(actor=commissioner, review=review, version=review.version,
                               data={"priorities": "Anything"})
    with pytest.raises(NotAllowed):
        services.review_complete(actor=commissioner, review=review, version=review.version)


# --- circumstances ------------------------------------------------------------------------------

def test_circumstances_start_at_version_one_and_refuse_a_stale_change(planner, plan):
    first = services.review_circumstances_update(actor=planner, plan=plan, version=1,
                                                 data={"isolated": True, "note": "Lives alone"})

    with pytest.raises(StaleVersion):
        services.review_circumstances_update(actor=planner, plan=plan, version=1,
                                             data={"isolated": False})

    assert first.version == 2
    assert ReviewCircumstances.objects.get(plan=plan).isolated is True
    assert AuditEvent.objects.filter(action="review.circumstances_updated").count() == 1


# --- starting a review ----------------------------------------------------------------------

def test_starting_a_review_moves_the_plan_to_review_and_answers_the_open_triggers(planner,
                                                                                  plan):
    trigger = make.trigger(planner, plan)

    review = services.review_start(actor=planner, plan=plan, version=plan.version)

    plan.refresh_from_db()
    assert plan.stage == Stage.REVIEW
    assert PlanStageChange.objects.filter(plan=plan, transition="review").exists()
    assert (review.status, review.started_by) == (ReviewStatus.IN_PROGRESS, planner)
    assert list(review.triggers.all()) == [trigger]
    assert AuditEvent.objects.filter(action="review.started", object_id=str(review.pk)).exists()


def test_given_a_plan_already_at_review_then_a_review_starts_without_moving_it(planner, plan):
    plan = plan_services.plan_review(actor=planner, plan=plan, version=plan.version)

    services.review_start(actor=planner, plan=plan, version=plan.version)

    assert PlanStageChange.objects.filter(plan=plan, transition="review").count() == 1


def test_given_a_plan_still_being_written_then_a_review_cannot_start(planner, person):
    plan = plan_services.plan_start(actor=planner, person=person)

    with pytest.raises(ValidationError, match="The plan is at the context stage"):
        services.review_start(actor=planner, plan=plan, version=plan.version)


def test_given_a_stale_plan_version_then_a_review_does_not_start(planner, plan):
    with pytest.raises(StaleVersion):
        services.review_start(actor=planner, plan=plan, version=plan.version - 1)

    assert not Review.objects.exists()


def test_one_review_in_progress_at_a_time(planner, plan):
    services.review_start(actor=planner, plan=plan, version=plan.version)
    plan.refresh_from_db()

    with pytest.raises(ValidationError, match="already in progress"):
        services.review_start(actor=planner, plan=plan, version=plan.version)


def test_the_database_also_allows_one_review_in_progress_per_person(planner, plan):
    services.review_start(actor=planner, plan=plan, version=plan.version)

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(plan=plan, person_id=plan.person_id, started_by=planner)


# --- writing the review ---------------------------------------------------------------------------

@pytest.fixture
def review(planner, plan):
    return services.review_start(actor=planner, plan=plan, version=plan.version)


def test_an_outcomes_result_is_recorded_with_its_words(planner, review, outcomes):
    recorded = services.review_outcome_record(actor=planner, review=review, outcome=outcomes[0],
                                              result="partly", comment="Kettle tipper helps")

    assert (recorded.result, recorded.outcome_text) == ("partly", outcomes[0].text)
    again = services.review_outcome_record(actor=planner, review=review, outcome=outcomes[0].pk,
                                           result="achieved")
    assert again.pk == recorded.pk
    assert ReviewOutcome.objects.get().result == "achieved"
    review.refresh_from_db()
    assert review.version == 3
    assert AuditEvent.objects.filter(action="review.outcome_recorded").count() == 2


def test_given_another_plans_outcome_then_the_result_is_refused(planner, team, review):
    _, theirs = make.plan_in_action(planner, TeamAllocationFactory(team=team).person)

    with pytest.raises(ValidationError) as refused:
        services.review_outcome_record(actor=planner, review=review, outcome=theirs[0],
                                       result="achieved")
    with pytest.raises(ValidationError) as refused_in_update:
        services.review_update(actor=planner, review=review, version=review.version, data={
            "outcome_results": [{"outcome": theirs[0].pk, "result": "achieved"}]})

    assert refused.value.message_dict == {"outcome": [services.NOT_THIS_PLANS_OUTCOME]}
    assert refused_in_update.value.message_dict == {
        services.outcome_field(theirs[0]): [services.NOT_THIS_PLANS_OUTCOME]}
    assert not ReviewOutcome.objects.exists()


def test_given_a_result_that_is_not_one_of_the_choices_then_it_is_refused(planner, review,
                                                                          outcomes):
    with pytest.raises(ValidationError) as refused:
        services.review_outcome_record(actor=planner, review=review, outcome=outcomes[0],
                                       result="sort of")

    assert refused.value.message_dict == {"result": [services.RESULT_INVALID]}


def test_the_review_is_saved_with_its_results_in_one_change(planner, review, outcomes):
    saved = services.review_update(actor=planner, review=review, version=review.version, data={
        "risks_changes": "A new risk of falls outdoors", "priorities": "The allotment",
        "outcome_results": [{"outcome": outcomes[0], "result": "not_yet", "comment": "Soon"},
                            {"outcome": outcomes[1], "result": "", "comment": ""}]})

    assert saved.version == 2
    assert ReviewOutcome.objects.get().outcome == outcomes[0]
    event = AuditEvent.objects.get(action="review.updated")
    assert event.changes["priorities"] == ["", "The allotment"]
    assert event.changes["outcomes"][str(outcomes[0].pk)]["result"] == [None, "not_yet"]


def test_given_a_stale_review_version_then_the_change_is_refused(planner, review):
    services.review_update(actor=planner, review=review, version=review.version,
                           data={"priorities": "Mine"})

    with pytest.raises(StaleVersion):
        services.review_update(actor=planner, review=review, version=1,
                               data={"priorities": "Theirs"})
    with pytest.raises(StaleVersion):
        services.review_complete(actor=planner, review=review, version=1)

    review.refresh_from_db()
    assert review.priorities == "Mine"


def test_given_an_obligation_not_met_then_a_note_is_needed(planner, review):
    with pytest.raises(ValidationError) as refused:
        services.review_update(actor=planner, review=review, version=review.version,
                               data={"dp_insurance": "no"})

    assert "dp_insurance_note" in refused.value.message_dict


# --- finishing the review ---------------------------------------------------------------------

def test_given_unanswered_questions_then_finishing_names_each_and_changes_nothing(
        planner, review, outcomes):
    services.review_outcome_record(actor=planner, review=review, outcome=outcomes[0],
                                   result="achieved")
    review.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.review_complete(actor=planner, review=review, version=review.version)

    assert set(refused.value.message_dict) == {services.outcome_field(outcomes[1]), "priorities"}
    assert "Say how far this outcome has got: I walk to the shop" in str(refused.value)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS
    assert review.plan.stage == Stage.REVIEW


def test_given_a_direct_payment_then_finishing_needs_its_obligations_and_the_budget_answered(
        planner, commissioner, plan, outcomes):
    make.direct_payment_budget(planner, commissioner, plan, outcomes[0])
    review = make.review_ready_to_finish(planner, plan)

    with pytest.raises(ValidationError) as refused:
        services.review_complete(actor=planner, review=review, version=review.version)

    assert set(refused.value.message_dict) == {"dp_insurance", "dp_pa_training",
                                               "dp_employer_duties", "dp_provider_registration",
                                               "budget_suffices"}


def test_given_a_notional_budget_then_only_whether_it_is_enough_is_needed(
        planner, commissioner, plan, outcomes):
    make_budget.signed_off_budget(planner, commissioner, plan, outcomes[0])
    review = make.review_ready_to_finish(planner, plan, budget_suffices="no_budget")

    with pytest.raises(ValidationError) as refused:
        services.review_complete(actor=planner, review=review, version=review.version)

    assert refused.value.message_dict == {"budget_suffices": [services.SUFFICES_HAS_BUDGET]}


def test_finishing_a_review_starts_the_next_version_of_the_plan(planner, plan, outcomes):
    trigger = make.trigger(planner, plan, reason="carer_concern",
                           occurred_on=today() - dt.timedelta(days=2))
    review = make.review_ready_to_finish(planner, plan)
    services.review_outcome_record(actor=planner, review=review, outcome=outcomes[1],
                                   result="no_longer_wanted")
    review.refresh_from_db()

    done = services.review_complete(actor=planner, review=review, version=review.version)

    plan.refresh_from_db()
    trigger.refresh_from_db()
    assert (done.status, done.completed_by) == (ReviewStatus.COMPLETED, planner)
    assert trigger.resolved_by_review == done
    assert [o.status for o in plan.outcomes.order_by("created_at")] == [
        OutcomeStatus.ACHIEVED, OutcomeStatus.NO_LONGER_NEEDED]
    assert plan.stage == Stage.CONVERSATION
    move = PlanStageChange.objects.filter(plan=plan).last()
    assert move.transition == "start_again"
    assert move.note.startswith("Review finished on")
    stored = ReviewSchedule.objects.get(plan=plan)
    assert (stored.due_on, stored.rule) == (add_months(today(), 12), Rule.YEARLY)
    assert "after the last review on" in stored.reason
    assert AuditEvent.objects.filter(action="review.completed").count() == 1
    assert AuditEvent.objects.filter(action="plan.start_again").count() == 1

    plan = make.agree(planner, plan)

    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]


def test_given_a_finished_review_then_it_cannot_be_changed_and_a_new_one_can_start_later(
        planner, plan, outcomes):
    review = make.review_ready_to_finish(planner, plan)
    review = services.review_complete(actor=planner, review=review, version=review.version)

    with pytest.raises(ValidationError, match="has been finished"):
        services.review_update(actor=planner, review=review, version=review.version,
                               data={"priorities": "Changed"})
    with pytest.raises(ValidationError, match="has been finished"):
        services.review_outcome_record(actor=planner, review=review, outcome=outcomes[0],
                                       result="partly")

    plan = make.agree(planner, plan)
    plan = plan_services.plan_make_it_happen(actor=planner, plan=plan, version=plan.version)
    again = services.review_start(actor=planner, plan=plan, version=plan.version)
    assert again.status == ReviewStatus.IN_PROGRESS


@pytest.mark.parametrize(("result", "before", "after"), [
    ("achieved", "in_progress", "achieved"),
    ("partly", "not_started", "in_progress"),
    ("not_yet", "not_started", "not_started"),
    ("not_yet", "in_progress", "in_progress"),
    ("not_yet", "achieved", "in_progress"),
    ("no_longer_wanted", "in_progress", "no_longer_needed"),
])
def test_each_result_sets_the_outcomes_status(result, before, after):
    assert services.status_after(result, before) == after
