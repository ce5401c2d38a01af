"""Signing in with a username and password, and the lock-out after repeated failures."""

from __future__ import annotations

import pytest

from ourplan.core.models import AuditEvent
from ourplan.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, password: str):
    return client.post("/sign-in/", {"username": username, "password": password})


def test_right_password_signs_in_and_is_audited(client, planner):
    response = _sign_in(client, planner.username, PASSWORD)

    assert response.status_code == 302
    assert response.url == "/people/"
    assert AuditEvent.objects.filter(actor=planner, action="user.logged_in").count() == 1


def test_wrong_password_says_so_beside_the_username(client, planner):
    response = _sign_in(client, planner.username, "not-the-password")

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a correct username and password" in body
    assert 'href="#id_username"' in body


def test_empty_fields_get_their_own_messages(client, db):
    body = _sign_in(client, "", "").content.decode()

    assert "Enter your username" in body
    assert "Enter your password" in body


def test_five_failures_lock_the_account_even_for_the_right_password(client, planner, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _sign_in(client, planner.username, "wrong").status_code == 200

    fifth = _sign_in(client, planner.username, "wrong")
    after = _sign_in(client, planner.username, PASSWORD)

    assert fifth.status_code == 429
    assert after.status_code == 429
    assert "Your account is locked" in after.content.decode()
    assert "_auth_user_id" not in client.session


def test_open_redirects_in_next_are_ignored(client, planner):
    response = client.post(
        "/sign-in/",
        {"username": planner.username, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.url == "/people/"


def test_persona_page_is_not_there_unless_switched_on(client, settings, planner):
    settings.PERSONAS_ENABLED = False
    planner.is_persona = True
    planner.save()

    assert client.get("/personas/").status_code == 404
    assert client.post("/personas/", {"username": planner.username}).status_code == 404


def test_persona_page_signs_in_as_the_chosen_persona(client, settings, planner):
    settings.PERSONAS_ENABLED = True
    planner.is_persona = True
    planner.save()

    listing = client.get("/personas/")
    response = client.post("/personas/", {"username": planner.username})

    assert planner.display_name in listing.content.decode()
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(planner.pk)


def test_persona_page_refuses_someone_who_is_not_a_persona(client, settings, planner):
    settings.PERSONAS_ENABLED = True

    response = client.post("/personas/", {"username": planner.username})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post(client, planner):
    client.force_login(planner)

    assert client.get("/sign-out/").status_code == 200
    assert "_auth_user_id" in client.session
    client.post("/sign-out/")
    assert "_auth_user_id" not in client.session
