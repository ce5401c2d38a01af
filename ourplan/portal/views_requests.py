"""Staff answer what the person asked from their own pages: proposed changes to the plan
(accept, or decline with a reason) and requests for a different named coordinator (done, or
decline with a reason). Anyone who can see the plan reads the list; planners who work with the
person answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import form_page, signed_in_user
from ourplan.people.models import Person
from ourplan.plans.models import Plan
from ourplan.plans.selectors import person_and_plan
from ourplan.portal import selectors, services
from ourplan.portal.forms import AnswerForm
from ourplan.portal.models import ChangeProposal, CoordinatorChangeRequest


def _person_and_plan(request: HttpRequest, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    if getattr(request.user, "is_portal_user", False):
        raise Http404
    try:
        return person_and_plan(user=signed_in_user(request), person_id=person_id, purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _list_url(person: Person) -> str:
    return reverse("portal_requests:list", kwargs={"person_id": person.pk})


def _can_answer(request: HttpRequest, person: Person) -> dict[str, bool]:
    return {"proposals": request.user.has_perm("plans.change_plan", person),
            "coordinator": request.user.has_perm("people.change_care_team", person)}


@login_required
@require_http_methods(["GET"])
def request_list(request: HttpRequest, person_id: Any) -> HttpResponse:
    person, plan = _person_and_plan(request, person_id, purpose="plan_requests")
    user = signed_in_user(request)
    proposals = selectors.plan_proposals(user=user, plan=plan)
    requests = selectors.person_coordinator_requests(user=user, person=person)
    return render(request, "portal/requests.jinja", {
        "person": person, "plan": plan, "can_answer": _can_answer(request, person),
        "open_proposals": [p for p in proposals if p.is_open],
        "past_proposals": [p for p in proposals if not p.is_open],
        "open_requests": [r for r in requests if r.is_open],
        "past_requests": [r for r in requests if not r.is_open],
    })


def _proposal(request: HttpRequest, plan: Plan, proposal_id: Any) -> ChangeProposal:
    try:
        return selectors.proposal_get(user=signed_in_user(request), plan=plan,
                                      proposal_id=proposal_id)
    except NotFound as error:
        raise Http404 from error


def _coordinator_request(request: HttpRequest, person: Person,
                         request_id: Any) -> CoordinatorChangeRequest:
    try:
        return selectors.coordinator_request_get(user=signed_in_user(request), person=person,
                                                 request_id=request_id)
    except NotFound as error:
        raise Http404 from error


@dataclass(frozen=True)
class _Answerable:
    """One kind of request staff answer: who may answer it, the word for it (the service's
    keyword and the page's), the service's keyword for the answer, the URL's keyword for its
    id, and how to find it on the person's plan."""

    perm: str
    what: str
    answer_arg: str
    id_kwarg: str
    find: Callable[[HttpRequest, Person, Plan, Any], Any]


PROPOSALS = _Answerable(
    perm="plans.change_plan", what="proposal", answer_arg="reason", id_kwarg="proposal_id",
    find=lambda request, _, plan, pk: _proposal(request, plan, pk))
COORDINATOR_REQUESTS = _Answerable(
    perm="people.change_care_team", what="request", answer_arg="response",
    id_kwarg="request_id",
    find=lambda request, person, _, pk: _coordinator_request(request, person, pk))


def _answer_view(kind: _Answerable, *, decline: bool, service: Callable[..., Any],
                 success: str) -> Callable[..., HttpResponse]:
    """A staff page answering one request: only for those with the kind's permission on the
    person; a form for the answer (needed when declining), then `service` and back to the
    list."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, person_id: Any, **ids: Any) -> HttpResponse:
        person, plan = _person_and_plan(request, person_id, purpose="plan_requests")
        if not request.user.has_perm(kind.perm, person):
            raise PermissionDenied
        record = kind.find(request, person, plan, ids[kind.id_kwarg])
        form = AnswerForm(request.POST or None, reason_required=decline,
                          initial={"version": record.version})
        return form_page(
            request, form, template="portal/answer.jinja",
            context={"person": person, "record": record, "what": kind.what,
                     "decline": decline},
            save=lambda: service(actor=signed_in_user(request),
                                 version=form.cleaned_data["version"],
                                 **{kind.answer_arg: form.cleaned_data["reason"],
                                    kind.what: record}),
            success=lambda _: success,
            done=_list_url(person),
        )

    return view


proposal_accept = _answer_view(
    PROPOSALS, decline=False, service=services.proposal_accept,
    success="Proposal accepted. Make the change in the plan")
proposal_decline = _answer_view(
    PROPOSALS, decline=True, service=services.proposal_decline,
    success="Proposal declined. The person can read your reason")
coordinator_done = _answer_view(
    COORDINATOR_REQUESTS, decline=False, service=services.coordinator_change_done,
    success="Request marked as done")
coordinator_decline = _answer_view(
    COORDINATOR_REQUESTS, decline=True, service=services.coordinator_change_decline,
    success="Request declined. The person can read your reason")
