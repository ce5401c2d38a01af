"""The outbox email backend records what Django's mail API sends."""

from __future__ import annotations

from django.core import mail

from ourplan.notifications.models import OutboxEmail


def test_an_email_from_elsewhere_is_recorded_without_a_message(db):
    sent = mail.send_mail("Reset your password", "Follow the link.", None,
                          ["sam@example.org"])
    mail.EmailMessage("Copy", "Body", to=["a@example.org"], cc=["b@example.org"],
                      bcc=["c@example.org"]).send()

    assert sent == 1
    first, second = OutboxEmail.objects.order_by("created_at")
    assert (first.to, first.subject, first.body, first.message) == (
        ["sam@example.org"], "Reset your password", "Follow the link.", None)
    assert second.to == ["a@example.org", "b@example.org", "c@example.org"]


def test_an_email_with_no_recipients_is_not_recorded(db):
    assert mail.EmailMessage("Nobody", "Body").send() == 0
    assert not OutboxEmail.objects.exists()
