"""The Jinja2 environment: our templates first, then NHS.UK frontend's components."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from ourplan.budgets.money import plain_number, pounds
from ourplan.core.forms import nhsuk_field
from ourplan.core.presenters import (
    format_audit_action,
    format_date,
    format_datetime,
    format_nhs_number,
)


def role_labels(roles: list[str]) -> str:
    from ourplan.accounts.models import Role

    return ", ".join(Role(r).label for r in roles if r in Role.values)


def session_seconds_left(request: Any) -> int:
    from ourplan.portal.middleware import seconds_left

    return seconds_left(request)


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader(
        [
            FileSystemLoader(str(settings.BASE_DIR / "ourplan" / "templates")),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    # nhsuk-frontend-jinja macros read optional nested parameters.
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": messages.get_messages,
            "personas_enabled": lambda: settings.PERSONAS_ENABLED,
            "session_seconds_left": session_seconds_left,
            "session_warning_seconds": lambda: settings.PORTAL_IDLE_WARNING_SECONDS,
            "session_idle_minutes": lambda: settings.PORTAL_IDLE_SECONDS // 60,
            "nhsuk_field": nhsuk_field,
        }
    )
    env.filters.update(
        {
            "nhs_number": format_nhs_number,
            "date": format_date,
            "datetime": format_datetime,
            "audit_action": format_audit_action,
            "money": pounds,
            "number": plain_number,
            "role_labels": role_labels,
        }
    )
    return env
