"""NHS login (OpenID Connect) through the real views, against a fake provider on a real port:
signing in with a linked identity, accepting an invitation with it, and everything the client
must refuse (wrong state, wrong nonce, a signature from an unknown key, a different NHS number,
an identity with no plan, an identity NHS login has not verified to P9); and the client proving
itself at the token endpoint with private_key_jwt or the client secret, and configurations that
cannot work."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

from ourplan.core.models import AuditEvent
from ourplan.portal import nhs_login
from ourplan.portal.invitations import invitation_send
from ourplan.portal.models import Capacity, ExternalIdentity, Invitation, PortalAccess
from ourplan.portal.tests.fake_oidc import CLIENT_ID, FakeProvider
from ourplan.testing.portal import the_person

pytestmark = pytest.mark.django_db

START = reverse("portal_accounts:nhs_login")
CALLBACK = reverse("portal_accounts:nhs_login_callback")


@pytest.fixture
def provider(settings):
    fake = FakeProvider().start()
    settings.NHS_LOGIN = fake.settings()
    yield fake
    fake.stop()


def _to_provider(response) -> dict[str, str]:
    """Follow our redirect to the provider's /authorize with a plain HTTP request, as a browser
    would; return the query it sends back to our callback."""
    assert response.status_code == 302
    location = response["Location"]
    sent = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert sent["state"]
    assert sent["nonce"]
    back = requests.get(location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    target = urlparse(back.headers["Location"])
    assert target.path == CALLBACK
    return {k: v[0] for k, v in parse_qs(target.query).items()}


def _sign_in(client, **query_overrides):
    query = {**_to_provider(client.get(START)), **query_overrides}
    return client.get(CALLBACK, query)


def _claims(person=None, **overrides):
    claims = {"sub": "nhs-login-subject-1", "nhs_number": person.nhs_number if person else
              "9434765919", "given_name": "Cecilia", "family_name": "Hughes",
              "email": "cecilia@example.com"}
    return {**claims, **overrides}


def test_the_button_shows_only_when_nhs_login_is_configured(client, settings, db):
    settings.NHS_LOGIN = {"client_id": "", "client_secret": "", "server_metadata_url": ""}
    assert "Continue with NHS login" not in client.get("/sign-in/").content.decode()
    assert client.get(START).status_code == 404

    settings.NHS_LOGIN = {"client_id": "x", "client_secret": "y",
                          "server_metadata_url": "http://127.0.0.1:9/.well-known/x"}
    assert "Continue with NHS login" in client.get("/sign-in/").content.decode()


def test_a_linked_identity_signs_in(client, provider, person):
    user = the_person(person)
    ExternalIdentity.objects.create(user=user, issuer=provider.issuer,
                                    subject="nhs-login-subject-1", nhs_number=person.nhs_number)
    provider.claims = _claims(person)

    response = _sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert ExternalIdentity.objects.get(user=user).last_used_at is not None
    assert AuditEvent.objects.filter(actor=user, action="user.logged_in",
                                      changes__method="nhs_login").exists()
    # The client authenticated itself at the token endpoint.
    assert provider.token_requests[0]["client_secret"] == provider.settings()["client_secret"]


def test_a_wrong_state_is_refused(client, provider, person):
    user = the_person(person)
    ExternalIdentity.objects.create(user=user, issuer=provider.issuer,
                                    subject="nhs-login-subject-1")
    provider.claims = _claims(person)

    response = _sign_in(client, state="not-the-state-we-sent")

    assert response.status_code == 400
    assert "Signing in with NHS login did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.nhs_login_failed").exists()


def test_a_wrong_nonce_is_refused(client, provider, person):
    user = the_person(person)
    ExternalIdentity.objects.create(user=user, issuer=provider.issuer,
                                    subject="nhs-login-subject-1")
    provider.claims = _claims(person)
    provider.nonce_override = "a-nonce-from-another-sign-in"

    response = _sign_in(client)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_id_token_signed_by_an_unpublished_key_is_refused(client, provider, person):
    user = the_person(person)
    ExternalIdentity.objects.create(user=user, issuer=provider.issuer,
                                    subject="nhs-login-subject-1")
    provider.claims = _claims(person)
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "fake-signing-key"})

    response = _sign_in(client)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_unknown_identity_without_an_invitation_is_told_to_ask(client, provider, db):
    provider.claims = _claims(subject="someone-new")

    response = _sign_in(client)

    assert response.status_code == 404
    assert "We could not find your plan" in response.content.decode()
    assert "ask your coordinator for an invitation" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


def _accept_with_nhs_login(client, raw):
    page = client.get(reverse("portal_accounts:accept", kwargs={"token": raw}))
    assert "Use NHS login instead of a password" in page.content.decode()
    return client.post(START, {"invitation": raw})


def test_accepting_an_invitation_with_nhs_login(client, provider, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    provider.claims = _claims(person)

    query = _to_provider(_accept_with_nhs_login(client, raw))
    response = client.get(CALLBACK, query)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    access = PortalAccess.objects.get(person=person)
    identity = ExternalIdentity.objects.get(user=access.user)
    assert identity.issuer == provider.issuer
    assert identity.subject == "nhs-login-subject-1"
    assert identity.nhs_number == person.nhs_number
    assert not access.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(access.user.pk)
    assert Invitation.objects.get(person=person).state == "used"

    # Next time, NHS login alone signs them in.
    client.logout()
    assert _sign_in(client)["Location"] == reverse("portal:home")


def test_a_different_nhs_number_does_not_accept_the_invitation(client, provider, planner,
                                                               person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    other = "9434765870" if person.nhs_number != "9434765870" else "9434765919"
    provider.claims = _claims(person, nhs_number=other)

    query = _to_provider(_accept_with_nhs_login(client, raw))
    response = client.get(CALLBACK, query)

    assert response.status_code == 400
    assert "is not the one on the plan" in response.content.decode()
    assert not PortalAccess.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert Invitation.objects.get(person=person).state == "open"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.nhs_login_refused").exists()


# Identity proofing: NHS login vouches for the NHS number only at P9, so linking by NHS number
# and signing in with a linked identity both need it.

def test_the_authorisation_request_asks_for_high_identity_proofing(client, provider, settings,
                                                                   db):
    assert nhs_login.DEFAULT_VTR == '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'
    _to_provider(client.get(START))
    assert provider.vtr_requests == ['["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]']

    settings.NHS_LOGIN = provider.settings(vtr='["P9.Cm"]')
    _to_provider(client.get(START))
    assert provider.vtr_requests[-1] == '["P9.Cm"]'


def test_p9_from_userinfo_alone_accepts_the_invitation(client, provider, planner, person):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    provider.claims = _claims(person)
    provider.proofing_in_id_token = False

    response = client.get(CALLBACK, _to_provider(_accept_with_nhs_login(client, raw)))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert ExternalIdentity.objects.get(subject="nhs-login-subject-1").nhs_number == (
        person.nhs_number)


@pytest.mark.parametrize("level", ["P5", "P0", None], ids=["P5", "P0", "no-claim"])
def test_an_identity_not_proven_to_p9_does_not_accept_the_invitation(client, provider, planner,
                                                                    person, level):
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.SELF,
                             email="cecilia@example.com")
    provider.claims = _claims(person)  # the NHS number is the invited person's
    provider.identity_proofing_level = level
    provider.vot = f"{level}.Cp.Cd" if level else None

    response = client.get(CALLBACK, _to_provider(_accept_with_nhs_login(client, raw)))

    assert response.status_code == 403
    page = response.content.decode()
    assert "NHS login has not fully confirmed who you are yet" in page
    assert "NHS App" in page
    assert "making an account with a password" in page
    assert not PortalAccess.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert Invitation.objects.get(person=person).state == "open"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="user.nhs_login_refused")
    assert event.changes["why"] == "proofing_level"
    assert event.changes["identity_proofing_level"] == (level or "")
    assert event.changes["linked"] is False
    assert person.nhs_number not in str(event.changes)


def test_a_linked_identity_coming_back_at_p5_is_refused(client, provider, person):
    user = _linked(provider, person)
    provider.identity_proofing_level = "P5"
    provider.vot = "P5.Cp.Cd"

    response = _sign_in(client)

    assert response.status_code == 403
    page = response.content.decode()
    assert "NHS login has not fully confirmed who you are yet" in page
    assert "NHS App" in page
    assert "_auth_user_id" not in client.session
    assert ExternalIdentity.objects.get(user=user).last_used_at is None
    assert not AuditEvent.objects.filter(action="user.logged_in").exists()
    event = AuditEvent.objects.get(action="user.nhs_login_refused")
    assert event.changes == {"why": "proofing_level", "identity_proofing_level": "P5",
                             "vot": "P5.Cp.Cd", "linked": True}

    # Back at P9, the same identity signs in.
    provider.identity_proofing_level, provider.vot = "P9", "P9.Cp.Cd"
    assert _sign_in(client)["Location"] == reverse("portal:home")


def test_nhs_login_is_offered_only_for_the_persons_own_invitation(client, provider, planner,
                                                                  person):
    from ourplan.testing.portal import contact_of, grant

    contact = contact_of(person, email="son@example.com")
    grant(person, contact=contact)
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                             contact=contact)
    page = client.get(reverse("portal_accounts:accept", kwargs={"token": raw}))
    assert "Use NHS login instead of a password" not in page.content.decode()


def test_an_unusable_invitation_is_refused_before_going_to_nhs_login(client, provider, db):
    response = client.post(START, {"invitation": "no-such-link"})
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


# Client authentication at the token endpoint: private_key_jwt (as NHS login requires), the
# client secret where configured, and configurations that cannot work.

def _client_key(kid: str = "ourplan-test-key") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid})


def _pem(key: RSAKey) -> str:
    return key.as_pem(private=True).decode()


@pytest.fixture
def key_provider(settings):
    """The fake provider holding our registered public key, so it wants private_key_jwt; the
    settings carry the matching private key."""
    key = _client_key()
    fake = FakeProvider().start()
    fake.client_public_key = RSAKey.import_key(key.as_pem(private=False))
    settings.NHS_LOGIN = fake.settings(client_secret="", private_key=_pem(key),
                                       key_id="ourplan-test-key",
                                       token_endpoint_auth_method="private_key_jwt")
    yield fake
    fake.stop()


def _linked(provider, person):
    user = the_person(person)
    ExternalIdentity.objects.create(user=user, issuer=provider.issuer,
                                    subject="nhs-login-subject-1", nhs_number=person.nhs_number)
    provider.claims = _claims(person)
    return user


def test_signing_in_with_private_key_jwt(client, key_provider, person):
    user = _linked(key_provider, person)

    response = _sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert key_provider.client_refusals == []
    sent = key_provider.token_requests[0]
    assert "client_secret" not in sent
    assert sent["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    assertion = jwt.decode(sent["client_assertion"], key_provider.client_public_key,
                           algorithms=["RS512"])
    assert assertion.header["alg"] == "RS512"
    assert assertion.header["kid"] == "ourplan-test-key"
    claims = assertion.claims
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == key_provider.token_endpoint
    assert 0 < claims["exp"] - time.time() <= 300
    assert claims["jti"]

    # Each token request carries a new assertion.
    client.logout()
    assert _sign_in(client)["Location"] == reverse("portal:home")
    second = key_provider.token_requests[1]["client_assertion"]
    assert jwt.decode(second, key_provider.client_public_key,
                      algorithms=["RS512"]).claims["jti"] != claims["jti"]


def test_the_key_can_come_from_a_file(client, key_provider, person, settings, tmp_path):
    _linked(key_provider, person)
    path = tmp_path / "nhs-login.pem"
    path.write_text(settings.NHS_LOGIN["private_key"])
    settings.NHS_LOGIN = {**settings.NHS_LOGIN, "private_key": "",
                          "private_key_file": str(path)}
    del settings.NHS_LOGIN["token_endpoint_auth_method"]  # a key alone means private_key_jwt

    assert _sign_in(client)["Location"] == reverse("portal:home")
    assert "client_assertion" in key_provider.token_requests[0]


def test_a_wrong_private_key_is_refused(client, key_provider, person, settings):
    _linked(key_provider, person)
    settings.NHS_LOGIN = {**settings.NHS_LOGIN, "private_key": _pem(_client_key())}

    response = _sign_in(client)

    assert response.status_code == 400
    assert "Signing in with NHS login did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert key_provider.client_refusals
    assert "does not verify" in key_provider.client_refusals[0]
    assert AuditEvent.objects.filter(action="user.nhs_login_failed").exists()
    assert not AuditEvent.objects.filter(action="user.logged_in").exists()


def test_the_client_secret_is_refused_where_private_key_jwt_is_required(
        client, key_provider, person, settings):
    _linked(key_provider, person)
    settings.NHS_LOGIN = key_provider.settings()  # client_secret_post

    response = _sign_in(client)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "must use private_key_jwt" in key_provider.client_refusals[0]


def test_the_fake_provider_refuses_a_replayed_assertion(client, key_provider, person):
    _linked(key_provider, person)
    assert _sign_in(client).status_code == 302

    replay = requests.post(key_provider.token_endpoint, data=key_provider.token_requests[0],
                           timeout=5)

    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"
    assert "used before" in key_provider.client_refusals[-1]


def test_the_fake_provider_refuses_a_long_lived_or_misaddressed_assertion(key_provider):
    key = RSAKey.import_key(_pem(_client_key()))
    key_provider.client_public_key = RSAKey.import_key(key.as_pem(private=False))
    now = int(time.time())
    good = {"iss": CLIENT_ID, "sub": CLIENT_ID,
            "aud": key_provider.token_endpoint, "exp": now + 60}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"exp": now + 3600}, "longer than 5 minutes"),
        ({"exp": now - 600}, "expired"),
        ({"aud": "https://elsewhere.example/token"}, "aud"),
        ({"iss": "someone-else"}, "iss and sub")]
    for claims, why in cases:
        assertion = jwt.encode({"alg": "RS512"}, {**good, "jti": why, **claims}, key,
                               algorithms=["RS512"])
        answer = requests.post(key_provider.token_endpoint, timeout=5, data={
            "grant_type": "authorization_code", "code": "x",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion})
        assert answer.status_code == 401
        assert why in key_provider.client_refusals[-1]


def test_client_secret_post_still_works_when_configured(client, provider, person):
    _linked(provider, person)
    assert provider.client_public_key is None

    assert _sign_in(client)["Location"] == reverse("portal:home")
    sent = provider.token_requests[0]
    assert sent["client_secret"] == provider.settings()["client_secret"]
    assert "client_assertion" not in sent


@pytest.mark.parametrize("broken", [
    {"token_endpoint_auth_method": "private_key_jwt", "private_key": ""},
    {"private_key": "", "private_key_file": "/nonexistent/nhs-login.pem"},
    {"token_endpoint_auth_method": "private_key_jwt",
     "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"},
    {"token_endpoint_auth_method": "private_key_jwt", "private_key": "PUBLIC"},
    {"token_endpoint_auth_method": "client_secret_post", "client_secret": ""},
    {"token_endpoint_auth_method": "private_key_jwt_please"},
], ids=["no-key", "unreadable-file", "not-a-key", "public-key", "no-secret", "unknown-method"])
def test_a_configuration_that_cannot_work_shows_the_clear_page(client, provider, settings,
                                                               caplog, broken):
    if broken.get("private_key") == "PUBLIC":
        broken = {**broken, "private_key": _client_key().as_pem(private=False).decode()}
    settings.NHS_LOGIN = {**provider.settings(client_secret="", private_key=_pem(_client_key())),
                          **broken}

    with caplog.at_level(logging.ERROR, logger="ourplan.portal.views_accounts"):
        response = client.get(START)

    assert response.status_code == 503
    assert "Signing in with NHS login did not work" in response.content.decode()
    assert "a problem on our side, not something you did" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not provider.grants  # nobody was sent to NHS login
    assert "NHS login is not configured correctly" in caplog.text
    assert "PRIVATE KEY-----\nMII" not in caplog.text
    assert AuditEvent.objects.filter(action="user.nhs_login_failed",
                                     changes__why="misconfigured").exists()


def test_a_key_broken_after_the_redirect_shows_the_clear_page(client, key_provider, person,
                                                              settings, caplog):
    _linked(key_provider, person)
    query = _to_provider(client.get(START))
    settings.NHS_LOGIN = {**settings.NHS_LOGIN, "private_key": "",
                          "private_key_file": "/nonexistent/nhs-login.pem"}

    with caplog.at_level(logging.ERROR, logger="ourplan.portal.views_accounts"):
        response = client.get(CALLBACK, query)

    assert response.status_code == 503
    assert "_auth_user_id" not in client.session
    assert "cannot read the private key" in caplog.text
    assert key_provider.token_requests == []
