"""The reviews pages: what each shows, bad input beside the field, stale versions, and who may
see and do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.budgets.spending import add_months
from ourplan.core.errors import StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.core.presenters import format_date
from ourplan.plans.workflow import Stage
from ourplan.reviews import services
from ourplan.reviews.models import Review, ReviewCircumstances, ReviewStatus, ReviewTrigger
from ourplan.testing import budgets as make_budget
from ourplan.testing import reviews as make
from ourplan.testing.factories import CareTeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


@pytest.fixture
def plan_and_outcomes(planner, person):
    return make.plan_in_action(planner, person)


@pytest.fixture
def plan(plan_and_outcomes):
    return plan_and_outcomes[0]


@pytest.fixture
def outcome(plan_and_outcomes):
    return plan_and_outcomes[1][0]


def _url(name, person, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"person_id": person.pk, **kwargs})


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


# --- the reviews page -----------------------------------------------------------------------

def test_the_reviews_page_says_when_the_next_review_is_due_and_why(signed_in, person, plan):
    response = signed_in.get(_url("page", person))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"Due by <strong>{format_date(add_months(today(), 12))}</strong>" in body
    assert "Yearly review: at most twelve months after the plan was agreed on" in body
    assert "Start a review" in body
    assert "They have asked for a review" in body
    assert AuditEvent.objects.filter(action="reviews.viewed", person=person).count() == 1


def test_given_a_plan_not_agreed_then_the_page_says_there_is_no_date_yet(signed_in, planner,
                                                                         person):
    from ourplan.plans import services as plan_services

    plan_services.plan_start(actor=planner, person=person)

    body = signed_in.get(_url("page", person)).content.decode()

    assert services.NOT_AGREED_YET in body
    assert "A review starts once the plan has been agreed" in body


def test_given_an_overdue_review_then_the_page_says_so(signed_in, planner, person, plan):
    make.trigger(planner, plan, reason="unplanned_admission",
                 occurred_on=today() - dt.timedelta(days=20))

    body = signed_in.get(_url("page", person)).content.decode()

    assert "Overdue" in body
    assert "Unplanned admission on" in body
    assert "A fall at home" in body


@pytest.fixture
def strangers_plan(stranger):
    theirs = UserFactory(role=Role.PRACTITIONER)
    CareTeamMemberFactory(person=stranger, user=theirs)
    plan = make.plan_in_action(theirs, stranger)[0]
    review = services.review_start(actor=theirs, plan=plan, version=plan.version)
    return plan, review


def test_given_someone_elses_person_then_every_page_is_not_found(signed_in, stranger,
                                                                 strangers_plan):
    _, review = strangers_plan
    gets = ["page", "circumstances", "trigger_add", "request"]

    for name in gets:
        assert signed_in.get(_url(name, stranger)).status_code == 404, name
    assert signed_in.post(_url("start", stranger), {"version": 1}).status_code == 404
    assert signed_in.get(_url("review", stranger, review_id=review.pk)).status_code == 404
    assert signed_in.post(_url("trigger_add", stranger), {
        "reason": "deterioration", **_date("occurred_on", today()),
        "details": "Worse"}).status_code == 404
    assert not ReviewTrigger.objects.exists()
    assert AuditEvent.objects.filter(action="person.access_refused", person=stranger).exists()


def test_given_another_plans_review_then_it_is_not_found_under_this_person(
        signed_in, person, plan, strangers_plan):
    _, theirs = strangers_plan

    assert signed_in.get(_url("review", person, review_id=theirs.pk)).status_code == 404


def test_given_a_commissioner_then_they_read_reviews_but_change_nothing(client, planner,
                                                                        person, plan):
    commissioner = make_budget.commissioner_for(planner)
    review = services.review_start(actor=planner, plan=plan, version=plan.version)
    client.force_login(commissioner)

    page = client.get(_url("page", person))
    body = page.content.decode()

    assert page.status_code == 200
    assert "See the review so far" in body
    assert "They have asked for a review" not in body
    assert client.get(_url("trigger_add", person)).status_code == 403
    assert client.get(_url("circumstances", person)).status_code == 403
    assert client.get(_url("review", person, review_id=review.pk)).status_code == 200
    assert client.post(_url("review", person, review_id=review.pk),
                       {"version": review.version}).status_code == 403


# --- triggers --------------------------------------------------------------------------------

def test_given_a_trigger_with_nothing_filled_in_then_each_message_is_beside_its_field(
        signed_in, person, plan):
    response = signed_in.post(_url("trigger_add", person), {})

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Select what has happened" in body
    assert "Say what happened" in body
    assert 'href="#id_reason_0"' in body
    assert 'href="#id_occurred_on_day"' in body
    assert not ReviewTrigger.objects.exists()


def test_given_a_trigger_in_the_future_then_it_is_refused_beside_the_date(signed_in, person,
                                                                         plan):
    response = signed_in.post(_url("trigger_add", person), {
        "reason": "carer_concern", **_date("occurred_on", today() + dt.timedelta(days=3)),
        "details": "Bernard is exhausted"})

    assert response.status_code == 400
    assert "The date must be today or in the past" in response.content.decode()


def test_a_trigger_is_recorded_and_shown_with_its_review_by_date(signed_in, person, plan):
    happened = today() - dt.timedelta(days=1)

    response = signed_in.post(_url("trigger_add", person), {
        "reason": "change_of_circumstances", **_date("occurred_on", happened),
        "details": "Moved in with her daughter"})
    body = signed_in.get(_url("page", person)).content.decode()

    assert response.status_code == 302
    assert ReviewTrigger.objects.get().reason == "change_of_circumstances"
    assert f"Review by {format_date(happened + dt.timedelta(days=28))}" in body
    assert "Moved in with her daughter" in body


def test_the_persons_own_request_is_recorded_from_its_page(signed_in, person, plan):
    form = signed_in.get(_url("request", person)).content.decode()

    response = signed_in.post(_url("request", person), {**_date("occurred_on", today()),
                                                          "details": ""})

    assert f'value="{today().day}"' in form  # the date they asked starts as today
    assert response.status_code == 302
    trigger = ReviewTrigger.objects.get()
    assert (trigger.reason, trigger.details) == ("person_request", "")
    body = signed_in.get(_url("page", person)).content.decode()
    assert f"Due by <strong>{format_date(today() + dt.timedelta(days=14))}</strong>" in body


# --- circumstances ---------------------------------------------------------------------------

def test_circumstances_bring_reviews_to_every_six_months(signed_in, person, plan):
    response = signed_in.post(_url("circumstances", person), {
        "version": 1, "applies": ["isolated", "fluctuating_condition"],
        "note": "Lives alone since Bernard died"})
    body = signed_in.get(_url("page", person)).content.decode()

    assert response.status_code == 302
    circumstances = ReviewCircumstances.objects.get()
    assert (circumstances.isolated, circumstances.fluctuating_condition,
            circumstances.degenerative_condition) == (True, True, False)
    assert "they are isolated" in body
    assert "Lives alone since Bernard died" in body
    assert f"Due by <strong>{format_date(add_months(today(), 6))}</strong>" in body


def test_given_a_stale_circumstances_form_then_the_conflict_message_is_shown(
        signed_in, planner, person, plan):
    services.review_circumstances_update(actor=planner, plan=plan, version=1,
                                         data={"isolated": True})

    response = signed_in.post(_url("circumstances", person), {"version": 1, "applies": []})

    assert response.status_code == 400
    assert StaleVersion.message in response.content.decode().replace("&#39;", "'")
    assert ReviewCircumstances.objects.get().isolated is True


def test_given_a_choice_not_in_the_list_then_it_is_refused(signed_in, person, plan):
    response = signed_in.post(_url("circumstances", person), {"version": 1,
                                                              "applies": ["lonely"]})

    assert response.status_code == 400
    assert "Select from the list" in response.content.decode()


# --- starting and writing a review -------------------------------------------------------------

def test_starting_a_review_opens_it_and_moves_the_plan(signed_in, person, plan):
    response = signed_in.post(_url("start", person), {"version": plan.version})

    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("review", person, review_id=review.pk)
    plan.refresh_from_db()
    assert plan.stage == Stage.REVIEW


def test_given_a_stale_plan_then_starting_says_so_on_the_reviews_page(signed_in, person, plan):
    response = signed_in.post(_url("start", person), {"version": plan.version - 1},
                              follow=True)

    assert not Review.objects.exists()
    assert StaleVersion.message in response.content.decode().replace("&#39;", "'")


def test_given_no_budget_then_the_review_asks_only_about_outcomes_risks_and_priorities(
        signed_in, planner, person, plan, outcome):
    review = services.review_start(actor=planner, plan=plan, version=plan.version)

    body = signed_in.get(_url("review", person, review_id=review.pk)).content.decode()

    assert "Outcome 1: “I can make my own cup of tea" in body
    assert "Achieved" in body
    assert "No longer wanted" in body
    assert "New or changed risks" in body
    assert "Priorities for the coming year" in body
    assert "How the budget was used" not in body
    assert "The direct payment" not in body
    assert "Is the budget still enough" not in body
    assert "(optional)</legend>" not in body.replace("\n", "")


def test_given_a_direct_payment_then_the_review_asks_about_its_obligations(
        signed_in, planner, person, plan, outcome):
    make.direct_payment_budget(planner, make_budget.commissioner_for(planner), plan, outcome)
    plan.refresh_from_db()
    review = services.review_start(actor=planner, plan=plan, version=plan.version)

    body = signed_in.get(_url("review", person, review_id=review.pk)).content.decode()

    assert "The direct payment" in body
    assert "Is the employer&#39;s and public liability insurance in place?" in body
    assert "registered with the Care Quality Commission" in body
    assert "How the budget was used" in body
    assert "Is the budget still enough" in body


@pytest.fixture
def review(planner, plan):
    return services.review_start(actor=planner, plan=plan, version=plan.version)


def test_saving_a_review_keeps_the_answers_for_later(signed_in, person, review, outcome):
    response = signed_in.post(_url("review", person, review_id=review.pk), {
        "version": review.version, f"result_{outcome.pk}": "partly",
        f"comment_{outcome.pk}": "Kettle tipper helps", "risks_changes": "",
        "priorities": ""})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome_results.get().result == "partly"
    body = signed_in.get(_url("review", person, review_id=review.pk)).content.decode()
    assert "Kettle tipper helps" in body


def test_given_unanswered_questions_then_finishing_puts_each_message_beside_its_question(
        signed_in, person, review, outcome):
    response = signed_in.post(_url("review", person, review_id=review.pk), {
        "version": review.version, "risks_changes": "None new", "finish": "1"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Your answers have been saved, but the review cannot be finished yet" in body
    assert f'href="#id_result_{outcome.pk}_0"' in body
    assert "Say how far this outcome has got" in body
    assert 'href="#id_priorities"' in body
    assert "Write the priorities for the coming year" in body
    review.refresh_from_db()
    assert (review.status, review.risks_changes) == (ReviewStatus.IN_PROGRESS, "None new")
    assert f'name="version" value="{review.version}"' in body  # goes on from what was saved


def test_given_a_result_not_in_the_list_then_it_is_refused_beside_the_outcome(
        signed_in, person, review, outcome):
    response = signed_in.post(_url("review", person, review_id=review.pk), {
        "version": review.version, f"result_{outcome.pk}": "sort of"})

    assert response.status_code == 400
    assert "Select how far the outcome has got" in response.content.decode()


def test_given_a_stale_review_then_the_conflict_message_is_shown(signed_in, planner, person,
                                                                 review):
    services.review_update(actor=planner, review=review, version=review.version,
                           data={"priorities": "Theirs"})

    response = signed_in.post(_url("review", person, review_id=review.pk), {
        "version": 1, "priorities": "Mine"})

    assert response.status_code == 400
    assert StaleVersion.message in response.content.decode().replace("&#39;", "'")
    review.refresh_from_db()
    assert review.priorities == "Theirs"


def test_finishing_the_review_shows_the_record_and_returns_the_plan_to_conversation(
        signed_in, person, plan, review, outcome):
    response = signed_in.post(_url("review", person, review_id=review.pk), {
        "version": review.version, f"result_{outcome.pk}": "achieved",
        "risks_changes": "None new", "priorities": "Get back to the allotment",
        "finish": "1"})

    assert response.status_code == 302
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    assert plan.stage == Stage.CONVERSATION
    done = signed_in.get(response["Location"])
    body = done.content.decode()
    assert f"Review finished on {format_date(today())}" in body
    assert "Get back to the allotment" in body
    assert "Achieved" in body
    assert "The plan is back at the conversation stage" in body
    page = signed_in.get(_url("page", person)).content.decode()
    assert "Review finished on" in page
    assert "after the last review on" in page
    assert signed_in.post(response["Location"], {"version": review.version}).status_code == 403


def test_the_reviews_page_takes_no_more_queries_with_more_triggers_and_reviews(
        signed_in, planner, person, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(_url("page", person)).status_code == 200
        return len(captured.captured_queries)

    make.trigger(planner, plan)
    few = count()
    for n in range(4):
        make.trigger(planner, plan, reason="carer_concern", details=f"Concern {n}")
    review = make.review_ready_to_finish(planner, plan)
    services.review_complete(actor=planner, review=review, version=review.version)
    make.trigger(planner, plan, reason="person_request", details="")

    assert count() == few


def test_a_finished_direct_payment_review_shows_its_obligations(
        signed_in, planner, person, plan, outcome):
    make.direct_payment_budget(planner, make_budget.commissioner_for(planner), plan, outcome)
    review = make.review_ready_to_finish(
        planner, plan, budget_suffices="yes", dp_insurance="yes", dp_pa_training="no",
        dp_pa_training_note="New PA starts moving and handling training in May",
        dp_employer_duties="yes", dp_provider_registration="not_applicable")
    services.review_complete(actor=planner, review=review, version=review.version)

    body = signed_in.get(_url("review", person, review_id=review.pk)).content.decode()

    assert "Have the personal assistants had the training they need?" in body
    assert "No. New PA starts moving and handling training in May" in body
    assert "Does not apply" in body
    assert "Yes, it is still enough" in body
