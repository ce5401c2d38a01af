"""Who is calling the API: a bearer token (from `create_api_token`) or the browser session.

The session needs its CSRF token for anything but reads, as the pages do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ourplan.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            # So that services and audit rows see the caller as request.user.
            request.user = user
        return user


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


API_AUTH = [BearerToken(), Session()]
