"""The boundary between the portal and the staff pages, and no caching of anyone's record."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from ourplan.core.audit import Action, audit_record

# Where someone signed in with a portal account may go. Everything else is a staff page: a
# person, representative or family member gets "page not found" there, whatever the record.
PORTAL_PATHS = (
    "/my/", "/sign-in/", "/sign-out/", "/session/", "/invitations/", "/api/v1/", "/static/",
    "/accessibility", "/privacy", "/healthz",
)


SEEN = "portal_seen_at"
# The idle clock is moved on at most once a minute, so most pages do not rewrite the session.
SEEN_EVERY_SECONDS = 60


# Asking how long a session has left is not using it: the page's sign-out warning asks
# (ourplan.portal.views_accounts.session), and its answer must not move the clock.
SESSION_STATUS_PATH = "/session/"


def keep_alive(request: HttpRequest, *, now_anyway: bool = False) -> None:
    """People often use a shared or family computer: a portal session ends after a while
    without use (`PORTAL_IDLE_SECONDS`), not at the end of a working day as staff sessions do.
    `now_anyway` restarts the clock at once ("Stay signed in")."""
    session = request.session
    now = int(time.time())
    if (now_anyway or session.get_expiry_age() != settings.PORTAL_IDLE_SECONDS
            or now - int(session.get(SEEN, 0)) >= SEEN_EVERY_SECONDS):
        session[SEEN] = now
        session.set_expiry(settings.PORTAL_IDLE_SECONDS)


# A staff session lasts the working day (SESSION_COOKIE_AGE) from signing in or from the
# last "Stay signed in", however much it is used.
STAFF_STARTED = "staff_session_started_at"


def working_day_restart(request: HttpRequest) -> None:
    request.session[STAFF_STARTED] = int(time.time())
    request.session.set_expiry(settings.SESSION_COOKIE_AGE)


def seconds_left(request: HttpRequest) -> int:
    """How long until the session ends: a portal session for want of use, a staff session at
    the end of its working day; 0 once it has, or for anyone not signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    now = int(time.time())
    if getattr(user, "is_portal_user", False):
        return max(0, int(request.session.get(SEEN, 0)) + settings.PORTAL_IDLE_SECONDS - now)
    started = int(request.session.get(STAFF_STARTED, now))
    return max(0, started + settings.SESSION_COOKIE_AGE - now)


def session_clock_start(sender: object, request: HttpRequest | None, user: object,
                        **kwargs: object) -> None:
    """On signing in: the portal's idle clock, or the staff working day, starts now."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "is_portal_user", False):
        request.session[SEEN] = int(time.time())
        request.session.set_expiry(settings.PORTAL_IDLE_SECONDS)
    else:
        working_day_restart(request)


def _working_day_over(request: HttpRequest) -> bool:
    """True once a staff session's working day is over (a session from before the clock was
    kept starts it now)."""
    if STAFF_STARTED not in request.session:
        working_day_restart(request)
        return False
    return seconds_left(request) <= 0


class PortalBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "is_portal_user", False)
                and request.path != "/" and not request.path.startswith(PORTAL_PATHS)):
            audit_record(actor=user, action=Action.PORTAL_OUTSIDE_BOUNDARY,
                         object_type="path", changes={"path": request.path[:500]})
            raise Http404
        if user is not None and user.is_authenticated and getattr(user, "is_portal_user", False):
            if not (request.method == "GET" and request.path == SESSION_STATUS_PATH):
                keep_alive(request)
        elif user is not None and user.is_authenticated and _working_day_over(request):
            # Django would keep a session that was written to later; the working day is ours.
            logout(request)
            # The API and the status question answer as to someone signed out (401, 0 left).
            if request.path != SESSION_STATUS_PATH and not request.path.startswith("/api/"):
                return redirect(f"{reverse(settings.LOGIN_URL)}?signed_out=day&"
                                f"{urlencode({'next': request.get_full_path()})}")
            user = None
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            # A page or file with someone's record on it is never kept by a browser or proxy,
            # so withdrawing consent (or signing out) leaves no copy to come back to.
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response
