"""The person's own pages, under /my/: whose plans they can reach, each plan in plain words, the
budget a nominee manages, changing their own words, proposing changes, asking for a review or a
different coordinator.

Every page reads the person through `person_get` (and the plan through `person_and_plan`), both
audited: a person outside the user's scope is a 404. What the user may do follows their portal
abilities (ourplan.portal.rules): no ability to even view is a 404, viewing without the ability
to do this is a 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.accounts.models import User
from ourplan.budgets.models import Budget
from ourplan.budgets.pa_costs import PARTS
from ourplan.budgets.selectors import budget_sheet
from ourplan.core.errors import NotFound, StaleVersion
from ourplan.core.presenters import format_date
from ourplan.core.views_helpers import call_service, form_page, person_or_404, signed_in_user
from ourplan.governance.letters import COMPLAINTS
from ourplan.governance.models import Submission, SubmissionStatus
from ourplan.governance.readiness import agreements_needed
from ourplan.people.models import Person
from ourplan.people.selectors import person_care_team
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS
from ourplan.plans.forms import AboutMeForm, WorkingEntryEditForm, WorkingEntryForm
from ourplan.plans.models import Outcome, Plan, WorkingEntry
from ourplan.plans.selectors import person_and_plan, plan_for_person, working_entry_of
from ourplan.plans.snapshots import describe_changes, plan_content, plan_snapshot
from ourplan.plans.workflow import Section, SectionStatus, sections_for
from ourplan.portal import selectors, services
from ourplan.portal.forms import (
    CoordinatorChangeForm,
    OwnAgreeForm,
    OwnOutcomeForm,
    ProposalForm,
    ReviewAskForm,
    VersionForm,
)
from ourplan.portal.models import (
    Capacity,
    PortalAccess,
)
from ourplan.portal.rules import Ability, abilities_for
from ourplan.reviews.models import ReviewSchedule, ReviewTrigger
from ourplan.reviews.schedule import TriggerReason

VIEW_ABILITIES = frozenset({Ability.VIEW_PLAN, Ability.VIEW_BUDGET})


def _person_and_plan(request: HttpRequest, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    try:
        return person_and_plan(user=signed_in_user(request), person_id=person_id, purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _need(request: HttpRequest, person: Person, ability: str) -> None:
    """404 if the user has no portal ability to view this person at all (staff included);
    403 if they may view but not do this."""
    if not request.user.has_perm(f"portal.{ability}", person):
        if not abilities_for(request.user, person) & VIEW_ABILITIES:
            raise Http404
        raise PermissionDenied


def _whose(request: HttpRequest, person: Person) -> str:
    """"Your" for the person themselves, else "Cecilia's": pages speak to whoever reads them."""
    if PortalAccess.objects.of_user(request.user).filter(person=person,
                                                          capacity=Capacity.SELF).exists():
        return "Your"
    return f"{person.known_as}'s"


def _person_url(person: Person) -> str:
    return reverse("portal:person", kwargs={"person_id": person.pk})


def _optional_url(name: str, **kwargs: Any) -> str | None:
    """A link to a page another part of the portal provides, if it is there."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- home and the person's page ----------------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The people the user acts for, and in which capacity. Only one: straight to them."""
    if not getattr(request.user, "is_portal_user", False):
        raise Http404
    people: dict[Any, dict[str, Any]] = {}
    for access in PortalAccess.objects.of_user(request.user):
        if access.person_id not in people and not abilities_for(request.user, access.person):
            continue  # family whose sharing has ended or not begun: nothing to show
        row = people.setdefault(access.person_id, {"person": access.person, "capacities": []})
        row["capacities"].append(access.get_capacity_display())
    if len(people) == 1:
        (only,) = people.values()
        return redirect(_person_url(only["person"]))
    return render(request, "portal/home.jinja", {"rows": list(people.values())})


def _appeal_text(submission: Submission) -> str:
    if submission.status != SubmissionStatus.REFUSED or not submission.appeal_by:
        return ""
    return ("If you think this decision is wrong, you can ask for it to be looked at again. "
            f"Tell your care coordinator by {format_date(submission.appeal_by)}. Someone who "
            "did not make this decision will look at it. " + COMPLAINTS)


def _plan_context(user: User, person: Person, plan: Plan) -> dict[str, Any]:
    """The plan in plain words, what changed since it was agreed, and the next review."""
    skipped = {row.section for row in plan.sections.all()
               if row.status == SectionStatus.NOT_APPLICABLE}
    content = plan_content(plan)
    groups: dict[str, list[tuple[Any, list[Any]]]] = {}
    for kind in ENTRY_KINDS:
        if kind.section in sections_for(plan.kind):
            entries = content.entries[kind.slug]
            if entries or kind.section not in skipped:
                groups.setdefault(kind.section, []).append((kind, entries))
    latest = plan.versions.order_by("-number").first()
    # Made once: what changed since it was agreed, and whether there is something to agree.
    snapshot = plan_snapshot(plan, content) if latest else None
    return {
        "snapshot": snapshot,
        "about": plan.about_me,
        "working": content.working,
        "outcomes": [(o, list(o.actions.all())) for o in content.outcomes],
        # The list sections that apply, each with its kinds of entry (health has four).
        "entry_sections": [(Section(section), kinds) for section, kinds in groups.items()],
        "latest_version": latest,
        "changes_since_agreed": (describe_changes(latest.snapshot, snapshot)
                                 if latest and snapshot else []),
        "schedule": ReviewSchedule.objects.visible_to(user).filter(plan=plan).first(),
        "review_asked": list(ReviewTrigger.objects.visible_to(user).filter(
            plan=plan, reason=TriggerReason.PERSON_REQUEST, resolved_by_review__isnull=True)),
    }


def _record_context(user: User, person: Person, plan: Plan | None) -> dict[str, Any]:
    """For those who see the whole record: the coordinator, decisions, and what they asked."""
    decisions = list(
        Submission.objects.visible_to(user)
        .filter(person=person, status__in=[SubmissionStatus.APPROVED, SubmissionStatus.REFUSED])
        .order_by("-decided_at")) if plan else []
    return {
        "coordinator": person_care_team(person=person, include_ended=False)
        .filter(is_named_coordinator=True).first(),
        "decisions": [(s, _appeal_text(s)) for s in decisions],
        "coordinator_requests": selectors.person_coordinator_requests(user=user,
                                                                      person=person),
    }


@login_required
@require_http_methods(["GET"])
def person_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    user = signed_in_user(request)
    person = person_or_404(request, person_id, purpose="portal")
    can = abilities_for(user, person)
    if not can & VIEW_ABILITIES:
        raise Http404
    if Ability.VIEW_PLAN not in can:
        # A nominee manages the budget and sees nothing else.
        return redirect("portal:budget", person_id=person.pk)
    plan = plan_for_person(user=user, person=person)
    context: dict[str, Any] = {"person": person, "plan": plan, "can": can,
                               "whose": _whose(request, person)}
    if plan is not None:
        context |= _plan_context(user, person, plan)
        context["proposals"] = selectors.plan_proposals(user=user, plan=plan)
    if Ability.VIEW_RECORD in can:
        context |= _record_context(user, person, plan)
    context["ready_to_agree"] = (plan is not None and Ability.AGREE in can
                                 and plan_services.plan_ready_to_agree(
                                     plan, context.get("snapshot")))
    context["downloads_url"] = _optional_url("portal_downloads:list", person_id=person.pk)
    context["sharing_url"] = (_optional_url("consent:list", person_id=person.pk)
                              if Ability.SHARE in can else None)
    return render(request, "portal/person.jinja", context)


@login_required
@require_http_methods(["GET"])
def budget(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The budget sheet, read-only: for the nominee who manages it, and others who may see it."""
    user = signed_in_user(request)
    person = person_or_404(request, person_id, purpose="portal_budget")
    _need(request, person, Ability.VIEW_BUDGET)
    current = (Budget.objects.visible_to(user).filter(person=person).select_related("plan")
               .order_by("-number").first())
    sheet = budget_sheet(user=user, plan=current.plan, purpose="portal") if current else None
    return render(request, "portal/budget.jinja", {
        "person": person, "whose": _whose(request, person), "sheet": sheet, "pa_parts": PARTS,
        "can_change": False,
        "can_sign_off": False,
        "back_url": _person_url(person) if Ability.VIEW_PLAN in abilities_for(user, person)
        else None})


# --- their own words -----------------------------------------------------------------------

def _own_words(request: HttpRequest, person_id: Any) -> tuple[Person, Plan]:
    person, plan = _person_and_plan(request, person_id, purpose="portal_own_words")
    _need(request, person, Ability.EDIT_OWN_WORDS)
    return person, plan


INFORMAL_REVIEW = "Your coordinator will see what you changed"


@login_required
@require_http_methods(["GET", "POST"])
def about_me(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _own_words(request, person_id)
    about = plan.about_me
    form = AboutMeForm(request.POST or None, instance=about, initial={"version": about.version})
    return form_page(
        request, form, template="portal/about_me.jinja",
        context={"person": person, "plan": plan, "whose": _whose(request, person)},
        save=lambda: services.own_about_me_update(actor=signed_in_user(request), plan=plan,
                                                  version=form.cleaned_data["version"],
                                                  data=form.service_data()),
        success=lambda _: f"About me has been saved. {INFORMAL_REVIEW}",
        done=_person_url(person) + "#about-me",
    )


def _versioned_post(request: HttpRequest, service: Callable[..., Any], *, failed: str,
                    succeeded: str, done: str, **kwargs: Any) -> HttpResponse:
    """A button that posts only the record's version: run `service` on it, say how it went
    (the service's own message if it refused) and go to `done`."""
    form = VersionForm(request.POST)
    if form.is_valid():
        call_service(form, service, actor=signed_in_user(request),
                     version=form.cleaned_data["version"],
                     **kwargs)
    if form.errors:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or failed)
    else:
        messages.success(request, succeeded)
    return redirect(done)


def _working_url(person: Person) -> str:
    return reverse("portal:working", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET", "POST"])
def working(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _own_words(request, person_id)
    form = WorkingEntryForm(request.POST or None, initial={"perspective": "person"})
    return form_page(
        request, form, template="portal/working.jinja",
        context={"person": person, "plan": plan, "whose": _whose(request, person),
                 "entries": list(plan.working_entries.all())},
        save=lambda: services.own_working_entry_add(actor=signed_in_user(request), plan=plan,
                                                    data=form.service_data()),
        success=lambda entry: f"Added: {entry.text[:60]}. {INFORMAL_REVIEW}",
        done=_working_url(person),
    )


def _entry(plan: Plan, entry_id: Any) -> WorkingEntry:
    try:
        return working_entry_of(plan, entry_id)
    except NotFound as missing:
        raise Http404 from missing


@login_required
@require_http_methods(["GET", "POST"])
def working_edit(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person, plan = _own_words(request, person_id)
    entry = _entry(plan, entry_id)
    form = WorkingEntryEditForm(request.POST or None, instance=entry,
                                initial={"version": entry.version})
    return form_page(
        request, form, template="portal/working_edit.jinja",
        context={"person": person, "plan": plan, "entry": entry,
                 "whose": _whose(request, person)},
        save=lambda: services.own_working_entry_update(
            actor=signed_in_user(request), entry=entry, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda _: f"Your change has been saved. {INFORMAL_REVIEW}",
        done=_working_url(person),
    )


@login_required
@require_POST
def working_remove(request: HttpRequest, person_id: Any, entry_id: Any) -> HttpResponse:
    person, plan = _own_words(request, person_id)
    entry = _entry(plan, entry_id)
    return _versioned_post(request, services.own_working_entry_remove, entry=entry,
                           failed="This could not be removed. Try again",
                           succeeded=f"Removed. {INFORMAL_REVIEW}", done=_working_url(person))


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, person_id: Any, outcome_id: Any) -> HttpResponse:
    person, plan = _own_words(request, person_id)
    outcome: Outcome | None = plan.outcomes.filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404
    form = OwnOutcomeForm(request.POST or None, instance=outcome,
                          initial={"version": outcome.version})
    return form_page(
        request, form, template="portal/outcome_form.jinja",
        context={"person": person, "plan": plan, "outcome": outcome,
                 "whose": _whose(request, person)},
        save=lambda: services.own_outcome_update(actor=signed_in_user(request), outcome=outcome,
                                                 version=form.cleaned_data["version"],
                                                 data=form.service_data()),
        success=lambda _: f"Your outcome has been saved. {INFORMAL_REVIEW}",
        done=_person_url(person) + "#outcomes",
    )


# --- proposals, reviews and the coordinator ------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="portal_propose")
    _need(request, person, Ability.PROPOSE)
    form = ProposalForm(request.POST or None, plan_kind=plan.kind,
                        initial={"section": request.GET.get("section")})
    return form_page(
        request, form, template="portal/propose.jinja",
        context={"person": person, "plan": plan, "whose": _whose(request, person)},
        save=lambda: services.proposal_make(actor=signed_in_user(request), plan=plan,
                                            section=form.cleaned_data["section"],
                                            text=form.cleaned_data["text"]),
        success=lambda _: "Your proposal has been sent to your coordinator",
        done=_person_url(person) + "#proposals",
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, person_id: Any, proposal_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="portal_propose")
    _need(request, person, Ability.PROPOSE)
    try:
        proposal = selectors.proposal_get(user=signed_in_user(request), plan=plan,
                                          proposal_id=proposal_id)
    except NotFound as error:
        raise Http404 from error
    return _versioned_post(request, services.proposal_withdraw, proposal=proposal,
                           failed="This could not be withdrawn. Try again",
                           succeeded="Your proposal has been withdrawn",
                           done=_person_url(person) + "#proposals")


@login_required
@require_http_methods(["GET", "POST"])
def review_ask(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="portal_review")
    _need(request, person, Ability.REQUEST_REVIEW)
    form = ReviewAskForm(request.POST or None)
    return form_page(
        request, form, template="portal/review_ask.jinja",
        context={"person": person, "plan": plan, "whose": _whose(request, person),
                 "schedule": ReviewSchedule.objects.visible_to(signed_in_user(request))
                 .filter(plan=plan).first()},
        save=lambda: services.review_ask(actor=signed_in_user(request), plan=plan,
                                         details=form.cleaned_data["details"]),
        success=lambda schedule: "You have asked for a review. " + (
            f"Your next review is now due by {format_date(schedule.due_on)}"
            if schedule.due_on else "Your coordinator will arrange it"),
        done=_person_url(person) + "#review",
    )


@login_required
@require_http_methods(["GET", "POST"])
def coordinator_change(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = person_or_404(request, person_id, purpose="portal_coordinator")
    _need(request, person, Ability.REQUEST_REVIEW)
    form = CoordinatorChangeForm(request.POST or None)
    return form_page(
        request, form, template="portal/coordinator_change.jinja",
        context={"person": person, "whose": _whose(request, person),
                 "coordinator": person_care_team(person=person, include_ended=False)
                 .filter(is_named_coordinator=True).first()},
        save=lambda: services.coordinator_change_ask(actor=signed_in_user(request), person=person,
                                                     **form.service_data()),
        success=lambda _: "You have asked for a different coordinator. Their team will "
                          "answer you",
        done=_person_url(person) + "#coordinator",
    )


# --- agreeing the plan ----------------------------------------------------------------------------

PLAN_CHANGED = ("The plan changed while you were reading it. Read it again, then agree it if it "
                "is right")


class _ReadAgain(Exception):
    pass


def _agree_unless_changed(**kwargs: Any) -> Any:
    try:
        return services.own_plan_agree(**kwargs)
    except (StaleVersion, plan_services.TransitionRefused) as error:
        raise _ReadAgain from error


@login_required
@require_http_methods(["GET", "POST"])
def agree(request: HttpRequest, person_id: Any) -> HttpResponse:
    """The person (or a representative who may decide for them) agrees the plan they have read,
    once it is ready: each statement that applies, ticked."""
    person, plan = _person_and_plan(request, person_id, purpose="portal_agree")
    _need(request, person, Ability.AGREE)
    context: dict[str, Any] = {"person": person, "plan": plan, "whose": _whose(request, person),
                               "ready": plan_services.plan_ready_to_agree(plan)}
    if not context["ready"]:
        return render(request, "portal/agree.jinja", context)
    latest = plan.versions.order_by("-number").first()
    context["changes"] = (describe_changes(latest.snapshot, plan_snapshot(plan))
                          if latest else [])
    context["downloads_url"] = _optional_url("portal_downloads:list", person_id=person.pk)
    form = OwnAgreeForm(request.POST if request.method == "POST" else None,
                        needed=agreements_needed(plan),
                        initial={"version": plan.version,
                                 "read": plan_services.plan_fingerprint(plan)})
    if request.method == "POST" and form.is_valid():
        try:
            agreed = call_service(form, _agree_unless_changed, actor=signed_in_user(request),
                                  plan=plan, version=form.cleaned_data["version"],
                                  read=form.cleaned_data["read"],
                                  agreements=form.cleaned_data["agreements"])
        except _ReadAgain:
            # What they read is not what is there now: back to the plan to read it again.
            messages.warning(request, PLAN_CHANGED)
            return redirect(_person_url(person))
        if agreed is not None:
            messages.success(request, f"Thank you. The plan is agreed (version {agreed.number}). "
                                      "The coordinator has been told")
            return redirect(_person_url(person))
    return render(request, "portal/agree.jinja", {**context, "form": form},
                  status=400 if form.errors else 200)
