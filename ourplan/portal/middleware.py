"""The boundary between the portal and the staff pages, and no caching of anyone's record."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from ourplan.core.audit import Action, audit_record

# Where someone signed in with a portal account may go. Everything else is a staff page: a
# person, representative or family member gets "page not found" there, whatever the record.
PORTAL_PATHS = (
    "/my/", "/sign-in/", "/sign-out/", "/invitations/", "/api/v1/", "/static/",
    "/accessibility", "/privacy", "/healthz",
)


SEEN = "portal_seen_at"
# The idle clock is moved on at most once a minute, so most pages do not rewrite the session.
SEEN_EVERY_SECONDS = 60


# Asking how long a session has left is not using it: the page's sign-out warning asks
# (ourplan.portal.views_accounts.session), and its answer must not move the clock.
SESSION_STATUS_PATH = "/my/account/session/"


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


def seconds_left(request: HttpRequest) -> int:
    """How long until a portal session ends for want of use; 0 once it has (or for anyone
    not signed in to the portal)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_portal_user", False):
        return 0
    seen = int(request.session.get(SEEN, 0))
    return max(0, seen + settings.PORTAL_IDLE_SECONDS - int(time.time()))


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
        if (user is not None and user.is_authenticated and getattr(user, "is_portal_user", False)
                and not (request.method == "GET" and request.path == SESSION_STATUS_PATH)):
            keep_alive(request)
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            # A page or file with someone's record on it is never kept by a browser or proxy,
            # so withdrawing consent (or signing out) leaves no copy to come back to.
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response
