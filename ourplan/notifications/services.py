"""Sending messages. `message_send` records a message once per key and hands it to the
background task that delivers it (ourplan/notifications/tasks.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from ourplan.core.audit import audit_record
from ourplan.notifications.models import (
    BODY_MAX_LENGTH,
    KEY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Message,
    MessageStatus,
)
from ourplan.notifications.tasks import deliver_message

if TYPE_CHECKING:
    from ourplan.accounts.models import User
    from ourplan.people.models import Person

KEY_REQUIRED = "Give the message a key that names what it is about"
KEY_TOO_LONG = f"The key must be {KEY_MAX_LENGTH} characters or fewer"
SUBJECT_REQUIRED = "Enter a subject"
SUBJECT_TOO_LONG = f"The subject must be {SUBJECT_MAX_LENGTH} characters or fewer"
SUBJECT_ONE_LINE = "The subject must be on one line"
BODY_REQUIRED = "Enter the message"
BODY_TOO_LONG = f"The message must be {BODY_MAX_LENGTH:,} characters or fewer"
NOT_AN_EMAIL_ADDRESS = "{address} is not an email address"
NO_RECIPIENTS = "Not sent: none of the people it was for has an email address"


def _check(*, key: str, subject: str, body: str) -> None:
    errors: dict[str, str] = {}
    if not key.strip():
        errors["key"] = KEY_REQUIRED
    elif len(key) > KEY_MAX_LENGTH:
        errors["key"] = KEY_TOO_LONG
    if not subject.strip():
        errors["subject"] = SUBJECT_REQUIRED
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = SUBJECT_TOO_LONG
    elif "\n" in subject or "\r" in subject:
        errors["subject"] = SUBJECT_ONE_LINE
    if not body.strip():
        errors["body"] = BODY_REQUIRED
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = BODY_TOO_LONG
    if errors:
        raise ValidationError(errors)


def _addresses(to: Sequence[User | str]) -> list[str]:
    """Each recipient's email address, once, in the order given. Staff without an address, or
    whose account is closed, are left out; a written address must be a real one."""
    addresses: list[str] = []
    seen: set[str] = set()
    for recipient in to:
        if isinstance(recipient, str):
            address = recipient.strip()
            if address:
                try:
                    validate_email(address)
                except ValidationError as error:
                    raise ValidationError(
                        {"to": NOT_AN_EMAIL_ADDRESS.format(address=address)}) from error
        else:
            address = (recipient.email or "").strip() if recipient.is_active else ""
        if address and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


@transaction.atomic
def message_send(*, key: str, to: Sequence[User | str], subject: str, body: str,
                 person: Person | None = None) -> Message:
    """Send a message once. If a message with this key was already made, that message is
    returned and nothing more is sent. With no one to send to, the message is recorded as failed
    (with the reason) rather than refused, so the caller's own change still goes ahead."""
    if isinstance(to, str):
        to = [to]
    _check(key=key, subject=subject, body=body)
    recipients = _addresses(to)
    message, created = Message.objects.get_or_create(key=key, defaults={
        "recipients": recipients, "subject": subject, "body": body, "person": person,
        "status": MessageStatus.QUEUED if recipients else MessageStatus.FAILED,
        "last_error": "" if recipients else NO_RECIPIENTS,
    })
    if not created:
        return message
    if person is not None:
        audit_record(actor=None, action="message.queued", person=person, obj=message,
                     changes={"key": key, "subject": subject, "to": recipients,
                              "status": message.status})
    if message.status == MessageStatus.QUEUED:
        message_id = str(message.pk)
        # Robust: the message is saved either way, and `send_messages` delivers what is left.
        transaction.on_commit(lambda: deliver_message.enqueue(message_id), robust=True)
    return message
