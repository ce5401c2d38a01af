"""Pages for people: the caseload, a person's page, and adding and changing their details,
circle and care team. Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ourplan.accounts.models import User
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.views_helpers import call_service
from ourplan.people import selectors, services
from ourplan.people.forms import (
    CareTeamMemberEditForm,
    CareTeamMemberForm,
    CaseloadSearchForm,
    PersonAddForm,
    PersonalContactEditForm,
    PersonalContactForm,
    PersonEditForm,
    RemoveForm,
)
from ourplan.people.models import Person


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(request: HttpRequest, person_id: Any, purpose: str) -> Person:
    try:
        return selectors.person_get(user=_user(request), person_id=person_id, purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _require(request: HttpRequest, perm: str, person: Person) -> None:
    if not request.user.has_perm(perm, person):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = selectors.caseload_search(
        user=_user(request), query=query, page_number=request.GET.get("page", 1)
    )
    template = "people/_caseload_results.jinja" if request.headers.get("HX-Request") \
        else "people/caseload.jinja"
    return render(request, template, {"search": form, "result": result, "active_nav": "caseload"})


@login_required
@require_http_methods(["GET"])
def person_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="view")
    user = _user(request)
    today = timezone.localdate()
    care_team = list(selectors.person_care_team(person=person))
    return render(request, "people/detail.jinja", {
        "person": person,
        "today": today,
        "circle": selectors.person_circle(person=person),
        "care_team": [m for m in care_team if m.is_current_on(today)],
        "past_care_team": [m for m in care_team if not m.is_current_on(today)],
        "can_change": user.has_perm("people.change_person", person),
        "can_read_audit": user.has_perm("core.view_person_audit", person),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("people.add_person"):
        raise PermissionDenied
    form = PersonAddForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        person = call_service(form, services.person_create, actor=user,
                              data=form.service_data(), team=form.cleaned_data["team"])
        if person is not None:
            messages.success(request, f"{person.full_name} has been added")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.jinja",
                  {"form": form, "person": None, "active_nav": "add"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="edit")
    _require(request, "people.change_person", person)
    form = PersonEditForm(request.POST or None, instance=person,
                          initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        # The form validated a copy; the service re-reads and locks the record.
        updated = call_service(form, services.person_update, actor=_user(request),
                               person=person, version=form.cleaned_data["version"],
                               data=form.service_data())
        if updated is not None:
            messages.success(request, "Their details have been updated")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.jinja", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="add_contact")
    _require(request, "people.change_circle", person)
    form = PersonalContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = call_service(form, services.personal_contact_add, actor=_user(request),
                               person=person, data=form.service_data())
        if contact is not None:
            messages.success(request, f"{contact.name} has been added to the circle")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/contact_form.jinja",
                  {"form": form, "person": person, "contact": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, person_id: Any, contact_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="edit_contact")
    _require(request, "people.change_circle", person)
    try:
        contact = selectors.personal_contact_get(user=_user(request), person=person,
                                                 contact_id=contact_id)
    except NotFound as error:
        raise Http404 from error
    form = PersonalContactEditForm(request.POST or None,
                                   instance=contact,
                                   initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        updated = call_service(form, services.personal_contact_update, actor=_user(request),
                               contact=contact, version=form.cleaned_data["version"],
                               data=form.service_data())
        if updated is not None:
            messages.success(request, f"{updated.name}'s details have been updated")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/contact_form.jinja",
                  {"form": form, "person": person, "contact": contact},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, person_id: Any, contact_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="remove_contact")
    _require(request, "people.change_circle", person)
    try:
        contact = selectors.personal_contact_get(user=_user(request), person=person,
                                                 contact_id=contact_id)
    except NotFound as error:
        raise Http404 from error
    form = RemoveForm(request.POST or None, initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        removed = call_service(form, services.personal_contact_remove, actor=_user(request),
                               contact=contact, version=form.cleaned_data["version"])
        if removed is not None:
            messages.success(request, f"{removed.name} has been removed from the circle")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/contact_remove.jinja",
                  {"form": form, "person": person, "contact": contact},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def care_team_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="add_care_team_member")
    _require(request, "people.change_care_team", person)
    form = CareTeamMemberForm(request.POST or None, user=_user(request),
                              initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        member = call_service(form, services.care_team_member_add, actor=_user(request),
                              person=person, data=form.service_data())
        if member is not None:
            messages.success(request, f"{member.display_name} has been added to the care team")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/care_team_form.jinja",
                  {"form": form, "person": person, "member": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def care_team_edit(request: HttpRequest, person_id: Any, member_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="edit_care_team_member")
    _require(request, "people.change_care_team", person)
    try:
        member = selectors.care_team_member_get(user=_user(request), person=person,
                                                member_id=member_id)
    except NotFound as error:
        raise Http404 from error
    form = CareTeamMemberEditForm(request.POST or None, user=_user(request),
                                  instance=member,
                                  initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        updated = call_service(form, services.care_team_member_update, actor=_user(request),
                               member=member, version=form.cleaned_data["version"],
                               data=form.service_data())
        if updated is not None:
            messages.success(request, f"{updated.display_name}'s details have been updated")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/care_team_form.jinja",
                  {"form": form, "person": person, "member": member},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def person_audit(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Who has looked at or changed this person's record (administrators)."""
    try:
        person, page = selectors.person_audit_history(
            user=_user(request), person_id=person_id, page_number=request.GET.get("page", 1)
        )
    except NotFound as error:
        raise Http404 from error
    except NotAllowed as error:
        raise PermissionDenied from error
    return render(request, "people/audit.jinja", {"person": person, "page": page})


@login_required
@require_http_methods(["GET"])
def audit_lookup(request: HttpRequest) -> HttpResponse:
    """Administrators find whose audit history to read."""
    form = CaseloadSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    try:
        result = selectors.audit_lookup(user=_user(request), query=query,
                                        page_number=request.GET.get("page", 1))
    except NotAllowed as error:
        raise PermissionDenied from error
    return render(request, "people/audit_lookup.jinja", {"result": result, "active_nav": "audit"})
