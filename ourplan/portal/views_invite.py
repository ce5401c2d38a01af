"""Staff pages about a person's own access to Ourplan: who has it and which invitations are open,
inviting someone, withdrawing an invitation and ending someone's access. The person is read
through `person_get` (404 and audited outside the user's scope)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.core.errors import NotAllowed
from ourplan.core.views_helpers import form_page, person_or_404, signed_in_user
from ourplan.people import selectors as people
from ourplan.people.models import Person
from ourplan.portal.forms_accounts import InviteForm
from ourplan.portal.invitations import invitation_send, invitation_withdraw, portal_access_end
from ourplan.portal.models import PortalAccess


def _list_url(person: Person) -> str:
    return reverse("portal_invite:list", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET"])
def invite_list(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="portal_access")
    accesses = (PortalAccess.objects.current().filter(person=person)
                .select_related("user", "contact"))
    invitations = person.portal_invitations.select_related("contact", "invited_by")[:50]
    return render(request, "portal/invite/list.jinja", {
        "person": person, "accesses": accesses, "invitations": invitations,
        "can_change": request.user.has_perm("people.change_circle", person),
    })


@login_required
@require_http_methods(["GET", "POST"])
def invite_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="portal_invite")
    if not request.user.has_perm("people.change_circle", person):
        raise PermissionDenied
    form = InviteForm(request.POST if request.method == "POST" else None,
                      circle=people.person_circle(person=person))
    return form_page(
        request, form, template="portal/invite/new.jinja",
        context={"person": person, "days": settings.PORTAL_INVITATION_DAYS},
        save=lambda: invitation_send(
            actor=signed_in_user(request), person=person, capacity=form.cleaned_data["capacity"],
            contact=form.cleaned_data["contact"], email=form.cleaned_data["email"]),
        success=lambda sent: f"Invitation sent to {sent[0].email}",
        done=_list_url(person),
    )


def _changed(request: HttpRequest, person: Person, change: Any, done: str) -> HttpResponse:
    try:
        change()
    except NotAllowed as error:
        raise PermissionDenied from error
    except ValidationError as error:  # already withdrawn or ended: say so on the list
        messages.error(request, " ".join(error.messages))
        return redirect(_list_url(person))
    messages.success(request, done)
    return redirect(_list_url(person))


@login_required
@require_POST
def invite_withdraw(request: HttpRequest, person_id: Any, invitation_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="portal_invite")
    invitation = person.portal_invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return _changed(request, person,
                    lambda: invitation_withdraw(actor=signed_in_user(request),
                                                invitation=invitation),
                    f"Invitation to {invitation.email} withdrawn. The link no longer works")


@login_required
@require_POST
def access_end(request: HttpRequest, person_id: Any, access_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="portal_access")
    access = PortalAccess.objects.current().filter(person=person, pk=access_id).first()
    if access is None:
        raise Http404
    return _changed(request, person,
                    lambda: portal_access_end(actor=signed_in_user(request), access=access),
                    f"{access.user} can no longer reach {person.full_name}'s plan")
