"""Signing in and out through the pages: passwords, the lock-out after repeated failures, the
demo personas page and where people are sent afterwards."""

from __future__ import annotations

import html
import os
import re

import pytest
from axes.models import AccessAttempt

from ourplan.accounts.models import Role
from ourplan.core.models import AuditEvent
from ourplan.demo.data import PERSONAS, load_demo
from ourplan.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Enter a correct username and password"
LOCKED = "Your account is locked"
SUMMARY_ITEM = re.compile(r'<a href="(#[^"]*)"\s*>(.*?)</a>', re.S)
SUMMARY = re.compile(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', re.S)
FIELD_ERROR = re.compile(
    r'<span class="nhsuk-error-message" id="([^"]+)-error"\s*>\s*'
    r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)</span>',
    re.S,
)


def _text(value: str) -> str:
    return html.unescape(" ".join(value.split()))


def summary_errors(response) -> dict[str, str]:
    found = SUMMARY.search(response.content.decode())
    if not found:
        return {}
    return {href: _text(msg) for href, msg in SUMMARY_ITEM.findall(found.group(1))}


def field_errors(response) -> dict[str, str]:
    return {fid: _text(msg) for fid, msg in FIELD_ERROR.findall(response.content.decode())}


def sign_in(client, username: str, password: str, **extra):
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- signing in ---------------------------------------------------------------------------

def test_given_an_anonymous_visitor_when_they_open_sign_in_then_they_see_the_form(client, db):
    response = client.get("/sign-in/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to Ourplan" in body
    assert 'name="username"' in body
    assert 'type="password"' in body
    assert 'autocomplete="current-password"' in body
    assert "nhsuk-header" in body
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_given_the_right_password_when_signing_in_then_caseload_and_audited(client, planner):
    response = sign_in(client, planner.username, PASSWORD)

    assert response.status_code == 302
    assert response.url == "/people/"
    assert signed_in_as(client) == str(planner.pk)
    event = AuditEvent.objects.get(action="user.logged_in")
    assert event.actor == planner
    assert event.actor_username == planner.username
    assert event.changes == {"method": "password"}
    assert event.channel == "web"
    assert client.get(response.url).status_code == 200


def test_given_a_safe_next_when_signing_in_then_they_go_there(client, planner, person):
    response = client.post("/sign-in/", {"username": planner.username, "password": PASSWORD,
                                         "next": f"/people/{person.pk}/"})

    assert response.url == f"/people/{person.pk}/"


def test_given_the_next_from_a_login_redirect_then_it_is_kept_in_the_form(client, person):
    redirected = client.get(f"/people/{person.pk}/")

    form = client.get(redirected.url).content.decode()

    assert f'name="next" value="/people/{person.pk}/"' in form


@pytest.mark.parametrize("evil", [
    "https://evil.example/", "//evil.example/", "https:evil.example", "\\\\evil.example",
    "javascript:alert(1)",
])
def test_given_an_open_redirect_in_next_when_signing_in_then_it_is_ignored(
    client, planner, evil
):
    response = client.post("/sign-in/", {"username": planner.username, "password": PASSWORD,
                                         "next": evil})

    assert response.status_code == 302
    assert response.url == "/people/"


def test_given_an_open_redirect_in_the_query_when_signing_in_then_it_is_ignored(
    client, planner
):
    form = client.get("/sign-in/", {"next": "https://evil.example/"}).content.decode()
    response = client.post("/sign-in/?next=https://evil.example/",
                           {"username": planner.username, "password": PASSWORD})

    assert "evil.example" not in form
    assert response.url == "/people/"


def test_given_someone_signed_in_when_they_open_sign_in_with_an_evil_next_then_caseload(
    client, planner
):
    client.force_login(planner)

    response = client.get("/sign-in/", {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response.url == "/people/"


def test_given_a_wrong_password_when_signing_in_then_the_error_links_to_the_username(
    client, planner
):
    response = sign_in(client, planner.username, "not-the-password")

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "<title>Error: Sign in" in body
    summary = summary_errors(response)
    assert list(summary) == ["#id_username"]
    assert summary["#id_username"].startswith(WRONG)
    assert signed_in_as(client) is None
    assert not AuditEvent.objects.filter(action="user.logged_in").exists()
    assert f'value="{planner.username}"' in body


def test_given_a_wrong_password_then_the_password_is_not_sent_back_in_the_page(client, planner):
    # Django's PasswordInput never renders its value (render_value=False): the page must not
    # carry the typed password (browser caches, shoulder-surfing, page saved to disk).
    response = sign_in(client, planner.username, "my-secret-attempt")

    assert "my-secret-attempt" not in response.content.decode()


def test_given_an_unknown_username_then_the_message_is_the_same_as_a_wrong_password(
    client, planner
):
    unknown = sign_in(client, "nobody-called-this", PASSWORD)
    wrong = sign_in(client, planner.username, "nope")

    assert summary_errors(unknown) == summary_errors(wrong)
    assert summary_errors(unknown)["#id_username"].startswith(WRONG)


def test_given_a_switched_off_account_when_signing_in_then_it_is_refused(client, team):
    user = UserFactory(is_active=False, organisation=team.organisation, teams=[team])

    response = sign_in(client, user.username, PASSWORD)

    assert response.status_code == 200
    assert summary_errors(response)["#id_username"].startswith(WRONG)
    assert signed_in_as(client) is None


def test_given_a_username_in_the_wrong_case_then_it_is_refused(client, planner):
    response = sign_in(client, planner.username.upper(), PASSWORD)

    assert signed_in_as(client) is None
    assert summary_errors(response)["#id_username"].startswith(WRONG)


def test_given_empty_fields_when_signing_in_then_each_field_says_what_to_enter(client, db):
    response = sign_in(client, "", "")

    assert response.status_code == 200
    assert field_errors(response) == {"id_username": "Enter your username",
                                      "id_password": "Enter your password"}
    assert summary_errors(response) == {"#id_username": "Enter your username",
                                        "#id_password": "Enter your password"}


def test_given_only_a_username_when_signing_in_then_the_password_is_asked_for(client, planner):
    response = sign_in(client, planner.username, "")

    assert field_errors(response) == {"id_password": "Enter your password"}
    assert signed_in_as(client) is None


# --- the lock-out -------------------------------------------------------------------------

def test_given_five_failures_when_the_right_password_is_tried_next_then_429_locked(
    client, planner, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    failures = [sign_in(client, planner.username, f"wrong-{n}") for n in range(5)]

    response = sign_in(client, planner.username, PASSWORD)

    assert [r.status_code for r in failures[:4]] == [200] * 4
    assert all(WRONG in r.content.decode() for r in failures[:4])
    # django-axes answers the attempt that reaches the limit with the locked page already.
    assert failures[4].status_code == 429
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body
    assert "15 minutes" in body
    assert "nhsuk-header" in body
    assert signed_in_as(client) is None
    assert not AuditEvent.objects.filter(action="user.logged_in").exists()
    assert AccessAttempt.objects.get(username=planner.username).failures_since_start >= 5


def test_given_four_failures_when_the_right_password_is_used_then_signed_in_and_reset(
    client, planner
):
    for n in range(4):
        sign_in(client, planner.username, f"wrong-{n}")

    success = sign_in(client, planner.username, PASSWORD)
    client.post("/sign-out/")
    later = [sign_in(client, planner.username, f"again-{n}") for n in range(4)]

    assert success.status_code == 302
    assert [r.status_code for r in later] == [200] * 4
    assert sign_in(client, planner.username, PASSWORD).status_code == 302


def test_given_a_locked_account_then_it_stays_locked_from_another_address(client, planner):
    for n in range(5):
        sign_in(client, planner.username, f"wrong-{n}", REMOTE_ADDR="10.0.0.1")

    response = sign_in(client, planner.username, PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_given_one_locked_account_then_a_colleague_elsewhere_still_signs_in(
    client, team, planner
):
    colleague = UserFactory(role=Role.PRACTITIONER, organisation=team.organisation,
                            teams=[team])
    for n in range(5):
        sign_in(client, planner.username, f"wrong-{n}", REMOTE_ADDR="10.0.0.1")

    response = sign_in(client, colleague.username, PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302
    assert signed_in_as(client) == str(colleague.pk)


# --- demo personas ------------------------------------------------------------------------

def test_given_personas_switched_off_then_the_persona_page_is_404(client, settings):
    settings.PERSONAS_ENABLED = False
    persona = UserFactory(is_persona=True)

    assert client.get("/personas/").status_code == 404
    assert client.post("/personas/", {"username": persona.username}).status_code == 404
    assert signed_in_as(client) is None
    assert "/personas/" not in client.get("/sign-in/").content.decode()


def test_given_no_personas_setting_in_the_environment_then_the_persona_page_is_404(client, db):
    if "PERSONAS_ENABLED" in os.environ:
        pytest.skip("PERSONAS_ENABLED is set in this environment")
    UserFactory(is_persona=True)

    assert client.get("/personas/").status_code == 404


def test_given_personas_switched_on_then_only_active_personas_are_listed(client, settings):
    settings.PERSONAS_ENABLED = True
    shown = UserFactory(is_persona=True, first_name="Priya", last_name="Shah",
                        persona_summary="Visits people at home")
    hidden = UserFactory(is_persona=True, is_active=False, first_name="Gone", last_name="Away")
    ordinary = UserFactory(first_name="Not", last_name="Apersona")

    response = client.get("/personas/")

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Priya Shah" in body
    assert "Visits people at home" in body
    assert f'value="{shown.username}"' in body
    assert hidden.username not in body
    assert ordinary.username not in body
    assert "/personas/" in client.get("/sign-in/").content.decode()


def test_given_personas_switched_on_when_one_is_chosen_then_signed_in_and_audited(
    client, settings, team
):
    settings.PERSONAS_ENABLED = True
    persona = UserFactory(is_persona=True, organisation=team.organisation, teams=[team])

    response = client.post("/personas/", {"username": persona.username})

    assert response.status_code == 302
    assert response.url == "/people/"
    assert signed_in_as(client) == str(persona.pk)
    event = AuditEvent.objects.get(action="user.logged_in")
    assert event.actor == persona
    assert event.changes == {"method": "persona"}


@pytest.mark.parametrize("username", ["", "nobody", "not-a-persona"])
def test_given_personas_switched_on_when_a_non_persona_is_chosen_then_400(
    client, settings, username
):
    settings.PERSONAS_ENABLED = True
    UserFactory(username="not-a-persona")

    response = client.post("/personas/", {"username": username})

    assert response.status_code == 400
    assert "Select a persona from the list" in response.content.decode()
    assert signed_in_as(client) is None


def test_given_the_demo_data_when_personas_are_on_then_each_is_listed_and_can_sign_in(
    client, settings
):
    settings.PERSONAS_ENABLED = True
    load_demo()

    body = html.unescape(client.get("/personas/").content.decode())
    for username, first, last, *_ in PERSONAS:
        assert f"{first} {last}" in body
        assert f'value="{username}"' in body

    response = client.post("/personas/", {"username": "priya.shah"})
    caseload = client.get("/people/")

    assert response.status_code == 302
    assert caseload.status_code == 200
    assert "Priya Shah" in html.unescape(caseload.content.decode())


# --- signing out --------------------------------------------------------------------------

def test_given_someone_signed_in_when_they_get_sign_out_then_they_are_asked_to_confirm(
    client, planner
):
    client.force_login(planner)

    response = client.get("/sign-out/")

    assert response.status_code == 200
    assert 'method="post" action="/sign-out/"' in response.content.decode()
    assert signed_in_as(client) == str(planner.pk)
    assert not AuditEvent.objects.filter(action="user.logged_out").exists()


def test_given_someone_signed_in_when_they_post_sign_out_then_signed_out_and_audited(
    client, planner, person
):
    client.force_login(planner)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response.url == "/sign-in/"
    assert signed_in_as(client) is None
    assert AuditEvent.objects.get(action="user.logged_out").actor == planner
    assert client.get(f"/people/{person.pk}/").status_code == 302


def test_given_an_anonymous_visitor_when_they_post_sign_out_then_nothing_is_audited(client, db):
    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert not AuditEvent.objects.exists()
    assert "You are signed out" in client.get("/sign-out/").content.decode()
