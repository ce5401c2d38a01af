"""The boundary between the person's pages and staff pages, no caching of signed-in pages, and
the shorter idle time of a portal account's session."""

from __future__ import annotations

import pytest

from ourplan.core.models import AuditEvent
from ourplan.testing.portal import the_person

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/people/", "/work/", "/approvals/", "/panels/", "/outbox/", "/authority/",
               "/budgets/returns/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_portal_account_gets_404_on_staff_pages_and_it_is_audited(client, person, path):
    client.force_login(the_person(person))

    response = client.get(path)

    assert response.status_code == 404
    refused = AuditEvent.objects.get(action="portal.outside_boundary")
    assert refused.changes == {"path": path}


def test_a_portal_account_gets_404_on_their_own_staff_record_page_too(client, person):
    client.force_login(the_person(person))

    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/my/{person.pk}/").status_code == 200


def test_staff_pages_are_unchanged_for_staff(client, planner, person):
    client.force_login(planner)

    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(action="portal.outside_boundary").exists()


def test_the_home_page_takes_a_portal_account_to_their_own_pages(client, person):
    client.force_login(the_person(person))

    assert client.get("/").url == "/my/"


@pytest.mark.parametrize("who", ["staff", "person"])
def test_nothing_shown_to_someone_signed_in_is_kept_by_a_browser(client, planner, person, who):
    client.force_login(planner if who == "staff" else the_person(person))

    response = client.get(f"/people/{person.pk}/" if who == "staff" else f"/my/{person.pk}/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_portal_accounts_session_ends_after_half_an_hour_without_use(client, person, settings):
    client.force_login(the_person(person))

    client.get(f"/my/{person.pk}/")

    assert client.session.get_expiry_age() == settings.PORTAL_IDLE_SECONDS == 30 * 60


def test_a_staff_session_keeps_the_working_day(client, planner, settings):
    client.force_login(planner)

    client.get("/people/")

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_idle_clock_is_moved_on_at_most_once_a_minute(client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(the_person(person))
    client.get(f"/my/{person.pk}/")

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/my/{person.pk}/")

    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert not [sql for sql in writes if "django_session" in sql]
    assert client.session.get_expiry_age() == 30 * 60
