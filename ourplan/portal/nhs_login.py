"""NHS login: an OpenID Connect client (authlib) configured from settings.NHS_LOGIN.

An empty client id switches it off (and hides the button). Signing in finds the account linked to
the identity NHS login vouches for (issuer and subject); a person accepting an invitation to their
own plan may link NHS login instead of making a password, when NHS login's NHS number is the one
on the plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.portal.models import ExternalIdentity

CLIENT_NAME = "nhs_login"


def is_enabled() -> bool:
    config = getattr(settings, "NHS_LOGIN", {}) or {}
    return bool(config.get("client_id")) and bool(config.get("server_metadata_url"))


def client() -> Any:
    """A client for the provider as configured now. Made afresh each time, so a change to the
    settings (or a test's fake provider) takes effect; the provider's metadata is fetched from
    `server_metadata_url`."""
    config = dict(settings.NHS_LOGIN)
    oauth = OAuth()
    oauth.register(
        name=CLIENT_NAME,
        client_id=config["client_id"],
        client_secret=config.get("client_secret", ""),
        server_metadata_url=config["server_metadata_url"],
        client_kwargs={
            "scope": config.get("scope", "openid profile email phone"),
            "token_endpoint_auth_method": config.get("token_endpoint_auth_method",
                                                     "client_secret_post"),
            "timeout": config.get("timeout", 10),
        },
    )
    return oauth.create_client(CLIENT_NAME)


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to NHS login. authlib keeps a random state and nonce in the session and
    checks both when the browser comes back."""
    response: HttpResponse = client().authorize_redirect(request, redirect_uri)
    return response


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    nhs_number: str
    given_name: str
    family_name: str
    email: str


def claims_from_callback(request: HttpRequest) -> Claims:
    """Exchange the code for tokens and return what the verified id_token (and, for anything it
    leaves out, the userinfo endpoint) says. Raises authlib's errors on a wrong state, nonce,
    signature, issuer or audience."""
    app = client()
    token = app.authorize_access_token(request)
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        from authlib.integrations.base_client import OAuthError

        raise OAuthError(error="missing_id_token", description="No verified id_token")
    if not claims.get("nhs_number"):
        extra = dict(app.userinfo(token=token))
        if extra.get("sub") == claims["sub"]:
            claims = {**extra, **claims}
    return Claims(
        issuer=str(claims.get("iss", "")),
        subject=str(claims["sub"]),
        nhs_number="".join(ch for ch in str(claims.get("nhs_number", "")) if ch.isdigit()),
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
        email=str(claims.get("email", "")),
    )


def user_for(claims: Claims) -> User | None:
    """The active portal account linked to this identity, marked as just used; else None."""
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject, user__is_active=True).first()
    )
    if identity is None or not identity.user.is_portal_user:
        return None
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
    return identity.user
