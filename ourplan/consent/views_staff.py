"""Staff pages for a person's consent to share, at /people/<person_id>/sharing/: who the person
shares their plan with, and recording consent the person gave (or its withdrawal) on their
behalf. Anyone who can see the person reads the list; only staff who work with them record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ourplan.consent import selectors
from ourplan.consent.forms import StaffGrantForm
from ourplan.consent.views import choices_for, grant_page, list_context, withdraw_page
from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import person_or_404, signed_in_user
from ourplan.people.models import Person


def _list_url(person: Person) -> str:
    return reverse("consent_staff:list", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET"])
def sharing_list(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="sharing", get=selectors.staff_person_get)
    return render(request, "consent/list.jinja", {
        **list_context(signed_in_user(request), person, invites=False),
        "new_url": reverse("consent_staff:new", kwargs={"person_id": person.pk}),
        "withdraw_name": "consent_staff:withdraw", "staff": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def sharing_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="sharing_new",
                           get=selectors.staff_person_get)
    if not request.user.has_perm("consent.manage", person):
        raise PermissionDenied
    form = StaffGrantForm(request.POST if request.method == "POST" else None,
                          choices=choices_for(request, person),
                          initial={"start_date": timezone.localdate(),
                                   "org_q": request.GET.get("org_q", "")})
    form.fields["who"].label = f"Who did {person.known_as} agree to share their plan with?"
    return grant_page(request, person, form, template_context={
        "staff": True, "org_q": request.GET.get("org_q", ""), "back_url": _list_url(person),
    }, done=_list_url(person))


@login_required
@require_http_methods(["GET", "POST"])
def sharing_withdraw(request: HttpRequest, person_id: Any, grant_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="sharing_withdraw",
                           get=selectors.staff_person_get)
    try:
        grant = selectors.grant_get(user=signed_in_user(request), person=person, grant_id=grant_id)
    except NotFound as error:
        raise Http404 from error
    return withdraw_page(request, person, grant, staff=True, back_url=_list_url(person))
