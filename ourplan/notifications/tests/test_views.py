"""The outbox page: administrators only, newest first, a page at a time, audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ourplan.core.models import AuditEvent
from ourplan.notifications.services import message_send
from ourplan.notifications.tasks import message_deliver
from ourplan.testing.factories import PersonFactory

OUTBOX = reverse("notifications:outbox")


def _sent(n, to, person=None):
    """A message delivered (as the worker delivers it) and so in the outbox."""
    message = message_send(key=f"review-due:{n}", to=[to], person=person,
                           subject=f"Review {n} is due", body=f"Review {n}\n\nis due soon.")
    return message_deliver(message_id=message.pk)


@pytest.fixture
def signed_in(client, administrator):
    client.force_login(administrator)
    return client


def test_given_an_administrator_then_the_emails_are_listed_newest_first(
        signed_in, planner, person):
    _sent(1, planner, person)
    _sent(2, planner)

    response = signed_in.get(OUTBOX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "2 emails, newest first" in body
    assert body.index("Review 2 is due") < body.index("Review 1 is due")
    assert planner.email in body
    assert person.full_name in body
    assert "Review 1<br>is due soon." not in body  # paragraphs stay paragraphs
    assert "<p>is due soon.</p>" in body


def test_given_an_email_about_someone_then_reading_it_is_in_their_audit_trail(
        signed_in, administrator, planner, person):
    _sent(1, planner, person)
    _sent(2, planner, person)

    signed_in.get(OUTBOX)

    event = AuditEvent.objects.get(action="message.read_in_outbox")
    assert (event.person, event.actor) == (person, administrator)


def test_given_no_emails_then_the_page_says_so(signed_in):
    response = signed_in.get(OUTBOX)

    assert "No emails have been sent yet" in response.content.decode()


def test_given_more_emails_than_a_page_then_they_are_paginated(signed_in, planner, settings):
    settings.PAGE_SIZE = 3
    for n in range(1, 5):
        _sent(n, planner)

    first = signed_in.get(OUTBOX).content.decode()
    second = signed_in.get(OUTBOX, {"page": 2}).content.decode()

    assert "4 emails, newest first, page 1 of 2" in first
    assert "Review 4 is due" in first
    assert "Review 1 is due" not in first
    assert "?page=2" in first
    assert "Review 1 is due" in second


def test_given_a_practitioner_then_the_outbox_is_forbidden(client, planner):
    client.force_login(planner)

    assert client.get(OUTBOX).status_code == 403


def test_given_no_one_signed_in_then_they_are_sent_to_sign_in(client, db):
    response = client.get(OUTBOX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_outbox_does_not_grow_in_queries_with_the_number_of_emails(
        signed_in, planner, django_assert_max_num_queries):
    _sent(0, planner, PersonFactory())
    signed_in.get(OUTBOX)  # warm the session
    with CaptureQueriesContext(connection) as one:
        signed_in.get(OUTBOX)
    for n in range(1, 20):
        _sent(n, planner, PersonFactory())

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = signed_in.get(OUTBOX)

    assert "20 emails" in response.content.decode()
