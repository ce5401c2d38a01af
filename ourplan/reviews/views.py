"""The reviews pages: when the next review is due and why, circumstances, triggers (the
person's own request among them), starting, writing and finishing a review, and a finished
review. Thin: read through selectors, validate a form, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import call_service, form_page, signed_in_user
from ourplan.people.models import Person
from ourplan.plans import selectors as plan_selectors
from ourplan.plans.models import Plan
from ourplan.plans.workflow import Stage
from ourplan.reviews import inputs, selectors, services
from ourplan.reviews.forms import (
    CircumstancesForm,
    RequestForm,
    ReviewForm,
    StartForm,
    TriggerForm,
)
from ourplan.reviews.models import DP_OBLIGATIONS, Review

CAN_START = (Stage.MAKE_IT_HAPPEN, Stage.REVIEW)
FINISHED = ("Review finished. The plan is back at the conversation stage: adapt it with them, "
            "then agree it again to make the next version")
NOT_FINISHED = ("Your answers have been saved, but the review cannot be finished yet. "
                "Answer the questions listed")


def _person_and_plan(request: HttpRequest, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    try:
        return plan_selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                              purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one, which must still be validated)."""
    return request.POST if request.method == "POST" else None


def _require_change(request: HttpRequest, person: Person) -> None:
    if not request.user.has_perm("reviews.change_review", person):
        raise PermissionDenied


def _page_url(person: Person) -> str:
    return reverse("reviews:page", kwargs={"person_id": person.pk})


@login_required
@require_http_methods(["GET"])
def reviews_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="reviews")
    # Worked out again as the page opens, so what it shows (and the lists) are never stale.
    schedule = services.review_schedule_refresh(plan=plan)
    overview = selectors.reviews_overview(user=signed_in_user(request), plan=plan,
                                          schedule=schedule)
    return render(request, "reviews/page.jinja", {
        "person": person, "plan": plan, "overview": overview,
        "today": timezone.localdate(),
        "can_change": request.user.has_perm("reviews.change_review", person),
        "can_start": plan.stage in CAN_START and overview.in_progress is None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def circumstances(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="review_circumstances")
    _require_change(request, person)
    current = selectors.review_circumstances(user=signed_in_user(request), plan=plan)
    form = CircumstancesForm(_posted(request),
                             initial=CircumstancesForm.initial_for(current))
    return form_page(
        request, form, template="reviews/circumstances_form.jinja",
        context={"person": person},
        save=lambda: services.review_circumstances_update(
            actor=signed_in_user(request), plan=plan, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda _: "Circumstances saved. The next review date has been worked out again",
        done=_page_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def trigger_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="review_trigger")
    _require_change(request, person)
    form = TriggerForm(_posted(request))
    return form_page(
        request, form, template="reviews/trigger_form.jinja",
        context={"person": person, "heading": "Record something that brings the review "
                                              "forward"},
        save=lambda: services.review_trigger_record(actor=signed_in_user(request), plan=plan,
                                                    **form.service_data()),
        success=lambda t: f"Recorded: {t.get_reason_display().lower()}",
        done=_page_url(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="review_request")
    _require_change(request, person)
    form = RequestForm(_posted(request), initial={"occurred_on": timezone.localdate()})
    return form_page(
        request, form, template="reviews/trigger_form.jinja",
        context={"person": person, "heading": "They have asked for a review"},
        save=lambda: services.review_trigger_record(actor=signed_in_user(request), plan=plan,
                                                    **form.service_data()),
        success=lambda _: "Their request for a review is recorded",
        done=_page_url(person),
    )


@login_required
@require_POST
def review_start(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="review_start")
    _require_change(request, person)
    form = StartForm(request.POST)
    review = None
    if form.is_valid():
        review = call_service(form, services.review_start, actor=signed_in_user(request), plan=plan,
                              version=form.cleaned_data["version"])
    if review is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors())
                       or "The review could not be started. Try again")
        return redirect(_page_url(person))
    messages.success(request, "Review started")
    return redirect("reviews:review", person_id=person.pk, review_id=review.pk)


def _review_form(review: Review, plan: Plan, data: Any) -> ReviewForm:
    return ReviewForm(data, review=review, outcomes=services.current_outcomes(plan),
                      has_budget=inputs.has_budget(plan),
                      has_direct_payment=inputs.has_direct_payment(plan))


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, person_id: Any, review_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="review")
    try:
        review = selectors.review_get(user=signed_in_user(request), plan=plan, review_id=review_id)
    except NotFound as error:
        raise Http404 from error
    can_change = request.user.has_perm("reviews.change_review", person)
    if review.is_completed or not can_change:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "reviews/review_done.jinja",
                      {"person": person, "review": review, "dp_obligations": DP_OBLIGATIONS})

    form = _review_form(review, plan, _posted(request))
    finishing = "finish" in request.POST
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.review_update, actor=signed_in_user(request),
                             review=review,
                             version=form.cleaned_data["version"], data=form.service_data())
        if saved is not None and not finishing:
            messages.success(request, "Review saved")
            return redirect(_page_url(person))
        if saved is not None:
            # The answers are saved; the form goes on from the saved version.
            data = request.POST.copy()
            data["version"] = str(saved.version)
            form = _review_form(saved, plan, data)
            form.is_valid()
            if call_service(form, services.review_complete, actor=signed_in_user(request),
                            review=saved, version=saved.version) is not None:
                messages.success(request, FINISHED)
                return redirect("reviews:review", person_id=person.pk, review_id=review.pk)
            form.add_error(None, NOT_FINISHED)
    return render(request, "reviews/review_form.jinja", {
        "person": person, "plan": plan, "review": review, "form": form,
        "dp_obligations": DP_OBLIGATIONS, "conflict": [],
    }, status=400 if form.errors else 200)
