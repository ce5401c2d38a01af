"""Signing in and out, the demo personas page, and the locked-out page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ourplan.accounts.forms import SignInForm
from ourplan.accounts.models import User
from ourplan.accounts.services import user_logged_in, user_logged_out
from ourplan.portal import nhs_login, second_factor


def _next_url(request: HttpRequest, user: Any = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    # Someone using the portal starts on their own pages; staff pages would be "not found".
    if getattr(user or request.user, "is_portal_user", False):
        return reverse("portal:home")
    return str(settings.LOGIN_REDIRECT_URL)


def _hours(seconds: int) -> str:
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


# Why someone was signed out, when the page's warning brought them here.
SIGNED_OUT = {
    "idle": lambda: ("We signed you out because you had not used Ourplan for "
                     f"{max(1, settings.PORTAL_IDLE_SECONDS // 60)} minutes. This keeps your "
                     "information safe if someone else uses this device. Sign in again to "
                     "carry on."),
    "day": lambda: ("We signed you out because you had been signed in for "
                    f"{_hours(settings.SESSION_COOKIE_AGE)}. Sign in again to carry on."),
}


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if second_factor.has_second_factor(user):
            # Not signed in yet: the code step (portal_accounts:sign_in_code) finishes it.
            second_factor.pending_start(request, user=user, next_url=_next_url(request, user))
            return redirect("portal_accounts:sign_in_code")
        login(request, user)
        user_logged_in(user=user, method="password")
        return redirect(_next_url(request, user))
    return render(request, "accounts/sign_in.jinja",
                  {"form": form, "next": _next_url(request),
                   "nhs_login": nhs_login.is_enabled(),
                   # The page's own warning sends people here when the session has ended.
                   "signed_out": SIGNED_OUT.get(str(request.GET.get("signed_out", ""))),
                   }, status=200)


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.user.is_authenticated:
            user_logged_out(user=request.user)
        logout(request)
        return redirect("accounts:login")
    return render(request, "accounts/sign_out.jinja")


@never_cache
@require_http_methods(["GET", "POST"])
def personas(request: HttpRequest) -> HttpResponse:
    """Demo log-in: pick a seeded persona. Exists only when PERSONAS_ENABLED=1."""
    if not settings.PERSONAS_ENABLED:
        raise Http404
    people = User.objects.filter(is_persona=True, is_active=True).select_related("organisation")
    if request.method == "POST":
        user = people.filter(username=request.POST.get("username", "")).first()
        if user is None:
            return render(request, "accounts/personas.jinja",
                          {"personas": people, "error": "Select a persona from the list"},
                          status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        user_logged_in(user=user, method="persona")
        return redirect(_next_url(request, user))
    return render(request, "accounts/personas.jinja", {"personas": people})


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this once an account has had too many failed sign-ins."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.jinja", {"minutes": minutes}, status=429)
