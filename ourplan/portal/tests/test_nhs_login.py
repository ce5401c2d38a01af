"""NHS login (OpenID Connect) through the real views, against a fake provider on a real port:
signing in with a linked identity, accepting an invitation with it, and everything the client
must refuse (wrong state, wrong nonce, a signature from an unknown key, a different NHS number,
an identity with no plan)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from joserfc.jwk import RSAKey

from ourplan.core.models import AuditEvent
from ourplan.portal.invitations import invitation_send
from ourplan.portal.models import Capacity, ExternalIdentity, Invitation, PortalAccess
from ourplan.portal.tests.fake_oidc import FakeProvider
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


def test_nhs_login_is_offered_only_for_the_persons_own_invitation(client, provider, planner,
                                                                  person):
    from ourplan.testing.portal import contact_of

    contact = contact_of(person, email="son@example.com")
    _, raw = invitation_send(actor=planner, person=person, capacity=Capacity.CIRCLE,
                             contact=contact)
    page = client.get(reverse("portal_accounts:accept", kwargs={"token": raw}))
    assert "Use NHS login instead of a password" not in page.content.decode()


def test_an_unusable_invitation_is_refused_before_going_to_nhs_login(client, provider, db):
    response = client.post(START, {"invitation": "no-such-link"})
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
