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

from ourplan.core.errors import NotFound, StaleVersion
from ourplan.core.views_helpers import call_service, form_page, person_or_404, signed_in_user
from ourplan.people.models import Person
from ourplan.plans import selectors, services
from ourplan.plans.coaching import coach_outcome
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG, EntryKind, kinds_for_section
from ourplan.plans.forms import (
    AboutMeForm,
    ActionEditForm,
    ActionForm,
    AgreeForm,
    OutcomeEditForm,
    OutcomeForm,
    PlanStartForm,
    SectionStatusForm,
    SupportNeedsForm,
    TransitionForm,
    WorkingEntryEditForm,
    WorkingEntryForm,
    entry_form_class,
)
from ourplan.plans.models import Action, Outcome, Plan, PlanVersion, WorkingEntry
from ourplan.plans.presenters import plan_page_context
from ourplan.plans.services import TransitionRefused
from ourplan.plans.workflow import TRANSITIONS_BY_NAME, Section, sections_for


def _plan(request: HttpRequest, person: Person) -> Plan:
    plan = selectors.plan_for_person(user=signed_in_user(request), person=person)
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
    person = person_or_404(request, person_id, purpose="plan")
    plan = selectors.plan_for_person(user=signed_in_user(request), person=person)
    can_change = request.user.has_perm("plans.change_plan", person)
    if plan is None:
        return render(request, "plans/no_plan.jinja",
                      {"person": person, "can_change": can_change, "form": PlanStartForm()})
    return render(request, "plans/detail.jinja",
                  {"person": person, "can_change": can_change, **plan_page_context(plan)})


@login_required
@require_POST
def plan_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="start_plan")
    _require_change(request, person)
    form = PlanStartForm(request.POST)
    return form_page(
        request, form, template="plans/no_plan.jinja",
        context={"person": person, "can_change": True},
        save=lambda: services.plan_start(actor=signed_in_user(request), person=person,
                                         kind=form.cleaned_data["kind"]),
        success=lambda plan: f"{plan.get_kind_display()} started",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_support_needs(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_support_needs")
    _require_change(request, person)
    plan = _plan(request, person)
    form = SupportNeedsForm(request.POST or None, instance=plan,
                            initial={"version": plan.version})
    return form_page(
        request, form, template="plans/support_needs.jinja",
        context={"person": person, "plan": plan},
        save=lambda: services.plan_record_support_needs(
            actor=signed_in_user(request), plan=plan, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda _: "How much support the planning needs has been recorded",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_section_status(request: HttpRequest, person_id: Any, section: str) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_section")
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
            actor=signed_in_user(request), plan=plan, version=form.cleaned_data["version"],
            section=section, status=form.cleaned_data["status"]),
        success=lambda _: f"{Section(section).label}: status saved",
        done=_plan_url(person),
    )


@login_required
@require_POST
def plan_move(request: HttpRequest, person_id: Any, transition: str) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_move")
    _require_change(request, person)
    plan = _plan(request, person)
    if transition not in TRANSITIONS_BY_NAME:
        raise Http404
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            moved = call_service(form, services.TRANSITION_SERVICES[transition],
                                 actor=signed_in_user(request), plan=plan,
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
    person = person_or_404(request, person_id, purpose="plan_about_me")
    _require_change(request, person)
    plan = _plan(request, person)
    about = plan.about_me
    form = AboutMeForm(request.POST or None, instance=about, initial={"version": about.version})
    return form_page(
        request, form, template="plans/about_me.jinja", context={"person": person, "plan": plan},
        save=lambda: services.about_me_update(actor=signed_in_user(request), plan=plan,
                                              version=form.cleaned_data["version"],
                                              data=form.service_data()),
        success=lambda _: "About me has been saved",
        done=_plan_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def working(request: HttpRequest, person_id: Any) -> HttpResponse:
    """What is working and not working, and strengths: the list and a form to add to it."""
    person = person_or_404(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    form = WorkingEntryForm(request.POST or None)
    return form_page(
        request, form, template="plans/working.jinja",
        context={"person": person, "plan": plan, "entries": plan.working_entries.all()},
        save=lambda: services.working_entry_add(actor=signed_in_user(request), plan=plan,
                                                data=form.service_data()),
        success=lambda entry: f"Added: {entry.text[:60]}",
        done=reverse("plans:working", kwargs={"person_id": person.pk}),
    )


def _entry(plan: Plan, entry_id: Any) -> WorkingEntry:
    try:
        return selectors.working_entry_of(plan, entry_id)
    except NotFound as missing:
        raise Http404 from missing


@login_required
@require_http_methods(["GET", "POST"])
def working_edit(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry(plan, entry_id)
    form = WorkingEntryEditForm(request.POST or None, instance=entry,
                                initial={"version": entry.version})
    return form_page(
        request, form, template="plans/working_edit.jinja",
        context={"person": person, "plan": plan, "entry": entry},
        save=lambda: services.working_entry_update(actor=signed_in_user(request), entry=entry,
                                                   version=form.cleaned_data["version"],
                                                   data=form.service_data()),
        success=lambda _: "Your change has been saved",
        done=reverse("plans:working", kwargs={"person_id": person.pk}),
    )


@login_required
@require_POST
def working_remove(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_working")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry(plan, entry_id)
    form = TransitionForm(request.POST)  # carries just the version
    if form.is_valid():
        call_service(form, services.working_entry_remove, actor=signed_in_user(request),
                     entry=entry,
                     version=form.cleaned_data["version"])
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors())
                       or "This could not be removed. Try again")
    else:
        messages.success(request, "Removed")
    return redirect("plans:working", person_id=person.pk)


def _outcomes_url(person: Person) -> str:
    return reverse("plans:outcomes", kwargs={"person_id": person.pk})


def _outcome(plan: Plan, outcome_id: Any) -> Outcome:
    outcome = plan.outcomes.filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404
    return outcome


@login_required
@require_http_methods(["GET"])
def outcomes(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Needs, outcomes and the actions for each, with coaching on each outcome."""
    person = person_or_404(request, person_id, purpose="plan_outcomes")
    plan = _plan(request, person)
    items = [{"outcome": o, "advice": coach_outcome(o.text), "actions": list(o.actions.all())}
             for o in plan.outcomes.prefetch_related("actions")]
    return render(request, "plans/outcomes.jinja", {
        "person": person, "plan": plan, "items": items,
        "can_change": request.user.has_perm("plans.change_plan", person)})


@login_required
@require_http_methods(["POST"])
def outcome_coach(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Coaching for the outcome being typed (htmx swaps it in beside the field)."""
    person_or_404(request, person_id, purpose="plan_outcomes")
    text = request.POST.get("text", "")[:5000]
    return render(request, "plans/_coaching.jinja",
                  {"advice": coach_outcome(text) if text.strip() else None})


@login_required
@require_http_methods(["GET", "POST"])
def outcome_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_outcomes")
    _require_change(request, person)
    plan = _plan(request, person)
    form = OutcomeForm(request.POST or None)
    return form_page(
        request, form, template="plans/outcome_form.jinja",
        context={"person": person, "plan": plan, "outcome": None,
                 "advice": coach_outcome(request.POST.get("text", "")) if request.POST else None},
        save=lambda: services.outcome_add(actor=signed_in_user(request), plan=plan,
                                          data=form.service_data()),
        success=lambda outcome: f"Outcome added: {outcome.text[:60]}",
        done=_outcomes_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, person_id: Any, outcome_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_outcomes")
    _require_change(request, person)
    plan = _plan(request, person)
    outcome = _outcome(plan, outcome_id)
    form = OutcomeEditForm(request.POST or None, instance=outcome,
                           initial={"version": outcome.version})
    return form_page(
        request, form, template="plans/outcome_form.jinja",
        context={"person": person, "plan": plan, "outcome": outcome,
                 "advice": coach_outcome(form["text"].value() or "")},
        save=lambda: services.outcome_update(actor=signed_in_user(request), outcome=outcome,
                                             version=form.cleaned_data["version"],
                                             data=form.service_data()),
        success=lambda _: "Outcome saved",
        done=_outcomes_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, person_id: Any, outcome_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_actions")
    _require_change(request, person)
    plan = _plan(request, person)
    outcome = _outcome(plan, outcome_id)
    form = ActionForm(request.POST or None)
    return form_page(
        request, form, template="plans/action_form.jinja",
        context={"person": person, "plan": plan, "outcome": outcome, "action": None},
        save=lambda: services.action_add(actor=signed_in_user(request), plan=plan,
                                         data={**form.service_data(), "outcome": outcome}),
        success=lambda action: f"Action added: {action.what[:60]}",
        done=_outcomes_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, person_id: Any, action_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_actions")
    _require_change(request, person)
    plan = _plan(request, person)
    action: Action | None = plan.actions.select_related("outcome").filter(pk=action_id).first()
    if action is None:
        raise Http404
    form = ActionEditForm(request.POST or None, instance=action,
                          initial={"version": action.version})
    return form_page(
        request, form, template="plans/action_form.jinja",
        context={"person": person, "plan": plan, "outcome": action.outcome, "action": action},
        save=lambda: services.action_update(actor=signed_in_user(request), action=action,
                                            version=form.cleaned_data["version"],
                                            data=form.service_data()),
        success=lambda _: "Action saved",
        done=_outcomes_url(person),
    )


PLAN_CHANGED_WHILE_RECORDING = (
    "The plan changed while you were recording the agreement. Check the changes with them, "
    "then record their agreement again")


def _agree_as_shown(**kwargs: Any) -> PlanVersion:
    try:
        return services.plan_agree(**kwargs)
    except StaleVersion as error:
        if error.message == services.PLAN_CHANGED_SINCE_READ:
            raise StaleVersion(PLAN_CHANGED_WHILE_RECORDING) from error
        raise


@login_required
@require_http_methods(["GET", "POST"])
def agree(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Record the person's (or representative's) agreement: freezes an agreed version of the
    plan as the page showed it (a plan changed meanwhile is not recorded)."""
    person = person_or_404(request, person_id, purpose="plan_agree")
    _require_change(request, person)
    plan = _plan(request, person)
    initial: dict[str, Any] = {"version": plan.version}
    if request.method != "POST":
        initial["read"] = services.plan_fingerprint(plan)
    form = AgreeForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreed = call_service(
                form, _agree_as_shown, actor=signed_in_user(request), plan=plan,
                version=form.cleaned_data["version"], agreed_by=form.cleaned_data["agreed_by"],
                how=form.cleaned_data["how"], representative=form.cleaned_data["representative"],
                agreements=form.cleaned_data["agreements"],
                read=form.cleaned_data["read"] or None)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
            agreed = None
        if agreed is not None:
            messages.success(request, f"Version {agreed.number} agreed by "
                                      f"{agreed.agreed_by_name}")
            return redirect(_plan_url(person))
        if getattr(form, "stale", False):
            # Shown again as the plan is now, so they can record it once they have checked.
            plan = _plan(request, person)
            shown = request.POST.copy()
            shown["version"] = str(plan.version)
            shown["read"] = services.plan_fingerprint(plan)
            form.data = shown
    return render(request, "plans/agree.jinja", {"person": person, "plan": plan, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def version_detail(request: HttpRequest, person_id: Any, number: int) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="plan_version")
    plan = _plan(request, person)
    agreed = plan.versions.filter(number=number).select_related("recorded_by").first()
    if agreed is None:
        raise Http404
    return render(request, "plans/version.jinja",
                  {"person": person, "plan": plan, "agreed": agreed, "snap": agreed.snapshot})


def _kind(slug: str) -> EntryKind:
    kind = ENTRY_KINDS_BY_SLUG.get(slug)
    if kind is None:
        raise Http404
    return kind


def _section_url(person: Person, kind: EntryKind) -> str:
    return reverse("plans:section_entries", kwargs={"person_id": person.pk,
                                                     "section": kind.section.value})


@login_required
@require_http_methods(["GET"])
def section_entries(request: HttpRequest, person_id: Any, section: str) -> HttpResponse:
    """A list section of the plan (health, risks, contingency …): every kind of entry in it."""
    person = person_or_404(request, person_id, purpose="plan_section")
    plan = _plan(request, person)
    kinds = kinds_for_section(section)
    if not kinds or section not in sections_for(plan.kind):
        raise Http404
    groups = [{"kind": k, "entries": list(k.model._default_manager.filter(plan=plan))}
              for k in kinds]
    return render(request, "plans/entries.jinja", {
        "person": person, "plan": plan, "section": Section(section), "groups": groups,
        "can_change": request.user.has_perm("plans.change_plan", person)})


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, person_id: Any, kind: str) -> HttpResponse:
    entry_kind = _kind(kind)
    person = person_or_404(request, person_id, purpose="plan_section")
    _require_change(request, person)
    plan = _plan(request, person)
    form = entry_form_class(entry_kind, editing=False)(request.POST or None)
    return form_page(
        request, form, template="plans/entry_form.jinja",
        context={"person": person, "plan": plan, "kind": entry_kind, "entry": None},
        save=lambda: services.entry_add(actor=signed_in_user(request), plan=plan, kind=entry_kind,
                                        data=form.service_data()),
        success=lambda _: f"Added a {entry_kind.noun}",
        done=_section_url(person, entry_kind),
    )


def _entry_of(kind: EntryKind, plan: Plan, entry_id: Any) -> Any:
    entry = kind.model._default_manager.filter(plan=plan, pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, person_id: Any, kind: str, entry_id: Any) -> HttpResponse:
    entry_kind = _kind(kind)
    person = person_or_404(request, person_id, purpose="plan_section")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry_of(entry_kind, plan, entry_id)
    form = entry_form_class(entry_kind, editing=True)(
        request.POST or None, instance=entry, initial={"version": entry.version})
    return form_page(
        request, form, template="plans/entry_form.jinja",
        context={"person": person, "plan": plan, "kind": entry_kind, "entry": entry},
        save=lambda: services.entry_update(actor=signed_in_user(request), kind=entry_kind,
                                           entry=entry,
                                           version=form.cleaned_data["version"],
                                           data=form.service_data()),
        success=lambda _: f"The {entry_kind.noun} has been saved",
        done=_section_url(person, entry_kind),
    )


@login_required
@require_POST
def entry_remove(request: HttpRequest, person_id: Any, kind: str, entry_id: Any) -> HttpResponse:
    entry_kind = _kind(kind)
    person = person_or_404(request, person_id, purpose="plan_section")
    _require_change(request, person)
    plan = _plan(request, person)
    entry = _entry_of(entry_kind, plan, entry_id)
    form = TransitionForm(request.POST)  # carries just the version
    if form.is_valid():
        call_service(form, services.entry_remove, actor=signed_in_user(request), kind=entry_kind,
                     entry=entry, version=form.cleaned_data["version"])
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors())
                       or "This could not be removed. Try again")
    else:
        messages.success(request, f"The {entry_kind.noun} has been removed")
    return redirect(_section_url(person, entry_kind))
