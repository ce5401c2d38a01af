"""The outbox page: every email the service has sent, for administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ourplan.accounts.models import User
from ourplan.core.errors import NotAllowed
from ourplan.notifications import selectors


@login_required
@require_http_methods(["GET"])
def outbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        page = selectors.outbox_page(user=user, page_number=request.GET.get("page", 1))
    except NotAllowed as error:
        raise PermissionDenied from error
    return render(request, "notifications/outbox.jinja", {"page": page, "active_nav": "outbox"})
