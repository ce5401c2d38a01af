"""The person's own pages: whose plans they can reach, and each plan in plain words."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ourplan.portal.models import PortalAccess


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_portal_user", False):
        raise Http404
    accesses = PortalAccess.objects.of_user(request.user)
    return render(request, "portal/home.jinja", {"accesses": accesses})
