"""A small OpenID Connect provider for tests: a real HTTP server in a thread, standing in for
NHS login. It serves discovery, its signing keys (JWKS), /authorize (answering at once with a
code, as if the person had signed in), /token (an RS256 id_token signed with a key made here)
and /userinfo. Tests choose the claims of the next sign-in, and can make it misbehave (a wrong
nonce, a key nobody published).

Like NHS login, it says how well it verified the person: `identity_proofing_level` ("P9" unless a
test sets another, or None for no claim) and the vector of trust achieved (`vot`), in the
id_token and userinfo (or userinfo alone, with `proofing_in_id_token` False). It records the
vector of trust each /authorize asked for (`vtr_requests`).

By default /token wants the client secret (client_secret_post). Given the client's public key
(`client_public_key`) it wants private_key_jwt instead, as NHS login does: a client assertion
signed RS512 with the client's private key, iss and sub the client id, aud the token endpoint,
not expired nor living longer than 5 minutes, and a jti never seen before; anything else is
401 invalid_client."""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

CLIENT_ID = "ourplan-test-client"
CLIENT_SECRET = "test-client-secret"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# The longest a client assertion may live, and the clock skew allowed, in seconds.
ASSERTION_MAX_LIFETIME = 300
LEEWAY = 30


class ClientRefused(Exception):
    """The client did not prove who it is at /token."""


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    claims: dict[str, Any]


@dataclass
class FakeProvider:
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "fake-signing-key", "use": "sig", "alg": "RS256"}))
    # Claims of whoever signs in next (sub, nhs_number, names, email).
    claims: dict[str, Any] = field(default_factory=dict)
    # Misbehaviour, for tests of what the client must refuse.
    nonce_override: str | None = None
    sign_with: RSAKey | None = None
    # How well the person signing in next has proved who they are; None leaves the claim out.
    identity_proofing_level: str | None = "P9"
    vot: str | None = "P9.Cp.Cd"
    proofing_in_id_token: bool = True
    # The `vtr` query parameter of each /authorize (None where it was missing).
    vtr_requests: list[str | None] = field(default_factory=list)
    # The client's registered public key: when set, /token requires private_key_jwt.
    client_public_key: RSAKey | None = None
    assertion_algorithms: tuple[str, ...] = ("RS512",)
    seen_jtis: set[str] = field(default_factory=set)
    client_refusals: list[str] = field(default_factory=list)
    grants: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """A value for settings.NHS_LOGIN pointing at this provider."""
        return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "server_metadata_url": self.metadata_url,
                "scope": "openid profile email phone",
                "token_endpoint_auth_method": "client_secret_post", **overrides}

    def start(self) -> FakeProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                provider._get(self)

            def do_POST(self) -> None:
                provider._post(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- the endpoints

    def _metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": self.token_endpoint,
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": list(self.assertion_algorithms),
            "scopes_supported": ["openid", "profile", "email", "phone"],
        }

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            _json(handler, 200, self._metadata())
        elif url.path == "/jwks":
            _json(handler, 200, {"keys": [self.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            self._authorize(handler, query)
        elif url.path == "/userinfo":
            token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = self.access_tokens.get(token)
            if claims is None:
                _json(handler, 401, {"error": "invalid_token"})
            else:
                _json(handler, 200, claims)
        else:
            _json(handler, 404, {"error": "not_found"})

    def _authorize(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if query.get("response_type") != "code" or query.get("client_id") != CLIENT_ID:
            _json(handler, 400, {"error": "invalid_request"})
            return
        self.vtr_requests.append(query.get("vtr"))
        proofing = {name: value for name, value in (
            ("identity_proofing_level", self.identity_proofing_level), ("vot", self.vot))
            if value is not None}
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(client_id=query["client_id"],
                                  redirect_uri=query.get("redirect_uri", ""),
                                  nonce=query.get("nonce", ""),
                                  claims={**proofing, **self.claims})
        back = {"code": code, "state": query.get("state", "")}
        handler.send_response(302)
        handler.send_header("Location", f"{query.get('redirect_uri', '')}?{urlencode(back)}")
        handler.end_headers()

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        if urlparse(handler.path).path != "/token":
            _json(handler, 404, {"error": "not_found"})
            return
        length = int(handler.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        self.token_requests.append(form)
        try:
            self._authenticate_client(form)
        except ClientRefused as refused:
            self.client_refusals.append(str(refused))
            _json(handler, 401, {"error": "invalid_client", "error_description": str(refused)})
            return
        grant = self.grants.pop(form.get("code", ""), None)
        if (grant is None or grant.client_id != CLIENT_ID
                or form.get("redirect_uri") != grant.redirect_uri
                or form.get("grant_type") != "authorization_code"):
            _json(handler, 400, {"error": "invalid_grant"})
            return
        now = int(time.time())
        in_id_token = {name: value for name, value in grant.claims.items()
                       if self.proofing_in_id_token
                       or name not in ("identity_proofing_level", "vot")}
        claims = {"iss": self.issuer, "aud": grant.client_id, "iat": now, "exp": now + 300,
                  "auth_time": now,
                  "nonce": self.nonce_override if self.nonce_override is not None
                  else grant.nonce, **in_id_token}
        key = self.sign_with or self.key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = dict(grant.claims)
        _json(handler, 200, {"access_token": access_token, "token_type": "Bearer",
                             "expires_in": 300, "id_token": id_token, "scope": "openid"})


    def _authenticate_client(self, form: dict[str, str]) -> None:
        if form.get("client_id", CLIENT_ID) != CLIENT_ID:
            raise ClientRefused("unknown client_id")
        if self.client_public_key is None:
            if form.get("client_secret") != CLIENT_SECRET:
                raise ClientRefused("wrong client_secret")
            return
        if "client_secret" in form:
            raise ClientRefused("client_secret sent; this client must use private_key_jwt")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise ClientRefused("client_assertion_type is not jwt-bearer")
        try:
            token = jwt.decode(form.get("client_assertion", ""), self.client_public_key,
                               algorithms=list(self.assertion_algorithms))
        except (JoseError, ValueError) as error:
            raise ClientRefused(f"client_assertion does not verify: {error}") from None
        claims = token.claims
        now = int(time.time())
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        exp = claims.get("exp")
        jti = claims.get("jti")
        if claims.get("iss") != CLIENT_ID or claims.get("sub") != CLIENT_ID:
            raise ClientRefused("iss and sub must be the client id")
        if self.token_endpoint not in audiences:
            raise ClientRefused("aud is not the token endpoint")
        if not isinstance(exp, int) or exp < now - LEEWAY:
            raise ClientRefused("client_assertion has expired (or has no exp)")
        if exp > now + ASSERTION_MAX_LIFETIME + LEEWAY:
            raise ClientRefused("client_assertion lives longer than 5 minutes")
        if not isinstance(jti, str) or not jti:
            raise ClientRefused("client_assertion has no jti")
        if jti in self.seen_jtis:
            raise ClientRefused("client_assertion jti was used before")
        self.seen_jtis.add(jti)


def _json(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
