"""Messages to people (reviews falling due, decisions made) and the emails recorded for them.

A `Message` is what we mean to send, once: its `key` names the event it is about, so asking to
send the same message again finds the first one. An `OutboxEmail` is one email as it left the
service, written by the outbox email backend in the same transaction that marks the message sent.
"""

from __future__ import annotations

from django.db import models

from ourplan.core.models import BaseModel

KEY_MAX_LENGTH = 200
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Message(BaseModel):
    """One message to one or more people, sent by a background task."""

    # The idempotency key, for example "review-due:<plan id>:<due date>:30".
    key = models.CharField(max_length=KEY_MAX_LENGTH, unique=True)
    recipients = models.JSONField(default=list, blank=True)  # email addresses
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT,
        related_name="messages",
    )
    status = models.CharField(max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display().lower()})"


class OutboxEmail(BaseModel):
    """One email as it was handed to the mail system, newest first."""

    to = models.JSONField(default=list)  # every address it went to
    subject = models.CharField(max_length=998)  # the longest line an email header may have
    body = models.TextField()
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="emails")
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"
