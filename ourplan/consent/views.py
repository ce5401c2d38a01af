"""The person's own sharing pages, under /my/<person_id>/: who can see the plan now, sharing it
with someone new, stopping, and who has looked at the plan. For the person and for a
representative (`consent.view`); only those who may decide (`consent.manage`) change it.
Staff record consent on the person's behalf from their own pages (views_staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ourplan.accounts.models import User
from ourplan.consent import selectors, services, trail
from ourplan.consent.forms import TARGETS, ConfirmForm, GrantForm
from ourplan.consent.models import ConsentGrant
from ourplan.core.errors import NotFound
from ourplan.core.presenters import format_date
from ourplan.core.views_helpers import call_service, form_page, signed_in_user
from ourplan.people.models import Person
from ourplan.portal.models import Capacity


def _person(request: HttpRequest, person_id: Any, perm: str, purpose: str) -> Person:
    try:
        return selectors.portal_person_get(user=signed_in_user(request), person_id=person_id,
                                           perm=perm,
                                           purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _grant(request: HttpRequest, person: Person, grant_id: Any) -> ConsentGrant:
    try:
        return selectors.grant_get(user=signed_in_user(request), person=person, grant_id=grant_id)
    except NotFound as error:
        raise Http404 from error


def _portal_url(name: str, **kwargs: Any) -> str | None:
    """A portal account page, where the accounts pages are mounted."""
    try:
        return reverse(f"portal_accounts:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


# How someone other than the person and their circle reaches the plan, in the list's words.
ACCESS_ROLES: dict[str, str] = {Capacity.REPRESENTATIVE: "representative",
                Capacity.NOMINEE: "nominee, who manages the direct payment"}


def who_else(sign_in: selectors.SignIn, viewer: User) -> list[tuple[str, str]]:
    """Each representative or nominee with an account, once, with every role they hold."""
    roles: dict[Any, list[str]] = {}
    names: dict[Any, str] = {}
    for access in sign_in.others:
        role = ACCESS_ROLES[access.capacity]
        if access.capacity == Capacity.REPRESENTATIVE and access.representative_basis:
            assert access.contact is not None
            role += f" ({access.contact.get_representative_basis_display()})"
        roles.setdefault(access.user_id, []).append(role)
        name = access.user.get_full_name() or (access.contact.name if access.contact else "")
        names[access.user_id] = f"{name} (you)" if access.user_id == viewer.pk else name
    return [(names[user_id], " and ".join(held)) for user_id, held in roles.items()]


def list_context(user: User, person: Person, *, invites: bool) -> dict[str, Any]:
    """What the sharing lists show, for the person's pages and the staff pages alike: each
    grant, and who can sign in to read the plan."""
    grants = selectors.person_grants(user=user, person=person)
    today = timezone.localdate()
    live = [g for g in grants if selectors.is_live(g, today)]
    sign_in = selectors.sign_in_status(person=person, grants=live)
    can_share = invites and user.has_perm("portal.share", person)
    links = {g.pk: url for g in live if can_share and sign_in.can_invite(g)
             if (url := _portal_url("invite_circle", person_id=person.pk,
                                    contact_id=g.contact_id)) is not None}
    return {
        "person": person, "live": live,
        "past": [g for g in grants if not selectors.is_live(g, today)],
        "sign_in": sign_in, "who_else": who_else(sign_in, user), "invite_links": links,
        "can_withdraw_invitations": can_share,
        "today": today, "format_date": format_date,
        "yours": selectors.is_the_person(user=user, person=person),
        "can_manage": user.has_perm("consent.manage", person),
    }


@login_required
@require_http_methods(["GET"])
def sharing_list(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "consent.view", purpose="sharing")
    return render(request, "consent/list.jinja", {
        **list_context(signed_in_user(request), person, invites=True),
        "new_url": reverse("consent:new", kwargs={"person_id": person.pk}),
        "withdraw_name": "consent:withdraw", "staff": False,
    })


def grant_page(request: HttpRequest, person: Person, form: GrantForm, *, template_context:
               dict[str, Any], done: str) -> HttpResponse:
    """The new-grant form, shared with the staff page: one service call on a valid POST."""
    return form_page(
        request, form, template="consent/new.jinja",
        context={"person": person, **template_context},
        save=lambda: _grant_beside_who(actor=signed_in_user(request), person=person,
                                       **form.service_data()),
        success=lambda g: f"{g.grantee_name} can see the plan from "
                          f"{format_date(g.start_date)}"
                          + (f" until {format_date(g.end_date)}" if g.end_date else ""),
        done=done,
    )


WHO_FIELDS = {"grantee", *TARGETS.values()}


def _grant_beside_who(**kwargs: Any) -> ConsentGrant:
    """The service names the target's own field (contact, team...); on the page they are all
    the one `who` select, so its messages go beside that."""
    try:
        return services.consent_grant(**kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        problems: dict[str, list[str]] = {}
        for name, found in error.message_dict.items():
            problems.setdefault("who" if name in WHO_FIELDS else name, []).extend(found)
        raise ValidationError(problems) from error


def choices_for(request: HttpRequest, person: Person) -> Any:
    source = request.POST if request.method == "POST" else request.GET
    # An organisation chosen from an earlier search stays on offer after a POST with errors.
    kind, _, chosen = str(source.get("who", "")).partition(":")
    return selectors.sharing_choices(
        user=signed_in_user(request), person=person,
        organisation_query=str(source.get("org_q", "")),
        also_organisation=chosen if request.method == "POST" and kind == "organisation"
        else None)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_new(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "consent.view", purpose="sharing_new")
    if not request.user.has_perm("consent.manage", person):
        raise PermissionDenied
    choices = choices_for(request, person)
    form = GrantForm(request.POST if request.method == "POST" else None, choices=choices,
                     initial={"start_date": timezone.localdate(),
                              "org_q": request.GET.get("org_q", "")})
    return grant_page(request, person, form, template_context={
        "staff": False, "org_q": request.GET.get("org_q", ""),
        "back_url": reverse("consent:list", kwargs={"person_id": person.pk}),
    }, done=reverse("consent:list", kwargs={"person_id": person.pk}))


def withdraw_page(request: HttpRequest, person: Person, grant: ConsentGrant, *,
                  back_url: str, staff: bool) -> HttpResponse:
    """Confirm, then stop sharing at once; shared with the staff page."""
    if not request.user.has_perm("consent.manage", person):
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = call_service(form, services.consent_withdraw, actor=signed_in_user(request),
                                grant=grant)
        except services.SharingAlreadyStopped as error:
            messages.error(request, error.message)
            return redirect(back_url)
        if done is not None:
            messages.success(request, f"{done.grantee_name} can no longer see the plan")
            return redirect(back_url)
    return render(request, "consent/withdraw.jinja", {
        "person": person, "grant": grant, "form": form, "back_url": back_url, "staff": staff,
        "format_date": format_date,
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_withdraw(request: HttpRequest, person_id: Any, grant_id: Any) -> HttpResponse:
    person = _person(request, person_id, "consent.view", purpose="sharing_withdraw")
    grant = _grant(request, person, grant_id)
    return withdraw_page(request, person, grant, staff=False,
                         back_url=reverse("consent:list", kwargs={"person_id": person.pk}))


@login_required
@require_http_methods(["GET"])
def who_has_looked(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "consent.view_trail", purpose="who_has_looked")
    found = trail.person_trail(user=signed_in_user(request), person=person,
                               page_number=request.GET.get("page", 1))
    return render(request, "consent/who_has_looked.jinja", {"person": person, "trail": found})
