"""Nobody reaches someone else's record: every page and API endpoint that names a person or one
of their records answers 404 to a person, a representative, a nominee and family of someone
else, to family whose sharing was withdrawn, and to staff with no relationship; the attempt
writes nothing and is audited.

The URLs are read from the URL configuration itself, so a page added later is checked too.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.accounts.services import api_token_create
from ourplan.core.models import AuditEvent
from ourplan.people.models import Person
from ourplan.portal import services as portal_services
from ourplan.testing import governance as make
from ourplan.testing import panels as make_panel
from ourplan.testing import reviews as make_review
from ourplan.testing.factories import TeamAllocationFactory, TeamFactory, UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    grant,
    nominee_of,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db

# Parameters that are not about one person's record: fixed values are fine for them.
FIXED = {"fmt": "pdf", "kind": "risks", "section": "about_me", "transition": "prepare",
         "name": "prepare", "number": "1", "token": "x" * 43}
# Records that are not a person's (delegated authority, PA rates, an account in a password
# link): not part of this check.
NOT_PERSON_DATA = {"authority_id", "rates_id", "uidb64"}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    seen: set[str] = set()
    for route in walk(get_resolver().url_patterns, ""):
        names = {name for _, name in PARAM.findall(route)}
        if route in seen or not names - set(FIXED) - NOT_PERSON_DATA:
            continue
        seen.add(route)
        yield route


ROUTES = sorted(_routes())


def _victim_ids(victim: Any) -> dict[str, str]:
    """For each id parameter, the id of one of the victim's own records where there is one."""
    found: dict[str, str] = {"person_id": str(victim.pk)}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "person" not in names or not isinstance(model._meta.get_field("person"),
                                                   models.ForeignKey | models.OneToOneField):
            continue
        row = model._default_manager.filter(person=victim).first()
        if row is None:
            continue
        key = f"{model._meta.model_name}_id"
        found.setdefault(key, str(row.pk))
    aliases = {"member_id": "careteammember_id", "contact_id": "personalcontact_id",
               "entry_id": "planentry_id", "outcome_id": "outcome_id",
               "action_id": "action_id", "line_id": "costline_id", "holding_id": "holding_id",
               "submission_id": "submission_id", "referral_id": "panelreferral_id",
               "review_id": "review_id", "appeal_id": "appeal_id",
               "reduction_id": "paymentreduction_id", "grant_id": "consentgrant_id",
               "invitation_id": "invitation_id", "proposal_id": "changeproposal_id",
               "request_id": "coordinatorchangerequest_id", "payment_id": "payment_id"}
    plan = victim.plan
    for name, key in aliases.items():
        if key not in found:
            related = {"outcome_id": plan.outcomes.first(), "action_id": plan.actions.first()}
            row = related.get(name)
            if row is not None:
                found[key] = str(row.pk)
        if key in found:
            found[name] = found[key]
    return found


def _url(route: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        return FIXED.get(name) or ids.get(name) or str(uuid.uuid4())

    return "/" + PARAM.sub(value, route)


@pytest.fixture
def victim(team, planner):
    """Someone with a full record: an agreed plan with a budget waiting for sign-off, a
    review trigger, a panel referral, a named coordinator, family, a consent grant, and a
    proposed change and a request for a different coordinator from their representative."""
    person: Person = TeamAllocationFactory.create(team=team).person
    plan, _ = make.direct_payment_plan(planner, person)
    make_review.trigger(planner, plan)
    make_panel.refer(planner, plan)
    grant(person, staff=UserFactory(role=Role.PRACTITIONER))
    circle_member_of(person)
    representative = representative_of(person)
    portal_services.proposal_make(actor=representative, plan=plan, section="risks",
                                  text="Say more about going out alone")
    portal_services.coordinator_change_ask(actor=representative, person=person,
                                           reason="We would like someone nearer")
    return person


@pytest.fixture
def outsiders(person):
    """Everyone who must not reach the victim: the portal users are all someone else's."""
    withdrawn, contact = circle_member_of(person)
    return {
        "the person": the_person(person),
        "a representative": representative_of(person),
        "a nominee": nominee_of(person),
        "family": circle_member_of(person)[0],
        "family after withdrawal": withdrawn,
        "a practitioner with no relationship": UserFactory(
            role=Role.PRACTITIONER, teams=[TeamFactory()]),
        "a commissioner with no relationship": UserFactory(
            role=Role.COMMISSIONER, teams=[TeamFactory()]),
    }, contact


def _state(victim: Any) -> list[tuple[str, Any]]:
    """Every row about the victim, with its last change: nothing may move."""
    rows = []
    for model in apps.get_models():
        if "person" in {f.name for f in model._meta.get_fields()} and model is not AuditEvent:
            for row in model._default_manager.filter(person=victim):
                rows.append((f"{model._meta.label}:{row.pk}", getattr(row, "updated_at", None)))
    return sorted(rows, key=str)


def test_there_are_routes_to_check():
    assert any(r.startswith("people/") for r in ROUTES)
    assert any(r.startswith("api/v1/") for r in ROUTES)
    assert any(r.startswith("my/") for r in ROUTES)


@pytest.mark.parametrize("who", [
    "the person", "a representative", "a nominee", "family", "family after withdrawal",
    "a practitioner with no relationship", "a commissioner with no relationship",
])
def test_every_page_and_endpoint_is_404_for_someone_elses_record(client, victim, outsiders,
                                                                   who):
    users, withdrawn_contact = outsiders
    withdrawn_contact.consent_grants.update(withdrawn_at=timezone.now())
    client.force_login(users[who])
    _, token = api_token_create(user=users[who])
    bearer = {"Authorization": f"Bearer {token}"}
    ids = _victim_ids(victim)
    before = _state(victim)
    refused_before = AuditEvent.objects.filter(person=victim).count()

    def ask(method: str, route: str, url: str) -> Any:
        if route.startswith("api/"):
            body = {} if method == "get" else {"data": json.dumps({}),
                                               "content_type": "application/json"}
            return getattr(client, method)(url, headers=bearer, **body)
        return getattr(client, method)(url, data={})

    leaks = []
    for route in ROUTES:
        url = _url(route, ids)
        for method in ("get", "post", "patch", "put", "delete"):
            response = ask(method, route, url)
            # 405: the URL does not take this method at all, whoever asks.
            if response.status_code in (404, 405):
                continue
            # The API checks a request body's shape before it looks anyone up; that is no
            # leak as long as the answer is the same for ids that exist nowhere.
            nowhere = ask(method, route, _url(route, {}))
            if (response.status_code == 422 and method != "get"
                    and (nowhere.status_code, nowhere.content) == (422, response.content)):
                continue
            leaks.append(f"{method.upper()} {url} -> {response.status_code}")

    assert leaks == []
    assert _state(victim) == before
    assert AuditEvent.objects.filter(person=victim).count() > refused_before


def test_the_same_urls_reach_the_record_for_someone_who_may_see_it(client, victim, planner):
    """The check above is only worth something if its URLs name real records: the victim's own
    practitioner gets each page that has a GET, bar those whose record the victim lacks."""
    client.force_login(planner)
    _, token = api_token_create(user=planner)
    ids = _victim_ids(victim)
    missing = []
    for route in ROUTES:
        if route.startswith("my/"):
            continue
        headers = {"Authorization": f"Bearer {token}"} if route.startswith("api/") else {}
        response = client.get(_url(route, ids), headers=headers)
        if response.status_code == 404:
            missing.append(route)
    assert len(missing) <= len(ROUTES) // 4, missing


def test_the_persons_own_pages_reach_their_record(client, victim):
    """Likewise for /my/: the victim's own account gets their pages with these URLs."""
    client.force_login(the_person(victim))
    ids = _victim_ids(victim)
    mine = [route for route in ROUTES if route.startswith("my/")]
    missing = [route for route in mine if client.get(_url(route, ids)).status_code == 404]
    assert len(mine) >= 10
    assert len(missing) <= len(mine) // 4, missing
