"""The warning before a session ends (a portal session for want of use, a staff session at the
end of its working day): every page carries it, with the seconds left; asking how long is left
does not count as use; "Stay signed in" restarts the clock (with or without scripts); the
sign-in page says why someone was signed out."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from ourplan.portal.middleware import SEEN, SESSION_STATUS_PATH, STAFF_STARTED
from ourplan.testing.portal import the_person

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _status():
    return reverse("portal_accounts:session")


def _seen_ago(client, seconds):
    """Pretend the session was last used `seconds` ago."""
    session = client.session
    session[SEEN] = int(time.time()) - seconds
    session.save()


def test_the_status_address_is_the_one_the_clock_leaves_alone():
    assert _status() == SESSION_STATUS_PATH


def test_every_portal_page_carries_the_warning_with_the_time_left(client, person, settings):
    client.force_login(the_person(person))

    body = client.get(f"/my/{person.pk}/").content.decode()

    found = re.search(r'data-seconds-left="(\d+)"', body)
    assert found is not None
    assert settings.PORTAL_IDLE_SECONDS - 5 <= int(found.group(1)) <= settings.PORTAL_IDLE_SECONDS
    assert f'data-warning-seconds="{settings.PORTAL_IDLE_WARNING_SECONDS}"' in body
    assert "You are about to be signed out" in body
    assert "session-timeout.js" in body


def test_staff_pages_warn_before_the_end_of_the_working_day(client, planner, settings):
    client.force_login(planner)

    body = client.get("/people/").content.decode()

    found = re.search(r'data-seconds-left="(\d+)"', body)
    assert found is not None
    assert settings.SESSION_COOKIE_AGE - 5 <= int(found.group(1)) <= settings.SESSION_COOKIE_AGE
    assert "You have been signed in for a long time" in body
    assert "signed_out=day" in body


def test_asking_how_long_is_left_does_not_count_as_use(client, person, settings):
    client.force_login(the_person(person))
    client.get(f"/my/{person.pk}/")
    _seen_ago(client, 10 * 60)

    response = client.get(_status(), **JSON)

    left = response.json()["seconds_left"]
    assert settings.PORTAL_IDLE_SECONDS - 10 * 60 - 5 <= left <= settings.PORTAL_IDLE_SECONDS - 600
    assert int(time.time()) - client.session[SEEN] >= 10 * 60
    # Still a portal session: nothing about a staff working day is kept in it.
    assert client.session.get_expiry_age() == settings.PORTAL_IDLE_SECONDS
    assert STAFF_STARTED not in client.session
    assert "no-store" in response["Cache-Control"]


def test_staying_signed_in_restarts_the_clock(client, person, settings):
    client.force_login(the_person(person))
    client.get(f"/my/{person.pk}/")
    # Within the minute in which an ordinary page does not move the clock on.
    _seen_ago(client, 30)

    response = client.post(_status(), **JSON)

    assert response.json()["seconds_left"] >= settings.PORTAL_IDLE_SECONDS - 1
    assert int(time.time()) - client.session[SEEN] <= 1


def test_without_scripts_staying_signed_in_goes_back_to_the_page(client, person):
    client.force_login(the_person(person))
    page = f"/my/{person.pk}/sharing/"
    _seen_ago(client, 20 * 60)

    response = client.post(_status(), {"next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    assert int(time.time()) - client.session[SEEN] <= 1


def test_staying_signed_in_never_sends_someone_to_another_site(client, person):
    client.force_login(the_person(person))

    response = client.post(_status(), {"next": "https://example.com/phish"})

    assert response["Location"] == reverse("portal:home")


def test_once_the_session_has_ended_nothing_is_left_and_nothing_restarts_it(client, person,
                                                                             settings):
    client.force_login(the_person(person))
    client.get(f"/my/{person.pk}/")
    client.logout()

    assert client.get(_status(), **JSON).json() == {"seconds_left": 0}
    assert client.post(_status(), **JSON).json() == {"seconds_left": 0}
    assert client.get(f"/my/{person.pk}/").status_code == 302


def _started_ago(client, seconds):
    session = client.session
    session[STAFF_STARTED] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_lasts_the_working_day_however_much_it_is_used(client, planner,
                                                                     settings):
    client.force_login(planner)
    client.get("/people/")
    _started_ago(client, 3 * 60 * 60)

    client.get("/people/")
    left = client.get(_status(), **JSON).json()["seconds_left"]

    day_left = settings.SESSION_COOKIE_AGE - 3 * 3600
    assert day_left - 5 <= left <= day_left


def test_staff_staying_signed_in_starts_another_working_day(client, planner, settings):
    client.force_login(planner)
    client.get("/people/")
    _started_ago(client, settings.SESSION_COOKIE_AGE - 60)

    left = client.post(_status(), **JSON).json()["seconds_left"]

    assert left >= settings.SESSION_COOKIE_AGE - 1
    assert client.get("/people/").status_code == 200


def test_at_the_end_of_the_working_day_staff_are_signed_out_and_told_why(client, planner,
                                                                        person):
    client.force_login(planner)
    client.get("/people/")
    _started_ago(client, 8 * 60 * 60 + 1)

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?signed_out=day&next=")
    assert f"%2Fpeople%2F{person.pk}%2F" in response["Location"]
    assert client.get(_status(), **JSON).json() == {"seconds_left": 0}
    page = client.get(response["Location"]).content.decode()
    assert "We signed you out because you had been signed in for 8 hours" in page
    assert client.get("/people/").status_code == 302  # really signed out


def test_the_sign_in_page_says_why_someone_was_signed_out(client, settings):
    body = client.get(reverse("accounts:login") + "?signed_out=idle&next=/my/").content.decode()

    assert "We signed you out because you had not used Ourplan for 30 minutes" in body
    assert 'name="next" value="/my/"' in body
    assert "We signed you out" not in client.get(reverse("accounts:login")).content.decode()


def test_at_the_end_of_the_working_day_the_api_answers_as_to_someone_signed_out(client,
                                                                              planner):
    client.force_login(planner)
    _started_ago(client, 8 * 60 * 60 + 1)

    response = client.get("/api/v1/me")

    assert response.status_code == 401
