"""A request id for every request, carried into each audit row written while serving it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_channel: ContextVar[str] = ContextVar("channel", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def current_channel() -> str:
    return _channel.get() or "command"


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-ID` from a trusted proxy, or makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        token = _request_id.set(request_id)
        channel_token = _channel.set(channel)
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _channel.reset(channel_token)
        response["X-Request-ID"] = request_id
        return response
