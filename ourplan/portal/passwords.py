"""Passwords: asking for a link to set a new one when it is forgotten (any account, staff too),
setting it from that link, and changing it while signed in.

A link is Django's password reset token: it names the account and is signed with the account's
current password, so it stops working the moment the password changes (it works once) and after
PASSWORD_RESET_TIMEOUT seconds. Changing the password also ends the account's other sessions,
because each session carries a hash of the password it was signed in with.

Asking for a link never says whether an account uses the address, and at most
RESET_EMAILS_PER_HOUR links go to one address in an hour."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record
from ourplan.core.errors import DomainError
from ourplan.core.models import AuditEvent
from ourplan.notifications.services import message_send

RESET_EMAILS_PER_HOUR = 3

CURRENT_PASSWORD_WRONG = "Your current password is not right. Enter the password you sign in with"
RESET_SUBJECT = "Set a new password for Ourplan"


class Actions:
    RESET_REQUESTED = "user.password_reset_requested"
    RESET = "user.password_reset"
    CHANGED = "user.password_changed"


class ResetLinkUnusable(DomainError):
    """The link is not one we sent, has been used, or has expired: the three look the same."""

    message = ("This link to set a new password does not work. It may have been used already, "
               "or be more than {valid_for} old. Ask for a new link")

    def __init__(self) -> None:
        super().__init__(self.message.format(valid_for=reset_link_valid_for()))


def reset_link_valid_for() -> str:
    """How long a link works, in words: "1 hour", "2 hours", "30 minutes"."""
    minutes = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def reset_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(str(user.pk)))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL.rstrip('/')}/sign-in/new-password/{uidb64}/{token}/"


def _email_body(user: User) -> str:
    return (
        f"Someone asked to set a new password for the Ourplan account {user.username}.\n\n"
        f"To choose a new password, open this link:\n{reset_link(user)}\n\n"
        f"The link works once, for {reset_link_valid_for()}. If it has stopped working, ask "
        f"for a new one on the sign-in page.\n\n"
        f"If you use a code from an authenticator app, you will still need it to sign in.\n\n"
        f"If you did not ask for this, you can ignore this email: your password stays as it is."
    )


def _sent_in_the_last_hour(accounts: list[User]) -> int:
    return AuditEvent.objects.filter(
        action=Actions.RESET_REQUESTED, object_id__in=[str(u.pk) for u in accounts],
        changes__sent=True, occurred_at__gte=timezone.now() - dt.timedelta(hours=1),
    ).count()


@transaction.atomic
def password_reset_request(*, email: str) -> list[User]:
    """Email a link to set a new password to each active account that uses `email` and signs in
    with a password. Returns the accounts emailed, for tests and logs only: a page must say the
    same whatever this returns. Past RESET_EMAILS_PER_HOUR emails to the address in an hour,
    nothing more is sent (and the refusal is audited)."""
    address = (email or "").strip()
    if not address:
        return []
    # Locked, so two requests at once cannot both pass the hourly limit.
    accounts = [
        user for user in User.objects.select_for_update().filter(
            email__iexact=address, is_active=True).order_by("pk")
        # Accounts without a password (NHS login only) have nothing to reset.
        if user.has_usable_password()
    ]
    if not accounts:
        return []
    if _sent_in_the_last_hour(accounts) >= RESET_EMAILS_PER_HOUR:
        for user in accounts:
            audit_record(actor=None, action=Actions.RESET_REQUESTED, obj=user,
                         changes={"sent": False, "why": "too many in an hour"})
        return []
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
    for user in accounts:
        audit_record(actor=None, action=Actions.RESET_REQUESTED, obj=user,
                     changes={"sent": True})
        message_send(key=f"password-reset:{user.pk}:{stamp}", to=[user.email],
                     subject=RESET_SUBJECT, body=_email_body(user))
    return accounts


def _user_for_link(uidb64: str, token: str, *, lock: bool = False) -> User:
    try:
        pk = urlsafe_base64_decode(uidb64 or "").decode()
        users = User.objects.select_for_update() if lock else User.objects
        user = users.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        user = None
    if user is None or not default_token_generator.check_token(user, token or ""):
        raise ResetLinkUnusable()
    return user


def password_reset_user(*, uidb64: str, token: str) -> User:
    """The account a link from the email sets a new password for; ResetLinkUnusable when the
    link is not ours, has been used or has expired."""
    return _user_for_link(uidb64, token)


def _set(user: User, password: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def password_reset_set(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password from a link. The link then stops working, and every session the account
    had ends. A second factor stays on: signing in still takes the code."""
    user = _user_for_link(uidb64, token, lock=True)
    _set(user, password)
    audit_record(actor=user, action=Actions.RESET, obj=user, changes={"by": "email link"})
    return user


@transaction.atomic
def password_change(*, user: User, current_password: str, new_password: str) -> User:
    """Change the signed-in account's password, which takes the current one. The caller keeps
    its own session (update_session_auth_hash); the account's other sessions end."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current_password or ""):
        raise ValidationError({"current_password": CURRENT_PASSWORD_WRONG})
    _set(user, new_password)
    audit_record(actor=user, action=Actions.CHANGED, obj=user)
    return user
