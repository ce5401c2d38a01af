"""The optional second factor: a 6-digit code from an authenticator app (TOTP, django-otp).

Someone turns it on by scanning (or typing) a secret and proving it with a code; from then on a
correct password is not enough to sign in: until they give a code they are not signed in, and
only their pending account id waits in the session, for a few minutes."""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record

CODE_WRONG = ("That code is not right. Enter the 6-digit code your authenticator app shows "
              "now; codes change every 30 seconds")
CODE_TOO_MANY = "Too many wrong codes. Wait a minute, then try again"
NOT_SET_UP = "Set up your authenticator app first"
DEVICE_NAME = "Authenticator app"
PENDING_KEY = "second_factor_pending"


class Actions:
    ADDED = "user.second_factor_added"
    REMOVED = "user.second_factor_removed"
    CODE_FAILED = "user.second_factor_code_failed"


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: Any) -> bool:
    return confirmed_device(user) is not None


@transaction.atomic
def totp_setup_start(*, user: User) -> TOTPDevice:
    """A new secret, not yet in use: it works only once confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _verify(device: TOTPDevice, code: str) -> bool:
    # Not inside a transaction that a wrong code rolls back: django-otp counts failures on the
    # device to slow down guessing, and a code once used is not accepted again.
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": CODE_TOO_MANY})
    return bool(device.verify_token(code))


def totp_setup_confirm(*, user: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Turn the second factor on, once the app shows a matching code."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"code": NOT_SET_UP})
    if not _verify(device, code):
        raise ValidationError({"code": CODE_WRONG})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action=Actions.ADDED, obj=user)
    return device


def totp_remove(*, user: User, code: str) -> User:
    """Turn the second factor off: it takes a current code, so a borrowed session cannot."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({"code": NOT_SET_UP})
    if not _verify(device, code):
        raise ValidationError({"code": CODE_WRONG})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action=Actions.REMOVED, obj=user)
    return user


def code_check(*, user: User, code: str) -> TOTPDevice:
    """The device a sign-in code matches; a wrong code is audited and refused beside the field."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({"code": NOT_SET_UP})
    if not _verify(device, code):
        audit_record(actor=None, action=Actions.CODE_FAILED, obj=user,
                     changes={"username": user.username})
        raise ValidationError({"code": CODE_WRONG})
    return device


def secret_in_groups(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base 32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth link as a QR code, inline SVG (no request leaves the page)."""
    return str(segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code to scan with your authenticator app", omitsize=False))


# Sign-in in two steps: the password, then the code.

def pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": str(user.pk),
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "until": time.time() + int(getattr(settings, "SECOND_FACTOR_PENDING_SECONDS", 300)),
    }


def pending_user(request: HttpRequest) -> tuple[User, str, str] | None:
    """The account waiting for its code, its authentication backend and where to go next;
    None when nothing waits or it waited too long."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if float(data.get("until", 0)) < time.time():
        pending_clear(request)
        return None
    try:
        user = User.objects.filter(pk=str(data.get("user", "")), is_active=True).first()
    except ValidationError:
        user = None
    if user is None:
        pending_clear(request)
        return None
    return user, str(data.get("backend", "")), str(data.get("next", ""))


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
