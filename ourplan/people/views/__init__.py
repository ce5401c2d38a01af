"""Pages for people: the caseload, a person's page, and adding and changing their details,
circle and care team. Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.views_helpers import form_page, person_or_404, signed_in_user
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
from ourplan.people.models import CareTeamMember, Person, PersonalContact


def _require(request: HttpRequest, perm: str, person: Person) -> None:
    if not request.user.has_perm(perm, person):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = selectors.caseload_search(
        user=signed_in_user(request), query=query, page_number=request.GET.get("page", 1)
    )
    template = "people/_caseload_results.jinja" if request.headers.get("HX-Request") \
        else "people/caseload.jinja"
    return render(request, template, {"search": form, "result": result, "active_nav": "caseload"})


@login_required
@require_http_methods(["GET"])
def person_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="view")
    user = signed_in_user(request)
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
    user = signed_in_user(request)
    if not user.has_perm("people.add_person"):
        raise PermissionDenied
    form = PersonAddForm(request.POST or None, user=user)
    return form_page(
        request, form, template="people/person_form.jinja",
        context={"person": None, "active_nav": "add"},
        save=lambda: services.person_create(actor=user, data=form.service_data(),
                                            team=form.cleaned_data["team"]),
        success=lambda person: f"{person.full_name} has been added",
        done=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="edit")
    _require(request, "people.change_person", person)
    # The form validates a copy; the service re-reads and locks the record.
    form = PersonEditForm(request.POST or None, instance=person,
                          initial={"version": person.version})
    return form_page(
        request, form, template="people/person_form.jinja", context={"person": person},
        save=lambda: services.person_update(actor=signed_in_user(request), person=person,
                                            version=form.cleaned_data["version"],
                                            data=form.service_data()),
        success=lambda _: "Their details have been updated",
        done=_detail_url(person),
    )


def _detail_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"person_id": person.pk})


def _contact(request: HttpRequest, person: Person, contact_id: Any) -> PersonalContact:
    try:
        return selectors.personal_contact_get(user=signed_in_user(request), person=person,
                                              contact_id=contact_id)
    except NotFound as error:
        raise Http404 from error


def _member(request: HttpRequest, person: Person, member_id: Any) -> CareTeamMember:
    try:
        return selectors.care_team_member_get(user=signed_in_user(request), person=person,
                                              member_id=member_id)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="add_contact")
    _require(request, "people.change_circle", person)
    form = PersonalContactForm(request.POST or None)
    return form_page(
        request, form, template="people/contact_form.jinja",
        context={"person": person, "contact": None},
        save=lambda: services.personal_contact_add(actor=signed_in_user(request), person=person,
                                                   data=form.service_data()),
        success=lambda contact: f"{contact.name} has been added to the circle",
        done=_detail_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, person_id: Any, contact_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="edit_contact")
    _require(request, "people.change_circle", person)
    contact = _contact(request, person, contact_id)
    form = PersonalContactEditForm(request.POST or None, instance=contact,
                                   initial={"version": contact.version})
    return form_page(
        request, form, template="people/contact_form.jinja",
        context={"person": person, "contact": contact},
        save=lambda: services.personal_contact_update(
            actor=signed_in_user(request), contact=contact, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda updated: f"{updated.name}'s details have been updated",
        done=_detail_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, person_id: Any, contact_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="remove_contact")
    _require(request, "people.change_circle", person)
    contact = _contact(request, person, contact_id)
    form = RemoveForm(request.POST or None, initial={"version": contact.version})
    return form_page(
        request, form, template="people/contact_remove.jinja",
        context={"person": person, "contact": contact},
        save=lambda: services.personal_contact_remove(
            actor=signed_in_user(request), contact=contact, version=form.cleaned_data["version"]),
        success=lambda removed: f"{removed.name} has been removed from the circle",
        done=_detail_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_team_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="add_care_team_member")
    _require(request, "people.change_care_team", person)
    form = CareTeamMemberForm(request.POST or None, user=signed_in_user(request),
                              initial={"start_date": timezone.localdate()})
    return form_page(
        request, form, template="people/care_team_form.jinja",
        context={"person": person, "member": None},
        save=lambda: services.care_team_member_add(actor=signed_in_user(request), person=person,
                                                   data=form.service_data()),
        success=lambda member: f"{member.display_name} has been added to the care team",
        done=_detail_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def care_team_edit(request: HttpRequest, person_id: Any, member_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="edit_care_team_member")
    _require(request, "people.change_care_team", person)
    member = _member(request, person, member_id)
    form = CareTeamMemberEditForm(request.POST or None, user=signed_in_user(request),
                                  instance=member,
                                  initial={"version": member.version})
    return form_page(
        request, form, template="people/care_team_form.jinja",
        context={"person": person, "member": member},
        save=lambda: services.care_team_member_update(
            actor=signed_in_user(request), member=member, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda updated: f"{updated.display_name}'s details have been updated",
        done=_detail_url(person),
    )


@login_required
@require_http_methods(["GET"])
def person_audit(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Who has looked at or changed this person's record (administrators)."""
    try:
        person, page = selectors.person_audit_history(
            user=signed_in_user(request), person_id=person_id,
            page_number=request.GET.get("page", 1),
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
        result = selectors.audit_lookup(user=signed_in_user(request), query=query,
                                        page_number=request.GET.get("page", 1))
    except NotAllowed as error:
        raise PermissionDenied from error
    return render(request, "people/audit_lookup.jinja", {"result": result, "active_nav": "audit"})
