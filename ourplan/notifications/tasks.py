"""Delivering messages in the background (django-tasks, run by `manage.py db_worker`).

Delivery happens in one transaction that locks the message, sends it and marks it sent. With the
outbox backend the email is recorded in that same transaction, so a worker that dies before
committing leaves neither the email nor the "sent" mark, and the next attempt sends it exactly
once. A message already marked sent is never sent again, however often its task runs. (An SMTP
server cannot take part in our transaction: if a worker dies after the server accepted an email
but before committing, the email can go twice; it keeps the same Message-ID, so mail systems can
tell it is a repeat.)"""

from __future__ import annotations

import datetime as dt
import uuid
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ourplan.notifications.backends import message_id_header
from ourplan.notifications.models import Message, MessageStatus

MAX_ATTEMPTS = 5
GAVE_UP = "Gave up after {attempts} attempts: {error}"
NOTHING_ACCEPTED = "The mail system accepted nothing"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait before the next attempt: 2, 4, 8, 16 minutes."""
    return dt.timedelta(minutes=2 ** attempts)


@transaction.atomic
def message_deliver(*, message_id: uuid.UUID | str) -> Message:
    """Send a queued message and mark it sent, all in one transaction; a message already sent
    or given up on is left as it is. If the mail system refuses it, the error is kept and
    another attempt is scheduled, up to MAX_ATTEMPTS."""
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.status != MessageStatus.QUEUED:
        return message
    message.attempts += 1
    email = EmailMessage(
        subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.recipients, headers={"Message-ID": message_id_header(message)},
    )
    try:
        with transaction.atomic():  # a backend that fails part-way leaves nothing behind
            if email.send(fail_silently=False) == 0:
                raise SMTPException(NOTHING_ACCEPTED)
    except (OSError, SMTPException) as error:  # the mail system is down or refused it
        _failed_attempt(message, error)
        return message
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "last_error", "attempts", "updated_at"])
    return message


def _failed_attempt(message: Message, error: Exception) -> None:
    reason = str(error) or type(error).__name__
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.last_error = GAVE_UP.format(attempts=message.attempts, error=reason)
    else:
        message.last_error = reason
        run_after = timezone.now() + retry_delay(message.attempts)
        message_id = str(message.pk)
        transaction.on_commit(
            lambda: deliver_message.using(run_after=run_after).enqueue(message_id), robust=True)
    message.save(update_fields=["status", "last_error", "attempts", "updated_at"])


@task()
def deliver_message(message_id: str) -> str:
    """The background task: deliver one message; returns its status afterwards."""
    return str(message_deliver(message_id=message_id).status)
