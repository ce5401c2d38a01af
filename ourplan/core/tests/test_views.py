"""Pages that belong to no part of the domain: the health check, home, static pages, and the
error pages (which must look like the rest of the service)."""

from __future__ import annotations

import pytest
from django.test import Client

from ourplan.accounts.models import Role
from ourplan.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"


def assert_nhs_layout(body: str, title: str) -> None:
    assert "<!DOCTYPE html>" in body
    assert f"<title>{title} {DASH} Ourplan {DASH} NHS</title>" in body
    assert "nhsuk-header" in body
    assert "nhsuk-footer" in body
    assert "/static/nhsuk/nhsuk-frontend.min.css" in body
    assert 'href="/accessibility"' in body


# --- health check -------------------------------------------------------------------------

def test_given_a_working_database_when_healthz_is_asked_then_200_ok_as_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_given_no_sign_in_when_healthz_is_asked_then_it_still_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_given_a_post_when_healthz_is_asked_then_405(client):
    assert client.post("/healthz").status_code == 405


# --- home and static pages ----------------------------------------------------------------

def test_given_an_anonymous_visitor_when_they_open_home_then_they_go_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/sign-in/"


def test_given_someone_signed_in_when_they_open_home_then_they_go_to_the_caseload(
    client, planner
):
    client.force_login(planner)

    response = client.get("/")

    assert response.url == "/people/"


@pytest.mark.parametrize(("path", "title"), [
    ("/accessibility", "Accessibility statement"),
    ("/privacy", "Privacy"),
])
def test_given_anyone_when_they_open_a_static_page_then_200_in_the_nhs_layout(
    client, path, title
):
    response = client.get(path)

    assert response.status_code == 200
    assert f"<title>{title}" in response.content.decode()
    assert "nhsuk-header" in response.content.decode()


def test_given_any_page_then_it_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="trace-123")
    made_up = client.get("/healthz", HTTP_X_REQUEST_ID="not safe <script>")

    assert response["X-Request-ID"] == "trace-123"
    assert made_up["X-Request-ID"] != "not safe <script>"
    assert len(made_up["X-Request-ID"]) == 32


# --- error pages --------------------------------------------------------------------------

def test_given_an_unknown_address_when_opened_anonymously_then_404_in_the_nhs_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert_nhs_layout(body, "Page not found")
    assert "<h1>Page not found</h1>" in body
    assert "Sign out" not in body


def test_given_someone_signed_in_when_an_address_is_unknown_then_404_shows_their_account(
    client, planner
):
    client.force_login(planner)

    response = client.get("/people/not-a-uuid/")

    assert response.status_code == 404
    body = response.content.decode()
    assert_nhs_layout(body, "Page not found")
    assert "Sign out" in body
    assert "Caseload" in body


def test_given_a_role_that_may_not_change_when_it_tries_then_403_in_the_nhs_layout(
    client, team, person
):
    client.force_login(UserFactory(role=Role.COMMISSIONER, organisation=team.organisation,
                                   teams=[team]))

    response = client.get(f"/people/{person.pk}/edit/")

    assert response.status_code == 403
    assert_nhs_layout(response.content.decode(), "You cannot do this")


def test_given_a_post_without_a_csrf_token_then_the_session_expired_page(client, planner):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/sign-in/", {"username": planner.username, "password": PASSWORD})

    assert response.status_code == 403
    body = response.content.decode()
    assert_nhs_layout(body, "Sorry, your session has expired")
    assert "Go back, refresh the page and try again" in body
    assert "_auth_user_id" not in strict.session


def test_given_a_signed_in_user_when_sign_out_is_posted_without_csrf_then_still_signed_in(
    planner
):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(planner)

    response = strict.post("/sign-out/")

    assert response.status_code == 403
    assert "Sorry, your session has expired" in response.content.decode()
    assert strict.session["_auth_user_id"] == str(planner.pk)


def test_given_a_valid_csrf_token_then_the_same_post_goes_through(planner):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/sign-in/")
    token = strict.cookies["csrftoken"].value

    response = strict.post("/sign-in/", {"username": planner.username, "password": PASSWORD,
                                         "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert strict.session["_auth_user_id"] == str(planner.pk)
