"""API tokens: shown once, stored as a digest, revocable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from ourplan.accounts.models import ApiToken, hash_token
from ourplan.accounts.services import api_token_create, api_token_revoke, api_token_user

pytestmark = pytest.mark.django_db


def test_only_the_digest_is_stored(planner):
    token, raw = api_token_create(user=planner, name="integration")

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("op_")
    assert stored.digest == hash_token(raw)
    assert raw not in (stored.digest, stored.prefix)
    assert api_token_user(raw) == planner


@pytest.mark.parametrize("raw", ["", "op_unknown", "not-our-prefix", "op_" + "a" * 300])
def test_unknown_tokens_find_nobody(db, raw):
    assert api_token_user(raw) is None


def test_revoked_tokens_and_inactive_users_find_nobody(planner):
    token, raw = api_token_create(user=planner)
    api_token_revoke(token=token)
    assert api_token_user(raw) is None

    _, other = api_token_create(user=planner)
    planner.is_active = False
    planner.save()
    assert api_token_user(other) is None


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody")
