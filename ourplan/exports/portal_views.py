"""The person's own downloads of their plan, under /my/<person>/download/: the whole plan and
the one-page summary as standard, large-print and easy-read PDFs.

Only portal accounts that may see the plan (`portal.view_plan`: the person, a representative,
family the plan is shared with) reach these pages; anyone else gets 404, audited. Staff
download from the person's plan page (ourplan.exports.views)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ourplan.accounts.models import User
from ourplan.core.audit import Action, audit_record
from ourplan.core.errors import NotFound
from ourplan.exports.downloads import (
    DOCUMENTS,
    DOWNLOAD_FORMATS,
    PREFERENCE_NAMES,
    downloads_of,
    filename_for,
    preferred_variant,
)
from ourplan.exports.plans import export
from ourplan.people.models import Person
from ourplan.people.selectors import person_get
from ourplan.plans.selectors import plan_for_export, plan_for_person
from ourplan.portal.models import Capacity, PortalAccess


def _person(user: User, person_id: Any, *, purpose: str) -> Person:
    """The person whose plan `user` may download, or 404 (the attempt audited)."""
    try:
        person = person_get(user=user, person_id=person_id, purpose=purpose)
    except NotFound as error:  # person_get has audited the attempt
        raise Http404 from error
    # Staff never hold portal permissions; a nominee sees the budget, not the plan.
    if not user.has_perm("portal.view_plan", person):
        audit_record(actor=user, action=Action.PERSON_ACCESS_REFUSED, person=person,
                     object_type="plans.plan", object_id=str(person.pk),
                     changes={"purpose": purpose})
        raise Http404
    return person


def _is_self(user: User, person: Person) -> bool:
    return PortalAccess.objects.of_user(user).filter(
        person=person, capacity=Capacity.SELF).exists()


@login_required
@require_GET
def download_list(request: HttpRequest, person_id: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    person = _person(user, person_id, purpose="downloads")
    plan = plan_for_person(user=user, person=person)
    preferred = preferred_variant(person)
    documents = [(doc, downloads_of(doc, person)) for doc in DOCUMENTS]
    return render(request, "portal/downloads.jinja", {
        "person": person, "plan": plan, "documents": documents, "is_self": _is_self(user, person),
        "preferred": documents[0][1][0], "preferred_name": PREFERENCE_NAMES.get(preferred),
    })


@login_required
@require_GET
def download_file(request: HttpRequest, person_id: Any, fmt: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    person = _person(user, person_id, purpose="export")
    plan = plan_for_export(user=user, person=person, fmt=fmt)
    if plan is None:
        raise Http404
    content, media_type, _ = export(plan, fmt, user=user)
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename_for(person, fmt)}"'
    return response
