"""Who may call the API: bearer tokens, the session with its CSRF token, nobody else."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from ourplan.accounts.models import ApiToken
from ourplan.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people/{person_id}" in paths
    assert "/api/v1/people/{person_id}/contacts" in paths


def test_a_bearer_token_identifies_the_user(planner):
    _, raw = api_token_create(user=planner)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == planner.username


@pytest.mark.parametrize("header", ["Bearer op_not-a-real-token", "Bearer ", "Basic abc",
                                    "Bearer " + "x" * 500])
def test_bad_tokens_get_401(db, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/people")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_gets_401(planner):
    token, raw = api_token_create(user=planner)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())

    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_a_token_of_a_deactivated_user_gets_401(planner):
    _, raw = api_token_create(user=planner)
    planner.is_active = False
    planner.save()

    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_the_session_works_for_reads(client, planner):
    client.force_login(planner)

    assert client.get("/api/v1/me").status_code == 200


def test_the_session_needs_the_csrf_token_to_change_anything(planner, person):
    session = Client(enforce_csrf_checks=True)
    session.force_login(planner)

    response = session.post(f"/api/v1/people/{person.pk}/contacts",
                            json.dumps({"name": "A", "relationship": "B"}),
                            content_type="application/json")

    assert response.status_code == 403
    assert person.personal_contacts.count() == 0


def test_the_session_with_its_csrf_token_may_change_things(planner, person):
    session = Client(enforce_csrf_checks=True)
    session.force_login(planner)
    session.get("/sign-in/?next=/")  # any page sets the CSRF cookie
    page = session.get(f"/people/{person.pk}/circle/add/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else \
        session.cookies["csrftoken"].value

    response = session.post(f"/api/v1/people/{person.pk}/contacts",
                            json.dumps({"name": "A", "relationship": "B"}),
                            content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201


def test_the_create_api_token_command_prints_a_working_token(planner, capsys):
    from django.core.management import call_command

    call_command("create_api_token", planner.username)
    raw = capsys.readouterr().out.strip()

    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the digest is kept
