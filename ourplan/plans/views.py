"""The plan's pages: its task list and stage, starting it, support needs, section status and
moving it on. Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.accounts.models import User
from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import call_service, form_page
from ourplan.people import selectors as people_selectors
from ourplan.people.models import Person
from ourplan.plans import selectors, services
from ourplan.plans.forms import (
    AboutMeForm,
    PlanStartForm,
    SectionStatusForm,
    SupportNeedsForm,
    TransitionForm,
    WorkingEntryEditForm,
    WorkingEntryForm,
)
from ourplan.plans.models import Plan, WorkingEntry
from ourplan.plans.presenters import plan_page_context
from ourplan.plans.services import TransitionRefused
from ourplan.plans.workflow import TRANSITIONS_BY_NAME, Section, sections_for


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(request: HttpRequest, person_id: Any, purpose: str) -> Person:
    try:
        return people_selectors.person_get(user=_user(request), person_id=person_id,
                                           purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _plan(request: HttpRequest, person: Person) -> Plan:
    plan = selectors.plan_for_person(user=_user(request), person=person)
    if plan is None:
        raise Http404
    return plan


def _require_change(request: HttpRequest, person: Person) -> None:
    if not request.user.has_perm("plans.change_plan", person):
        raise PermissionDenied


def _plan_url(person: Person) -> str:
    return reverse("plans:detail", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET"])
def plan_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="plan")
    plan = selectors.plan_for_person(user=_user(request), person=person)
    can_change = request.user.has_perm("plans.change_plan", person)
    if plan is None:
        return render(request, "plans/no_plan.jinja",
                      {"person": person, "can_change": can_change, "form": PlanStartForm()})
    return render(request, "plans/detail.jinja",
                  {"person": person, "can_change": can_change, **plan_page_context(plan)})


@login_required
@require_POST
def plan_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="start_plan")
    _require_change(request, person)
    form = PlanStartForm(request.POST)
    return form_page(
        request, form, template="plans/no_plan.jinja",
        context={"person": person, "can_change": True},
        save=lambda: services.plan_start(actor=_user(request), person=person,
                                         kind=form.cleaned_data["kind"]),
        success=lambda plan: f"{plan.get_kind_display()} started",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_support_needs(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_support_needs")
    _require_change(request, person)
    plan = _plan(request, person)
    form = SupportNeedsForm(request.POST or None, instance=plan,
                            initial={"version": plan.version})
    return form_page(
        request, form, template="plans/support_needs.jinja",
        context={"person": person, "plan": plan},
        save=lambda: services.plan_record_support_needs(
            actor=_user(request), plan=plan, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda _: "How much support the planning needs has been recorded",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_section_status(request: HttpRequest, person_id: Any, section: str) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_section")
    _require_change(request, person)
    plan = _plan(request, person)
    if section not in sections_for(plan.kind):
        raise Http404
    current = next(row.status for row in plan.sections.all() if row.section == section)
    form = SectionStatusForm(request.POST or None, section=section,
                             initial={"version": plan.version, "status": current})
    return form_page(
        request, form, template="plans/section_status.jinja",
        context={"person": person, "plan": plan, "section": Section(section)},
        save=lambda: services.plan_section_set_status(
            actor=_user(request), plan=plan, version=form.cleaned_data["version"],
            section=section, status=form.cleaned_data["status"]),
        success=lambda _: f"{Section(section).label}: status saved",
        done=_plan_url(person),
    )


@login_required
@require_POST
def plan_move(request: HttpRequest, person_id: Any, transition: str) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_move")
    _require_change(request, person)
    plan = _plan(request, person)
    if transition not in TRANSITIONS_BY_NAME:
        raise Http404
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            moved = call_service(form, services.TRANSITION_SERVICES[transition],
                                 actor=_user(request), plan=plan,
                                 version=form.cleaned_data["version"])
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
            moved = None
        if moved is not None:
            messages.success(request, f"The plan is now at: {moved.get_stage_display()}")
            return redirect(_plan_url(person))
    plan = _plan(request, person)
    return render(request, "plans/detail.jinja",
                  {"person": person, "can_change": True, "form": form,
                   **plan_page_context(plan)}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def about_me(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_about_me")
    _require_change(request, person)
    plan = _plan(request, person)
    about = plan.about_me
    form = AboutMeForm(request.POST or None, instance=about, initial={"version": about.version})
    return form_page(
        request, form, template="plans/about_me.jinja", context={"person": person, "plan": plan},
        save=lambda: services.about_me_update(actor=_user(request), plan=plan,
                                              version=form.cleaned_data["version"],
                                              data=form.service_data()),
        success=lambda _: "About me has been saved",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def working(request: HttpRequest, person_id: Any) -> HttpResponse:
    """What is working and not working, and strengths: the list and a form to add to it."""
    person = _person(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    form = WorkingEntryForm(request.POST or None)
    return form_page(
        request, form, template="plans/working.jinja",
        context={"person": person, "plan": plan, "entries": plan.working_entries.all()},
        save=lambda: services.working_entry_add(actor=_user(request), plan=plan,
                                                data=form.service_data()),
        success=lambda entry: f"Added: {entry.text[:60]}",
        done=reverse("plans:working", kwargs={"person_id": person.pk}),
    )


def _entry(plan: Plan, entry_id: Any) -> WorkingEntry:
    entry = next((e for e in plan.working_entries.all() if str(e.pk) == str(entry_id)), None)
    if entry is None:
        raise Http404
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def working_edit(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry(plan, entry_id)
    form = WorkingEntryEditForm(request.POST or None, instance=entry,
                                initial={"version": entry.version})
    return form_page(
        request, form, template="plans/working_edit.jinja",
        context={"person": person, "plan": plan, "entry": entry},
        save=lambda: services.working_entry_update(actor=_user(request), entry=entry,
                                                   version=form.cleaned_data["version"],
                                                   data=form.service_data()),
        success=lambda _: "Your change has been saved",
        done=reverse("plans:working", kwargs={"person_id": person.pk}),
    )


@login_required
@require_POST
def working_remove(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person = _person(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry(plan, entry_id)
    form = TransitionForm(request.POST)  # carries just the version
    if form.is_valid():
        call_service(form, services.working_entry_remove, actor=_user(request), entry=entry,
                     version=form.cleaned_data["version"])
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors())
                       or "This could not be removed. Try again")
    else:
        messages.success(request, "Removed")
    return redirect("plans:working", person_id=person.pk)
