"""The list sections (health, PAs and delegated tasks, risks, contingency, decisions, review):
every kind is editable on pages and through the API, with its own rules."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError

from ourplan.core.errors import StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.plans import services
from ourplan.plans.entries import ENTRY_KINDS, ENTRY_KINDS_BY_SLUG
from ourplan.plans.snapshots import describe_changes, plan_snapshot
from ourplan.plans.workflow import PlanKind, SectionStatus

pytestmark = pytest.mark.django_db

# One valid entry of each kind.
GOOD = {
    "conditions": {"name": "Stroke", "how_it_affects_me": "My right side is weak"},
    "medication": {"name": "Clopidogrel", "dose_and_timing": "75 mg every morning"},
    "allergies": {"substance": "Penicillin", "reaction": "A rash"},
    "links": {"title": "Stroke care plan", "kind": "condition_plan", "owner": "Stroke team",
              "dated": dt.date(2026, 5, 1), "where_held": "Riverside hospital record"},
    "delegated-tasks": {"task": "Night-time CPAP set-up", "accountable": "District nurse lead",
                        "competency_review_date": dt.date(2027, 5, 1)},
    "risks": {"description": "I might fall without my walker", "kind": "clinical",
              "approach": "minimise", "mitigation": "Walker kept by my chair"},
    "contingencies": {"triggers": "My PA is off sick", "what_should_happen": "Bernard helps",
                      "who_to_contact": "Bernard"},
    "decisions": {"kind": "lpa", "decision": "LPA for health and welfare",
                  "where_held": "Kitchen drawer"},
    "review": {"interval_months": 6, "responsible": "Sam Okafor", "how": "At home",
               "how_to_ask": "Phone Sam on 01632 960 010"},
}
# One real change per kind.
UPDATE = {
    "conditions": {"treatment": "Physiotherapy at home"},
    "medication": {"what_for": "To prevent another stroke"},
    "allergies": {"reaction": "Hives"},
    "links": {"where_held": "GP record"},
    "delegated-tasks": {"training": "Shown by the district nurse"},
    "risks": {"approach": "tolerate"},
    "contingencies": {"who_to_contact": "Grace"},
    "decisions": {"by_whom": "Office of the Public Guardian"},
    "review": {"interval_months": 3},
}
# One mistake per kind, and the field it should be reported against.
BAD = {
    "conditions": ({"name": ""}, "name"),
    "medication": ({"name": ""}, "name"),
    "allergies": ({"substance": ""}, "substance"),
    "links": ({"title": "x", "kind": "rumour"}, "kind"),
    "delegated-tasks": ({"task": "x", "accountable": ""}, "accountable"),
    "risks": ({"description": "x", "kind": "clinical", "approach": "ignore"}, "approach"),
    "contingencies": ({"triggers": "", "what_should_happen": "x"}, "triggers"),
    "decisions": ({"kind": "capacity", "decision": "Where I live"}, "capacity"),
    "review": ({"responsible": "Sam", "how": "x", "how_to_ask": "x"}, "planned_date"),
}


@pytest.fixture
def plan(planner, person):
    return services.plan_start(actor=planner, person=person)


def test_every_kind_has_a_good_and_a_bad_example():
    assert set(GOOD) == set(BAD) == set(ENTRY_KINDS_BY_SLUG)


@pytest.mark.parametrize("slug", list(GOOD))
def test_each_kind_is_added_changed_and_removed(planner, plan, slug):
    kind = ENTRY_KINDS_BY_SLUG[slug]

    entry = services.entry_add(actor=planner, plan=plan, kind=kind, data=GOOD[slug])
    changed = services.entry_update(actor=planner, kind=kind, entry=entry, version=1,
                                    data=UPDATE[slug])
    assert changed.version == 2
    with pytest.raises(StaleVersion):
        services.entry_update(actor=planner, kind=kind, entry=entry, version=1, data={})
    services.entry_remove(actor=planner, kind=kind, entry=changed, version=changed.version)

    assert not kind.model._default_manager.filter(plan=plan).exists()
    assert plan.sections.get(section=kind.section).status == SectionStatus.IN_PROGRESS
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {f"plan.{slug}.added", f"plan.{slug}.removed"} <= actions


@pytest.mark.parametrize("slug", list(BAD))
def test_each_kind_refuses_bad_input_naming_the_field(planner, plan, slug):
    data, field = BAD[slug]
    kind = ENTRY_KINDS_BY_SLUG[slug]

    with pytest.raises(ValidationError) as caught:
        services.entry_add(actor=planner, plan=plan, kind=kind, data=data)

    assert field in caught.value.message_dict
    assert not kind.model._default_manager.exists()


def test_review_arrangements_are_one_per_plan(planner, plan):
    kind = ENTRY_KINDS_BY_SLUG["review"]
    services.entry_add(actor=planner, plan=plan, kind=kind, data=GOOD["review"])

    with pytest.raises(ValidationError, match="change it instead"):
        services.entry_add(actor=planner, plan=plan, kind=kind, data=GOOD["review"])


def test_a_review_more_than_a_year_apart_is_refused(planner, plan):
    with pytest.raises(ValidationError) as caught:
        services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["review"],
                           data={**GOOD["review"], "interval_months": 18})
    assert "interval_months" in caught.value.message_dict


def test_sections_outside_a_wellbeing_plan_are_refused(planner, stranger, team):
    stranger.allocations.create(team=team)
    light = services.plan_start(actor=planner, person=stranger, kind=PlanKind.WELLBEING)

    with pytest.raises(ValidationError, match="not part of a personalised wellbeing plan"):
        services.entry_add(actor=planner, plan=light, kind=ENTRY_KINDS_BY_SLUG["risks"],
                           data=GOOD["risks"])


def test_entries_are_in_the_agreed_snapshot_and_the_plain_words_diff(planner, plan):
    before = plan_snapshot(plan)
    services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["contingencies"],
                       data=GOOD["contingencies"])
    review = services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["review"],
                                data={**GOOD["review"], "interval_months": None,
                                      "planned_date": dt.date(2027, 3, 1)})
    middle = plan_snapshot(plan)
    services.entry_update(actor=planner, kind=ENTRY_KINDS_BY_SLUG["review"], entry=review,
                          version=1, data={"planned_date": dt.date(2027, 5, 1)})

    assert "Added contingency plan: My PA is off sick" in describe_changes(before, middle)
    assert ("Review arrangement “At home”: planned review date moved from 2027-03-01 to "
            "2027-05-01") in describe_changes(middle, plan_snapshot(plan))


def _errors(response):
    body = " ".join(response.content.decode().split())
    found = re.findall(r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?) </span>', body)
    return [html.unescape(f) for f in found]


@pytest.mark.parametrize("kind", ENTRY_KINDS, ids=lambda k: k.slug)
def test_each_kind_on_its_pages(client, planner, person, plan, kind):
    client.force_login(planner)
    base = f"/people/{person.pk}/plan"
    data = {}
    for name, value in GOOD[kind.slug].items():
        if isinstance(value, dt.date):
            data.update({f"{name}_day": value.day, f"{name}_month": value.month,
                         f"{name}_year": value.year})
        else:
            data[name] = value
    bad_data, _ = BAD[kind.slug]
    without_review_timing = {k: v for k, v in data.items() if k != "interval_months"}

    section = client.get(f"{base}/details/{kind.section.value}/")
    bad = client.post(f"{base}/entries/{kind.slug}/add/", {**without_review_timing, **bad_data})
    good = client.post(f"{base}/entries/{kind.slug}/add/", data)
    entry = kind.model._default_manager.get(plan=plan)
    edit = client.get(f"{base}/entries/{kind.slug}/{entry.pk}/edit/")
    listed = client.get(f"{base}/details/{kind.section.value}/").content.decode()

    assert section.status_code == 200
    assert bad.status_code == 400
    assert _errors(bad)
    assert good.status_code == 302
    assert edit.status_code == 200
    assert html.escape(kind.title_of(entry)) in listed or kind.title_of(entry) in listed


def test_list_sections_over_the_api(planner, person, plan):
    from ourplan.api.tests.conftest import ApiClient

    api = ApiClient(planner)
    base = f"/people/{person.pk}/plan/entries"

    bad = api.post(f"{base}/contingencies", {"what_should_happen": "Call Bernard"})
    added = api.post(f"{base}/contingencies", {"triggers": "My PA is off sick",
                                               "what_should_happen": "Call Bernard"})
    changed = api.patch(f"{base}/contingencies/{added.json()['id']}",
                        {"version": 1, "who_to_contact": "Bernard"})
    wrong_choice = api.post(f"{base}/risks", {"description": "Falls", "kind": "cosmic",
                                              "approach": "take"})
    listed = api.get(f"{base}/contingencies")
    removed = api.delete(f"{base}/contingencies/{added.json()['id']}?version=2")

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["triggers"]
    assert added.status_code == 201
    assert changed.json()["who_to_contact"] == "Bernard"
    assert wrong_choice.status_code == 422
    assert [e["field"] for e in wrong_choice.json()["errors"]] == ["kind"]
    assert len(listed.json()) == 1
    assert removed.status_code == 204
    assert api.get(f"{base}/unknown-kind").status_code == 404
