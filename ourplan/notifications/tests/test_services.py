"""Sending a message: once per key, to those with an address, audited, validated."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tasks.backends.database.models import DBTaskResult

from ourplan.core.models import AuditEvent
from ourplan.notifications import services
from ourplan.notifications.models import (
    BODY_MAX_LENGTH,
    KEY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Message,
    MessageStatus,
    OutboxEmail,
)
from ourplan.notifications.services import message_send
from ourplan.testing.factories import UserFactory

REVIEW = {"key": "review-due:plan-1:2026-06-01:30", "subject": "A review is due in 30 days",
          "body": "Cecilia's plan is due for review on 1 June 2026."}


@pytest.mark.django_db(transaction=True)
def test_given_the_same_key_twice_then_one_message_and_one_email(planner, person, run_worker):
    first = message_send(to=[planner], person=person, **REVIEW)
    second = message_send(to=[planner], person=person, **REVIEW)
    ran = run_worker()

    assert second.pk == first.pk
    assert Message.objects.count() == 1
    assert ran == 1
    email = OutboxEmail.objects.get()
    assert email.to == [planner.email]
    assert email.message_id == first.pk
    assert Message.objects.get().status == MessageStatus.SENT


def test_given_a_new_message_then_delivery_is_queued_after_commit(
        planner, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(to=[planner], person=person, **REVIEW)

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [str(message.pk)], "kwargs": {}}
    assert task.task_path == "ourplan.notifications.tasks.deliver_message"
    assert message.status == MessageStatus.QUEUED


def test_given_an_existing_key_then_nothing_more_is_queued_or_audited(
        planner, person, django_capture_on_commit_callbacks):
    message_send(to=[planner], person=person, **REVIEW)

    with django_capture_on_commit_callbacks() as callbacks:
        message_send(to=[planner], person=person, **{**REVIEW, "subject": "Something else"})

    assert callbacks == []
    assert Message.objects.get().subject == REVIEW["subject"]
    assert AuditEvent.objects.filter(action="message.queued").count() == 1


def test_given_staff_without_an_address_then_they_are_left_out(planner, person):
    no_address = UserFactory(email="")
    left = UserFactory(is_active=False)

    message = message_send(to=[no_address, planner, left, "Jo.Bennett@example.org",
                               "jo.bennett@example.org", planner], person=person, **REVIEW)

    assert message.recipients == [planner.email, "Jo.Bennett@example.org"]
    assert message.status == MessageStatus.QUEUED


def test_given_no_one_with_an_address_then_the_message_is_recorded_as_failed(
        person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = message_send(to=[UserFactory(email="")], person=person, **REVIEW)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == services.NO_RECIPIENTS
    assert message.recipients == []
    assert callbacks == []
    assert not DBTaskResult.objects.exists()


def test_given_a_person_then_the_message_is_in_their_audit_trail(planner, person):
    message = message_send(to=[planner], person=person, **REVIEW)

    event = AuditEvent.objects.get(action="message.queued")
    assert event.person == person
    assert event.object_id == str(message.pk)
    assert event.changes == {"key": REVIEW["key"], "subject": REVIEW["subject"],
                             "to": [planner.email], "status": "queued"}


def test_given_no_person_then_nothing_is_audited(planner):
    message_send(to=[planner], **REVIEW)

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("change", "field", "error"), [
    ({"key": ""}, "key", services.KEY_REQUIRED),
    ({"key": "   "}, "key", services.KEY_REQUIRED),
    ({"key": "k" * (KEY_MAX_LENGTH + 1)}, "key", services.KEY_TOO_LONG),
    ({"subject": ""}, "subject", services.SUBJECT_REQUIRED),
    ({"subject": "s" * (SUBJECT_MAX_LENGTH + 1)}, "subject", services.SUBJECT_TOO_LONG),
    ({"subject": "Review due\nBcc: someone@example.org"}, "subject", services.SUBJECT_ONE_LINE),
    ({"body": " \n "}, "body", services.BODY_REQUIRED),
    ({"body": "b" * (BODY_MAX_LENGTH + 1)}, "body", services.BODY_TOO_LONG),
    ({"to": ["not an address"]}, "to", "not an address is not an email address"),
])
def test_given_bad_input_then_the_field_is_named_and_nothing_is_saved(
        planner, person, change, field, error):
    values = {**REVIEW, "to": [planner], "person": person, **change}

    with pytest.raises(ValidationError) as raised:
        message_send(**values)

    assert raised.value.message_dict == {field: [error]}
    assert not Message.objects.exists()
    assert not AuditEvent.objects.exists()


def test_given_the_longest_allowed_values_then_the_message_is_saved(planner):
    message = message_send(to=[planner], key="k" * KEY_MAX_LENGTH,
                           subject="s" * SUBJECT_MAX_LENGTH, body="b" * BODY_MAX_LENGTH)

    message.full_clean()
    assert message.status == MessageStatus.QUEUED
