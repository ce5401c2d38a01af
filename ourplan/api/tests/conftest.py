from __future__ import annotations

import json

import pytest
from django.test import Client

from ourplan.accounts.services import api_token_create


class ApiClient:
    """A test client that sends JSON with a bearer token."""

    def __init__(self, user):
        _, token = api_token_create(user=user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params)

    def _send(self, method, path, body, raw=None):
        data = raw if raw is not None else json.dumps(body)
        return getattr(self.client, method)(f"/api/v1{path}", data,
                                            content_type="application/json")

    def post(self, path, body=None, raw=None):
        return self._send("post", path, body, raw)

    def patch(self, path, body=None, raw=None):
        return self._send("patch", path, body, raw)

    def put(self, path, body=None, raw=None):
        return self._send("put", path, body, raw)

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}")


@pytest.fixture
def api_as():
    return ApiClient


@pytest.fixture
def api(planner):
    return ApiClient(planner)
