"""Passwords: a link for a new one when it is forgotten (the same answer whoever asks, once, for an
hour, at most three an hour), and changing it on the security page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts.models import User
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message, OutboxEmail
from ourplan.notifications.testing import run_queued_tasks
from ourplan.portal.passwords import RESET_SUBJECT
from ourplan.testing.factories import PASSWORD, UserFactory
from ourplan.testing.portal import the_person

pytestmark = pytest.mark.django_db

FORGOTTEN = reverse("portal_accounts:forgotten_password")
SENT = reverse("portal_accounts:forgotten_password_sent")
DONE = reverse("portal_accounts:new_password_done")
CHANGE = reverse("portal_accounts:password_change")
SECURITY = reverse("portal_accounts:security")
NEW_PASSWORD = "a kettle, two mugs and a lighthouse"
LINK = re.compile(r"https?://[^/\s]+(/sign-in/new-password/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def cecilia(person) -> User:
    return the_person(person, UserFactory.create(
        role="person", organisation=None, username="cecilia@example.com",
        email="cecilia@example.com", first_name=person.given_name,
        last_name=person.family_name))


def _ask(client: Client, email: str):
    return client.post(FORGOTTEN, {"email": email})


def _link_in(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _emailed_link(user: User) -> str:
    message = Message.objects.filter(key__startswith=f"password-reset:{user.pk}:").first()
    assert message is not None
    assert message.recipients == [user.email]
    return _link_in(message.body)


def _signs_in(password: str, user: User) -> bool:
    fresh = Client()
    fresh.post("/sign-in/", {"username": user.username, "password": password})
    return fresh.session.get("_auth_user_id") == str(user.pk)


def test_the_sign_in_page_links_to_forgotten_password(client, db):
    assert f'href="{FORGOTTEN}"' in client.get("/sign-in/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_with_the_emailed_link(person, settings):
    settings.EMAIL_BACKEND = "ourplan.notifications.backends.OutboxBackend"
    # Given someone who has forgotten their password
    user = the_person(person, UserFactory.create(role="person", organisation=None,
                                                 username="jo@example.com",
                                                 email="jo@example.com"))
    client = Client()

    # When they ask for a link, and the email goes out
    asked = _ask(client, "JO@example.com ")
    assert asked.status_code == 302
    assert asked["Location"] == SENT
    answer = client.get(SENT).content.decode()
    assert "If an account uses that address, we have sent a link" in answer
    assert "works once, for 1 hour" in answer
    run_queued_tasks()
    email = OutboxEmail.objects.get(subject=RESET_SUBJECT)
    assert email.to == ["jo@example.com"]

    # Then the link in the email sets a new password
    link = _link_in(email.body)
    page = client.get(link)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    done = client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == DONE
    assert "Your password has been changed" in client.get(DONE).content.decode()
    assert _signs_in(NEW_PASSWORD, user)
    assert not _signs_in(PASSWORD, user)
    # Setting it does not sign them in.
    assert "_auth_user_id" not in client.session


def test_staff_can_reset_a_forgotten_password_too(client, planner):
    _ask(client, planner.email)

    response = client.post(_emailed_link(planner),
                           {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert response["Location"] == DONE
    assert _signs_in(NEW_PASSWORD, planner)


def test_an_unknown_address_gets_the_same_answer_and_no_message(client, cecilia):
    known = _ask(client, cecilia.email)
    unknown = _ask(client, "nobody@example.com")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert Message.objects.filter(key__startswith="password-reset:").count() == 1
    assert not Message.objects.filter(recipients=["nobody@example.com"]).exists()


def test_a_switched_off_account_gets_no_message(client, cecilia):
    User.objects.filter(pk=cecilia.pk).update(is_active=False)

    assert _ask(client, cecilia.email)["Location"] == SENT
    assert not Message.objects.filter(key__startswith="password-reset:").exists()


def test_an_address_in_the_wrong_format_is_refused_beside_the_field(client, db):
    response = _ask(client, "not an address")

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert 'href="#id_email"' in response.content.decode()


def test_the_link_works_once(client, cecilia):
    _ask(client, cecilia.email)
    link = _emailed_link(cecilia)
    client.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    again = client.get(link)
    reused = client.post(link, {"password": "another long pass phrase",
                                "password_confirm": "another long pass phrase"})

    assert again.status_code == 400
    assert "Ask for a new link" in again.content.decode()
    assert reused.status_code == 400
    assert _signs_in(NEW_PASSWORD, cecilia)


def test_the_link_stops_working_after_an_hour(client, cecilia):
    uidb64 = urlsafe_base64_encode(force_bytes(str(cecilia.pk)))
    # A token made an hour and a second ago (seconds since 2001, as Django counts).
    now = default_token_generator._num_seconds(default_token_generator._now())
    secret = default_token_generator.secret
    old = default_token_generator._make_token_with_timestamp(cecilia, now - 3601, secret)
    recent = default_token_generator._make_token_with_timestamp(cecilia, now - 3500, secret)

    expired = client.get(f"/sign-in/new-password/{uidb64}/{old}/")

    assert expired.status_code == 400
    assert "more than 1 hour old" in expired.content.decode()
    assert client.get(f"/sign-in/new-password/{uidb64}/{recent}/").status_code == 200


def test_a_made_up_link_does_not_work(client, cecilia):
    for link in ("/sign-in/new-password/bm9wZQ/abc-123/", "/sign-in/new-password/x/y/"):
        assert client.get(link).status_code == 400


def test_a_weak_password_is_refused_beside_the_field(client, cecilia):
    _ask(client, cecilia.email)
    link = _emailed_link(cecilia)

    weak = client.post(link, {"password": "password", "password_confirm": "password"})
    different = client.post(link, {"password": NEW_PASSWORD, "password_confirm": "something"})

    assert weak.status_code == 400
    assert 'href="#id_password"' in weak.content.decode()
    assert "too short" in weak.content.decode()
    assert different.status_code == 400
    assert "The passwords do not match" in different.content.decode()
    # Still their old password, and the link still works.
    cecilia.refresh_from_db()
    assert cecilia.check_password(PASSWORD)
    assert client.get(link).status_code == 200


def test_a_fourth_request_in_an_hour_sends_nothing_and_says_the_same(client, cecilia):
    answers = [_ask(client, cecilia.email) for _ in range(4)]

    assert {(a.status_code, a["Location"]) for a in answers} == {(302, SENT)}
    assert Message.objects.filter(key__startswith=f"password-reset:{cecilia.pk}:").count() == 3
    refused = AuditEvent.objects.filter(action="user.password_reset_requested",
                                        object_id=str(cecilia.pk), changes__sent=False)
    assert refused.count() == 1


def test_after_a_reset_signing_in_still_takes_the_code(client, cecilia):
    TOTPDevice.objects.create(user=cecilia, name="Authenticator app", confirmed=True)
    _ask(client, cecilia.email)
    client.post(_emailed_link(cecilia),
                {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    response = Client().post("/sign-in/", {"username": cecilia.username,
                                           "password": NEW_PASSWORD})

    assert response["Location"] == reverse("portal_accounts:sign_in_code")
    assert TOTPDevice.objects.filter(user=cecilia, confirmed=True).exists()


def test_a_reset_ends_the_sessions_signed_in_with_the_old_password(client, cecilia):
    elsewhere = Client()
    elsewhere.force_login(cecilia)
    assert elsewhere.get(SECURITY).status_code == 200

    _ask(client, cecilia.email)
    client.post(_emailed_link(cecilia),
                {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert elsewhere.get(SECURITY).status_code == 302


def test_the_request_and_the_reset_are_audited(client, cecilia):
    _ask(client, cecilia.email)
    client.post(_emailed_link(cecilia),
                {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    requested = AuditEvent.objects.get(action="user.password_reset_requested")
    assert requested.object_id == str(cecilia.pk)
    assert requested.person is None
    assert requested.actor is None
    assert AuditEvent.objects.filter(action="user.password_reset", actor=cecilia,
                                      object_id=str(cecilia.pk)).exists()


# Changing the password while signed in.

def test_the_security_page_links_to_changing_the_password(client, cecilia):
    client.force_login(cecilia)
    assert f'href="{CHANGE}"' in client.get(SECURITY).content.decode()


def test_a_wrong_current_password_is_refused(client, cecilia):
    client.force_login(cecilia)

    response = client.post(CHANGE, {"current_password": "not my password",
                                    "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert "Your current password is not right" in response.content.decode()
    assert 'href="#id_current_password"' in response.content.decode()
    assert _signs_in(PASSWORD, cecilia)
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


def test_guessing_the_current_password_locks_the_account_and_ends_the_session(client, cecilia,
                                                                             settings):
    client.force_login(cecilia)
    wrong = {"current_password": "a guess", "password": NEW_PASSWORD,
             "password_confirm": NEW_PASSWORD}

    answers = [client.post(CHANGE, wrong).status_code
               for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert answers[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    assert "_auth_user_id" not in client.session
    assert client.post("/sign-in/", {"username": cecilia.username,
                                     "password": PASSWORD}).status_code == 429


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, cecilia):
    elsewhere = Client()
    elsewhere.force_login(cecilia)
    client.force_login(cecilia)

    response = client.post(CHANGE, {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                    "password_confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert "Your password has been changed" in client.get(SECURITY).content.decode()
    assert client.get(SECURITY).status_code == 200
    assert elsewhere.get(SECURITY).status_code == 302
    assert _signs_in(NEW_PASSWORD, cecilia)
    assert AuditEvent.objects.filter(action="user.password_changed", actor=cecilia).exists()


def test_a_weak_new_password_is_refused_beside_the_field(client, cecilia):
    client.force_login(cecilia)

    response = client.post(CHANGE, {"current_password": PASSWORD, "password": "12345678",
                                    "password_confirm": "12345678"})

    assert response.status_code == 400
    assert 'href="#id_password"' in response.content.decode()
    assert _signs_in(PASSWORD, cecilia)


def test_changing_the_password_needs_signing_in(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
