"""The outbox email backend: every email is recorded in `OutboxEmail` and goes nowhere else.

It writes on the default database connection, so an email sent inside a transaction is recorded
(or rolled back) with everything else that transaction writes. A deployment that sends real email
sets EMAIL_BACKEND to Django's SMTP backend instead (see ourplan/config/settings.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from django.utils import timezone

from ourplan.notifications.models import Message, OutboxEmail

# Emails for a Message carry "Message-ID: <message uuid@MESSAGE_ID_DOMAIN>": the same id on a
# retry, so the outbox can link the email to its message and mail systems can spot a repeat.
MESSAGE_ID_DOMAIN = "ourplan.invalid"
_MESSAGE_ID = re.compile(r"^<([0-9a-f-]{36})@" + re.escape(MESSAGE_ID_DOMAIN) + ">$")
SUBJECT_KEPT = 998  # the longest line an email header may have


def message_id_header(message: Message) -> str:
    return f"<{message.pk}@{MESSAGE_ID_DOMAIN}>"


def _message_pk(email: EmailMessage) -> uuid.UUID | None:
    header = next((value for name, value in email.extra_headers.items()
                   if name.lower() == "message-id"), "")
    match = _MESSAGE_ID.match(str(header).strip())
    if match is None:
        return None
    try:
        return uuid.UUID(match.group(1))
    except ValueError:
        return None


class OutboxBackend(BaseEmailBackend):
    """Records each email (its recipients, subject, body and the message it was for, if any)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        emails = [email for email in email_messages if email.recipients()]
        if not emails:
            return 0
        wanted = {pk for pk in map(_message_pk, emails) if pk is not None}
        known = set(Message.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        sent_at = timezone.now()
        rows = []
        for email in emails:
            pk = _message_pk(email)
            rows.append(OutboxEmail(
                to=list(email.recipients()), subject=str(email.subject)[:SUBJECT_KEPT],
                body=str(email.body), message_id=pk if pk in known else None, sent_at=sent_at,
            ))
        try:
            with transaction.atomic():
                OutboxEmail.objects.bulk_create(rows)
        except DatabaseError:
            if not self.fail_silently:
                raise
            return 0
        return len(rows)
