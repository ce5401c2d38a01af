"""Delivering a message in the background: sent once, whatever happens to the worker."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.base import TaskResultStatus

from ourplan.notifications import tasks
from ourplan.notifications.models import Message, MessageStatus, OutboxEmail
from ourplan.notifications.services import message_send
from ourplan.notifications.tasks import MAX_ATTEMPTS, deliver_message, message_deliver

pytestmark = pytest.mark.django_db(transaction=True)

DECISION = {"key": "decision:budget-1:agreed", "subject": "Your budget has been agreed",
            "body": "Hello Mark,\n\nYour personal health budget has been agreed.\n\nOurplan"}


@pytest.fixture
def mail_server_down(settings):
    """Django's SMTP backend pointed at a port nothing listens on."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


class WorkerCrashed(Exception):
    """Stands for the worker dying after the email went, before the transaction committed."""


def _crash_on_marking_sent(monkeypatch):
    real_save = Message.save

    def save(self, *args, **kwargs):
        if self.status == MessageStatus.SENT:
            raise WorkerCrashed
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Message, "save", save)


def test_given_a_queued_message_then_the_worker_sends_it_and_records_the_email(
        planner, person, run_worker):
    message = message_send(to=[planner, "mark@example.org"], person=person, **DECISION)

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, "")
    assert message.sent_at is not None
    email = OutboxEmail.objects.get()
    assert email.to == [planner.email, "mark@example.org"]
    assert (email.subject, email.body) == (DECISION["subject"], DECISION["body"])
    assert email.message == message
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCEEDED


def test_given_the_task_run_twice_then_one_email(planner, run_worker):
    message = message_send(to=[planner], **DECISION)
    deliver_message.enqueue(str(message.pk))  # the same delivery queued a second time

    ran = run_worker()
    run_worker()

    assert ran == 2
    assert OutboxEmail.objects.count() == 1
    assert [r.return_value for r in DBTaskResult.objects.all()] == ["sent", "sent"]


def test_given_a_worker_crash_after_sending_then_nothing_is_kept_and_a_retry_sends_once(
        planner, run_worker, monkeypatch):
    message = message_send(to=[planner], **DECISION)
    with monkeypatch.context() as patch:
        _crash_on_marking_sent(patch)
        run_worker()

    message.refresh_from_db()
    crashed = DBTaskResult.objects.get()
    assert crashed.status == TaskResultStatus.FAILED
    assert crashed.exception_class_path.endswith(".WorkerCrashed")
    assert not OutboxEmail.objects.exists()  # rolled back with the "sent" mark
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)

    call_command("send_messages", stdout=io.StringIO())
    deliver_message.enqueue(str(message.pk))
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert OutboxEmail.objects.count() == 1


def test_given_a_crash_then_retrying_through_the_worker_also_sends_once(
        planner, run_worker, monkeypatch):
    message = message_send(to=[planner], **DECISION)
    with monkeypatch.context() as patch:
        _crash_on_marking_sent(patch)
        run_worker()

    deliver_message.enqueue(str(message.pk))
    run_worker()
    run_worker()

    assert OutboxEmail.objects.count() == 1
    assert Message.objects.get().status == MessageStatus.SENT


def test_given_queued_messages_then_send_messages_delivers_them(planner, capsys):
    # The worker is down: the messages and their tasks wait in the database.
    first = message_send(to=[planner], **DECISION)
    message_send(to=[planner], **{**DECISION, "key": "decision:budget-2:agreed"})
    message_send(to=[], **{**DECISION, "key": "decision:budget-3:agreed"})

    call_command("send_messages")
    call_command("send_messages")

    out = capsys.readouterr().out
    assert "2 queued messages: 2 sent" in out
    assert "No queued messages" in out
    assert OutboxEmail.objects.count() == 2
    assert OutboxEmail.objects.filter(message=first).count() == 1


def test_given_the_mail_server_is_down_then_the_error_is_kept_and_a_retry_is_scheduled(
        planner, mail_server_down, run_worker):
    message = message_send(to=[planner], **DECISION)

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now() + dt.timedelta(minutes=1)
    assert run_worker() == 0  # not due yet


def test_given_the_mail_server_down_at_every_attempt_then_the_message_fails(
        planner, mail_server_down):
    message = message_send(to=[planner], **DECISION)

    for _ in range(MAX_ATTEMPTS + 1):
        message = message_deliver(message_id=message.pk)

    assert (message.status, message.attempts) == (MessageStatus.FAILED, MAX_ATTEMPTS)
    assert message.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts: ")
    assert not OutboxEmail.objects.exists()


def test_retries_wait_longer_each_time():
    assert [tasks.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
