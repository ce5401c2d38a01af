"""Downloads of a person's plan for staff: the whole plan or the one-page summary, HTML or PDF
(standard, large print or easy read)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ourplan.core.errors import NotFound
from ourplan.exports.plans import FORMATS, export
from ourplan.people.selectors import person_get
from ourplan.plans.selectors import plan_for_export

# How each format's file is told apart from the standard PDF (plan-9990000018.pdf).
FILE_SUFFIXES = {"large-print": "-large-print", "easy-read": "-easy-read",
                 "one-page-large-print": "-one-page-large-print",
                 "one-page-easy-read": "-one-page-easy-read"}


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
        name = f"plan-{person.nhs_number}{FILE_SUFFIXES.get(fmt, '')}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
