"""Downloads of a person's plan: the whole plan or the one-page summary, HTML or PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ourplan.core.errors import NotFound
from ourplan.exports.plans import FORMATS, export
from ourplan.people.selectors import person_get
from ourplan.plans.selectors import plan_for_export


@login_required
@require_GET
def plan_export(request: HttpRequest, person_id: Any, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    try:
        person = person_get(user=request.user, person_id=person_id,  # type: ignore[arg-type]
                            purpose="export")
    except NotFound as error:
        raise Http404 from error
    plan = plan_for_export(user=request.user, person=person, fmt=fmt)  # type: ignore[arg-type]
    if plan is None:
        raise Http404
    content, media_type, extension = export(plan, fmt, user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=media_type)
    if extension != "html":
        name = f"plan-{person.nhs_number}{'-large-print' if fmt == 'large-print' else ''}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
