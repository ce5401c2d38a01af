"""Telling people about decisions: after a sign-off decision, an appeal's outcome or notice of a
reduction, the background worker sends one email to the submitter, the current named
coordinator and the person (if they have an address), once each, however often it runs. The
letters are in plain words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.core.errors import DomainError
from ourplan.governance import services
from ourplan.governance.letters import COMPLAINTS, decision_letter
from ourplan.governance.models import AppealOutcome, Submission
from ourplan.notifications.models import Message, MessageStatus, OutboxEmail
from ourplan.notifications.testing import run_queued_tasks
from ourplan.testing import governance as make
from ourplan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _outbox_backend(settings):
    settings.EMAIL_BACKEND = "ourplan.notifications.backends.OutboxBackend"


@pytest.fixture
def coordinator(person):
    user = UserFactory(role=Role.CARE_COORDINATOR, email="coordinator@example.nhs.uk")
    make.named_coordinator(person, user)
    return user


@pytest.fixture
def submitted(planner, person, coordinator):
    person.email = "mary@example.org"
    person.save()
    make.matrix(planner.organisation)
    plan = make.ready_plan(planner, person)
    return services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version)


@pytest.fixture
def manager(planner):
    return make.approver(planner, Role.TEAM_MANAGER)


def _refuse(manager, submission):
    submission.refresh_from_db()
    return services.submission_refuse(actor=manager, submission=submission,
                                      version=submission.version, reasons="Too risky for now",
                                      alternatives="A pendant alarm")


def _sent_to():
    """Every address emailed, once per email it was on."""
    return sorted(a for email in OutboxEmail.objects.all() for a in email.to)


def test_given_a_refusal_then_each_person_gets_one_email_however_often_the_worker_runs(
        planner, coordinator, manager, submitted):
    refused = _refuse(manager, submitted)

    run_queued_tasks()
    run_queued_tasks()

    assert _sent_to() == sorted([planner.email, coordinator.email, "mary@example.org"])
    email = OutboxEmail.objects.get()
    assert email.subject == "Your care and support plan: we cannot sign it off yet"
    assert email.body == Submission.objects.get(pk=refused.pk).message_to_person
    assert Message.objects.get().status == MessageStatus.SENT


def test_given_a_decision_made_twice_then_the_second_is_refused_and_nothing_more_is_sent(
        planner, manager, submitted):
    _refuse(manager, submitted)
    run_queued_tasks()

    with pytest.raises(DomainError):
        _refuse(make.approver(planner, Role.TEAM_MANAGER), submitted)
    run_queued_tasks()

    assert OutboxEmail.objects.count() == 1
    assert Message.objects.count() == 1


def test_given_a_sign_off_then_one_email_says_so(planner, coordinator, manager, submitted):
    submitted.refresh_from_db()
    services.submission_approve(actor=manager, submission=submitted,
                                version=submitted.version, reasons="Risks are managed")

    run_queued_tasks()
    run_queued_tasks()

    email = OutboxEmail.objects.get()
    assert email.subject == "Your care and support plan has been signed off"
    assert sorted(email.to) == sorted([planner.email, coordinator.email, "mary@example.org"])


def test_given_a_coordinator_who_has_left_the_care_team_then_they_are_not_told(
        planner, person, coordinator, manager, submitted):
    person.care_team.filter(user=coordinator).update(
        start_date=dt.date(2020, 1, 1), end_date=timezone.localdate() - dt.timedelta(days=1))

    _refuse(manager, submitted)
    run_queued_tasks()

    assert _sent_to() == sorted([planner.email, "mary@example.org"])


def test_given_the_submitter_is_also_the_named_coordinator_then_they_get_one_copy(
        planner, person, manager, db):
    make.named_coordinator(person, planner)
    make.matrix(planner.organisation)
    plan = make.ready_plan(planner, person)
    submission = services.plan_submit_for_sign_off(actor=planner, plan=plan,
                                                   version=plan.version)

    _refuse(manager, submission)
    run_queued_tasks()

    assert _sent_to() == [planner.email]


def test_given_an_appeal_decided_then_one_email_with_the_outcome(planner, manager, submitted):
    refused = _refuse(manager, submitted)
    appeal = services.appeal_lodge(actor=planner, person=refused.person, data={
        "kind": "refused_plan", "submission": refused, "asked_by": "person",
        "grounds": "I want to choose"})
    director = make.approver(planner, Role.CLINICAL_DIRECTOR)
    services.appeal_decide(actor=director, appeal=appeal, version=appeal.version,
                           outcome=AppealOutcome.STANDS, reasons="Still too risky")

    run_queued_tasks()
    run_queued_tasks()

    emails = OutboxEmail.objects.filter(subject="The decision on your appeal")
    assert emails.count() == 1
    assert COMPLAINTS in emails.get().body
    assert OutboxEmail.objects.count() == 2  # the refusal, then the appeal's outcome


def test_given_notice_of_a_reduction_then_the_person_gets_the_letter(planner, person,
                                                                     coordinator):
    person.email = "mary@example.org"
    person.save()
    make.matrix(planner.organisation)
    commissioner = make.approver(planner, Role.COMMISSIONER)
    _plan, holding = make.signed_off_direct_payment(planner, commissioner, person)

    reduction = services.direct_payment_reduce(
        actor=commissioner, holding=holding, new_amount=Decimal("90.00"),
        reasons="Fewer hours", takes_effect_on=timezone.localdate() + dt.timedelta(days=60))
    run_queued_tasks()
    run_queued_tasks()

    email = OutboxEmail.objects.get()
    assert email.subject == "Your direct payment will go down"
    assert sorted(email.to) == sorted([coordinator.email, "mary@example.org"])
    assert email.body == reduction.letter


def test_the_letter_uses_the_name_the_person_prefers(planner, person, manager, submitted):
    person.preferred_name = "Molly"
    person.save()

    refused = _refuse(manager, submitted)

    assert refused.message_to_person.startswith("Dear Molly,")
    assert decision_letter(refused) == refused.message_to_person
