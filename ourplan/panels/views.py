"""Pages for risk enablement panels: refer a hard decision from the person's plan, read a
referral and what to tell the person, record the panel's decision, record that it was shared,
mark it as a local principle, search past decisions, read the ICB's local principles.
Thin: read through selectors, validate a form, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ourplan.core.errors import NotFound
from ourplan.core.views_helpers import form_page, signed_in_user
from ourplan.panels import selectors, services
from ourplan.panels.forms import (
    DecisionForm,
    PrincipleForm,
    PrinciplesSearchForm,
    ReferralForm,
    SearchForm,
    ShareForm,
)
from ourplan.panels.models import PanelReferral
from ourplan.panels.presenters import panel_members, what_to_tell_the_person
from ourplan.panels.workflow import ReferralStatus
from ourplan.people import selectors as people_selectors
from ourplan.plans import selectors as plan_selectors


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _posted(request: HttpRequest) -> Any:
    """The form's data on a POST, even an empty one (which must show what is missing)."""
    return request.POST if request.method == "POST" else None


def _referral(request: HttpRequest, referral_id: Any, purpose: str) -> PanelReferral:
    try:
        return selectors.panel_referral_get(user=signed_in_user(request), referral_id=referral_id,
                                            purpose=purpose)
    except NotFound as error:
        raise Http404 from error


def _without_page(request: HttpRequest) -> str:
    """The search as asked, for the links to other pages of it."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _detail_url(referral: PanelReferral) -> str:
    return reverse("panels:detail", kwargs={"referral_id": referral.pk})


@login_required
@require_http_methods(["GET"])
def referral_list(request: HttpRequest) -> HttpResponse:
    """Past referrals and decisions, to search so that repeated decisions become principles."""
    _require(request, "panels.search")
    form = SearchForm(request.GET if request.GET.keys() - {"page"} else None)
    result = selectors.panel_referral_search(user=signed_in_user(request), **form.filters(),
                                             page_number=request.GET.get("page"))
    return render(request, "panels/list.jinja", {
        "form": form, "result": result, "active_nav": "panels",
        "query_string": _without_page(request),
        "can_view_principles": request.user.has_perm("panels.view_principles"),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def principles(request: HttpRequest) -> HttpResponse:
    _require(request, "panels.view_principles")
    form = PrinciplesSearchForm(request.GET if "q" in request.GET else None)
    result = selectors.local_principles(user=signed_in_user(request), query=form.query(),
                                        page_number=request.GET.get("page"))
    return render(request, "panels/principles.jinja", {
        "form": form, "result": result, "active_nav": "principles",
        "query_string": _without_page(request),
        "can_search": request.user.has_perm("panels.search"),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, person_id: Any) -> HttpResponse:
    try:
        person = people_selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                             purpose="panel_referral")
    except NotFound as error:
        raise Http404 from error
    plan = plan_selectors.plan_for_person(user=signed_in_user(request), person=person)
    if plan is None:
        raise Http404
    _require(request, "panels.refer", person)
    form = ReferralForm(_posted(request))
    earlier = selectors.panel_referral_search(user=signed_in_user(request), person=person)
    return form_page(
        request, form, template="panels/refer.jinja",
        context={"person": person, "earlier": earlier},
        save=lambda: services.panel_refer(actor=signed_in_user(request), plan=plan,
                                          data=form.service_data()),
        success=lambda _: "Referred to the risk enablement panel",
        done=_detail_url,
    )


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral(request, referral_id, purpose="view")
    user = request.user
    return render(request, "panels/detail.jinja", {
        "referral": referral, "person": referral.person,
        "options": list(referral.options.all()),
        "members": panel_members(referral),
        "tell": what_to_tell_the_person(referral),
        "can_decide": (referral.status == ReferralStatus.REFERRED
                       and user.has_perm("panels.record_decision", referral)),
        "can_share": (referral.status == ReferralStatus.DECIDED
                      and user.has_perm("panels.share_decision", referral)),
        "can_mark": (referral.is_decided
                     and user.has_perm("panels.mark_principle", referral)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral(request, referral_id, purpose="decision")
    _require(request, "panels.record_decision", referral)
    form = DecisionForm(_posted(request), options=referral.options.all(),
                        candidates=services.panel_member_candidates(referral.icb),
                        initial={"version": referral.version})
    return form_page(
        request, form, template="panels/decide.jinja",
        context={"referral": referral, "person": referral.person},
        save=lambda: services.panel_decision_record(
            actor=signed_in_user(request), referral=referral, version=form.cleaned_data["version"],
            data=form.service_data()),
        success=lambda _: "The panel's decision is recorded. Share it with the person next",
        done=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral(request, referral_id, purpose="share")
    _require(request, "panels.share_decision", referral)
    form = ShareForm(_posted(request), instance=referral,
                     initial={"version": referral.version})
    return form_page(
        request, form, template="panels/share.jinja",
        context={"referral": referral, "person": referral.person,
                 "tell": what_to_tell_the_person(referral)},
        save=lambda: services.panel_decision_share(
            actor=signed_in_user(request), referral=referral, version=form.cleaned_data["version"],
            shared_on=form.cleaned_data["shared_on"], how=form.cleaned_data["shared_how"]),
        success=lambda _: "Recorded that the decision was shared with the person",
        done=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def principle(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = _referral(request, referral_id, purpose="principle")
    _require(request, "panels.mark_principle", referral)
    form = PrincipleForm(_posted(request), instance=referral,
                         initial={"version": referral.version,
                                  "principle_summary": referral.principle_summary})
    return form_page(
        request, form, template="panels/principle.jinja",
        context={"referral": referral, "person": referral.person},
        save=lambda: services.panel_principle_mark(
            actor=signed_in_user(request), referral=referral, version=form.cleaned_data["version"],
            summary=form.cleaned_data["principle_summary"]),
        success=lambda _: "Marked as a local principle: everyone in the ICB can read it",
        done=_detail_url,
    )
