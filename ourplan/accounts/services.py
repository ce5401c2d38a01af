"""Changes to accounts: API tokens and the audit of signing in and out."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import ApiToken, User, hash_token
from ourplan.core.audit import Action, audit_record

TOKEN_PREFIX = "op_"


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a bearer token for `user`. Returns the record and the token itself, which is shown
    once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], digest=hash_token(raw), prefix=raw[:8]
    )
    audit_record(actor=user, action=Action.API_TOKEN_CREATED, obj=token,
                 changes={"name": token.name, "prefix": token.prefix})
    return token, raw


def api_token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    token.touch()
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    return token


def user_logged_in(*, user: User, method: str) -> None:
    audit_record(actor=user, action=Action.LOGGED_IN, obj=user, changes={"method": method})


def user_logged_out(*, user: User) -> None:
    audit_record(actor=user, action=Action.LOGGED_OUT, obj=user)
