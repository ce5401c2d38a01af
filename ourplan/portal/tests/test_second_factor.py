"""The optional second factor: setting up an authenticator app, signing in with a code, the
lock-out counting wrong codes, and turning it off."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.core.models import AuditEvent
from ourplan.portal.second_factor import PENDING_KEY
from ourplan.testing.factories import PASSWORD
from ourplan.testing.portal import the_person

pytestmark = pytest.mark.django_db

SECURITY = reverse("portal_accounts:security")
CODE_STEP = reverse("portal_accounts:sign_in_code")


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app would show now (or a step ahead: a code works once, and django-otp
    accepts the next step too)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _fresh(device: TOTPDevice) -> TOTPDevice:
    """Forget the last code used and any slowing down after a wrong one, as time passing would."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    return TOTPDevice.objects.get(pk=device.pk)


@pytest.fixture
def cecilia(person):
    return the_person(person)


@pytest.fixture
def with_code(cecilia):
    device = TOTPDevice.objects.create(user=cecilia, name="Authenticator app", confirmed=True)
    return cecilia, device


def _password(client, user):
    return client.post("/sign-in/", {"username": user.username, "password": PASSWORD})


def test_setting_up_shows_the_secret_and_turns_on_only_with_a_right_code(client, cecilia):
    client.force_login(cecilia)
    assert "Set up a code" in client.get(SECURITY).content.decode()

    started = client.post(SECURITY, {"action": "start"})
    body = started.content.decode()
    device = TOTPDevice.objects.get(user=cecilia)
    assert not device.confirmed
    assert "otpauth://totp/" in body
    assert "<svg" in body
    secret = body.split('id="totp-secret">')[1].split("<")[0]
    assert len(secret.split(" ")[0]) == 4

    wrong = client.post(SECURITY, {"action": "confirm", "code": "000000" if _code(device) !=
                                   "000000" else "111111"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert 'href="#id_code"' in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    device = _fresh(device)
    right = client.post(SECURITY, {"action": "confirm", "code": _code(device)})

    assert right.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(actor=cecilia, action="user.second_factor_added").exists()


def test_a_code_that_is_not_six_numbers_is_refused_beside_the_field(client, cecilia):
    client.force_login(cecilia)
    client.post(SECURITY, {"action": "start"})
    response = client.post(SECURITY, {"action": "confirm", "code": "abc"})
    assert response.status_code == 400
    assert "The code must be 6 numbers" in response.content.decode()


def test_with_a_second_factor_the_password_alone_does_not_sign_in(client, with_code):
    user, _ = with_code

    response = _password(client, user)

    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_KEY]["user"] == str(user.pk)
    # Their pages still need signing in.
    assert client.get(reverse("portal:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_shown_beside_the_field_and_the_right_one_signs_in(client, with_code):
    user, device = with_code
    _password(client, user)
    wrong = "000000" if _code(device) != "000000" else "111111"

    refused = client.post(CODE_STEP, {"code": wrong})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.second_factor_code_failed").exists()

    device = _fresh(device)
    response = client.post(CODE_STEP, {"code": _code(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert PENDING_KEY not in client.session
    assert AuditEvent.objects.filter(actor=user, action="user.logged_in",
                                      changes__method="password_and_code").exists()


def test_a_code_works_once(client, with_code):
    user, device = with_code
    code = _code(device)
    _password(client, user)
    client.post(CODE_STEP, {"code": code})
    client.logout()

    _password(client, user)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    again = client.post(CODE_STEP, {"code": code})

    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client, db):
    response = client.get(CODE_STEP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_the_wait_for_a_code_runs_out(client, with_code, settings):
    user, device = with_code
    settings.SECOND_FACTOR_PENDING_SECONDS = -1
    _password(client, user)

    response = client.post(CODE_STEP, {"code": _code(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, with_code, settings):
    user, device = with_code
    wrong = "000000" if _code(device) != "000000" else "111111"
    _password(client, user)
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fresh(device)
        statuses.append(client.post(CODE_STEP, {"code": wrong}).status_code)

    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    # Locked: even the right password is refused now.
    assert _password(client, user).status_code == 429
    assert "_auth_user_id" not in client.session


def test_turning_it_off_takes_a_code(client, with_code):
    user, device = with_code
    client.force_login(user)
    assert "Turn the code off" in client.get(SECURITY).content.decode()

    refused = client.post(SECURITY, {"action": "remove", "code": ""})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()

    response = client.post(SECURITY, {"action": "remove", "code": _code(device)})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(actor=user, action="user.second_factor_removed").exists()
    client.logout()
    assert _password(client, user)["Location"] == reverse("portal:home")


def test_the_security_page_needs_signing_in(client, db):
    response = client.get(SECURITY)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_without_a_code_a_portal_account_signs_in_to_its_own_pages(client, cecilia, settings):
    assert _password(client, cecilia)["Location"] == reverse("portal:home")
    client.logout()

    settings.PERSONAS_ENABLED = True
    cecilia.is_persona = True
    cecilia.save()
    response = client.post(reverse("accounts:personas"), {"username": cecilia.username})
    assert response["Location"] == reverse("portal:home")
