"""NHS login: an OpenID Connect client (authlib) configured from settings.NHS_LOGIN.

An empty client id switches it off (and hides the button). Signing in finds the account linked to
the identity NHS login vouches for (issuer and subject); a person accepting an invitation to their
own plan may link NHS login instead of making a password, when NHS login's NHS number is the one
on the plan.

NHS login vouches for an NHS number only when it has verified the person's identity to a high
level: `identity_proofing_level` "P9" (P5 is medium, the NHS number not verified; P0 is none).
The authorisation request asks for that level with a vector of trust (`vtr`, from
NHS_LOGIN["vtr"]); what was achieved comes back in the `vot` claim. Linking an identity by its
NHS number, and signing in with a linked identity, both need P9.

At the token endpoint the client proves who it is with private_key_jwt (RFC 7523, as NHS login
requires): a short-lived JWT assertion signed RS512 with the client's own RSA private key, whose
public half is registered with NHS login. A deployment without a key may use the client secret
(client_secret_post). A configuration that cannot work raises ImproperlyConfigured on first use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from ourplan.accounts.models import User
from ourplan.portal.models import ExternalIdentity

CLIENT_NAME = "nhs_login"


def is_enabled() -> bool:
    config = getattr(settings, "NHS_LOGIN", {}) or {}
    return bool(config.get("client_id")) and bool(config.get("server_metadata_url"))


# How the client may authenticate at the token endpoint.
AUTH_METHODS = ("private_key_jwt", "client_secret_post", "client_secret_basic")
# NHS login signs nothing but RS512 client assertions, and wants them to expire within 5 minutes.
ASSERTION_ALG = "RS512"
ASSERTION_LIFETIME = 300
# The vectors of trust asked for: high identity proofing (P9) with any of NHS login's credential
# combinations, as a JSON list, the form NHS login wants in the `vtr` query parameter.
DEFAULT_VTR = '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'
# The identity proofing level at which NHS login has verified the person and their NHS number.
HIGH_PROOFING_LEVEL = "P9"


def auth_method(config: dict[str, Any]) -> str:
    """The token endpoint's authentication method: as configured, else private_key_jwt when a
    key is set and client_secret_post when not."""
    method = str(config.get("token_endpoint_auth_method") or (
        "private_key_jwt" if config.get("private_key") or config.get("private_key_file")
        else "client_secret_post"))
    if method not in AUTH_METHODS:
        raise ImproperlyConfigured(
            f"NHS login: token_endpoint_auth_method {method!r} is not one of "
            f"{', '.join(AUTH_METHODS)}")
    return method


def private_key(config: dict[str, Any]) -> RSAKey:
    """The client's RSA private key: PEM text in `private_key`, else read from the file named by
    `private_key_file`. Raises ImproperlyConfigured, without quoting the key, when there is none
    or it cannot be read or is not an RSA private key."""
    pem = str(config.get("private_key") or "")
    path = str(config.get("private_key_file") or "")
    source = "NHS_LOGIN['private_key']"
    if not pem.strip() and path:
        source = f"the file {path}"
        try:
            pem = Path(path).read_text()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or type(error).__name__
            raise ImproperlyConfigured(
                f"NHS login: cannot read the private key from {source}: {reason}") from None
    if not pem.strip():
        raise ImproperlyConfigured(
            "NHS login: the token endpoint auth method is private_key_jwt but no private key is "
            "set (NHS_LOGIN_PRIVATE_KEY or NHS_LOGIN_PRIVATE_KEY_FILE)")
    # A PEM put in an environment variable on one line, with its line breaks written as \n.
    pem = pem.strip().replace("\\n", "\n") + "\n"
    try:
        key = RSAKey.import_key(pem)
    except (ValueError, TypeError, JoseError):
        raise ImproperlyConfigured(
            f"NHS login: the private key in {source} is not an RSA key in PEM form") from None
    if not key.is_private:
        raise ImproperlyConfigured(
            f"NHS login: {source} holds a public key; private_key_jwt needs the private key")
    return key


class ClientAssertion(PrivateKeyJWT):
    """private_key_jwt for the token request: a fresh assertion each time, with iss = sub = the
    client id, aud = the token endpoint, a random jti, exp at most 5 minutes ahead, signed RS512
    with the client's key (its `kid` in the header when configured)."""

    alg = ASSERTION_ALG

    def __init__(self, key: RSAKey, key_id: str = "") -> None:
        super().__init__(alg=ASSERTION_ALG)
        self.key = key
        self.key_id = key_id

    def sign(self, auth: Any, token_endpoint: str) -> str:
        header = {"kid": self.key_id} if self.key_id else {}
        assertion: str = private_key_jwt_sign(
            self.key, client_id=auth.client_id, token_endpoint=token_endpoint,
            alg=ASSERTION_ALG, claims={"jti": secrets.token_urlsafe(32)}, header=header,
            expires_in=ASSERTION_LIFETIME)
        return assertion


def client() -> Any:
    """A client for the provider as configured now. Made afresh each time, so a change to the
    settings (or a test's fake provider) takes effect; the provider's metadata is fetched from
    `server_metadata_url`. Raises ImproperlyConfigured when the configuration cannot work."""
    config = dict(settings.NHS_LOGIN)
    method = auth_method(config)
    client_secret = str(config.get("client_secret") or "")
    extra: dict[str, Any] = {}
    if method == "private_key_jwt":
        extra["client_auth_methods"] = [
            ClientAssertion(private_key(config), str(config.get("key_id") or ""))]
        client_secret = ""  # never sent alongside the assertion
    elif not client_secret:
        raise ImproperlyConfigured(
            f"NHS login: the token endpoint auth method is {method} but no client secret is set "
            "(NHS_LOGIN_CLIENT_SECRET), and no private key for private_key_jwt")
    oauth = OAuth()
    oauth.register(
        name=CLIENT_NAME,
        client_id=config["client_id"],
        client_secret=client_secret,
        server_metadata_url=config["server_metadata_url"],
        client_kwargs={
            "scope": config.get("scope", "openid profile email phone"),
            "token_endpoint_auth_method": method,
            "timeout": config.get("timeout", 10),
        },
        **extra,
    )
    return oauth.create_client(CLIENT_NAME)


def vtr(config: dict[str, Any]) -> str:
    """The vector of trust to ask for: NHS_LOGIN["vtr"] when set, else DEFAULT_VTR; blank sends
    none (NHS login then applies the level registered for the client)."""
    value = config.get("vtr", DEFAULT_VTR)
    return str(DEFAULT_VTR if value is None else value).strip()


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to NHS login, asking for the configured vector of trust. authlib keeps a
    random state and nonce in the session and checks both when the browser comes back."""
    extra: dict[str, str] = {}
    wanted = vtr(dict(settings.NHS_LOGIN))
    if wanted:
        extra["vtr"] = wanted
    response: HttpResponse = client().authorize_redirect(request, redirect_uri, **extra)
    return response


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    nhs_number: str
    given_name: str
    family_name: str
    email: str
    # How well NHS login has verified who the person is ("P9", "P5", "P0"; "" when not said), and
    # the vector of trust achieved.
    identity_proofing_level: str = ""
    vot: str = ""

    @property
    def fully_proven(self) -> bool:
        """NHS login has verified this person's identity, and so their NHS number, to P9."""
        return self.identity_proofing_level == HIGH_PROOFING_LEVEL


def claims_from_callback(request: HttpRequest) -> Claims:
    """Exchange the code for tokens and return what the verified id_token (and, for anything it
    leaves out, the userinfo endpoint) says: the identity proofing level too, where the id_token
    has the last word. Raises authlib's errors on a wrong state, nonce,
    signature, issuer or audience."""
    app = client()
    token = app.authorize_access_token(request)
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        from authlib.integrations.base_client import OAuthError

        raise OAuthError(error="missing_id_token", description="No verified id_token")
    if not claims.get("nhs_number") or not claims.get("identity_proofing_level"):
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
        identity_proofing_level=str(claims.get("identity_proofing_level") or "").strip(),
        vot=str(claims.get("vot") or "").strip(),
    )


def linked_identity(claims: Claims) -> ExternalIdentity | None:
    """The identity record linking this (issuer, subject) to an active portal account; else
    None. Marks nothing."""
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=claims.issuer, subject=claims.subject, user__is_active=True).first()
    )
    if identity is None or not identity.user.is_portal_user:
        return None
    return identity


def user_for(claims: Claims) -> User | None:
    """The active portal account linked to this identity, marked as just used; else None."""
    identity = linked_identity(claims)
    if identity is None:
        return None
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
    return identity.user
