"""Agreeing a plan: an immutable snapshot, a plain-words account of what changed since, and
no putting into action a plan that was changed after it was agreed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from ourplan.plans import services
from ourplan.plans.models import PlanHistoryIsAppendOnly, PlanVersion
from ourplan.plans.services import TransitionRefused
from ourplan.plans.snapshots import describe_changes, plan_snapshot
from ourplan.plans.workflow import NEEDED_TO_LEAVE, TRANSITIONS, SectionStatus, Stage
from ourplan.testing.factories import PersonalContactFactory

pytestmark = pytest.mark.django_db


def _walk_to_recording(plan, actor):
    for transition in TRANSITIONS[:3]:
        for section in NEEDED_TO_LEAVE[Stage(plan.stage)]:
            plan = services.plan_section_set_status(actor=actor, plan=plan,
                                                    version=plan.version, section=section,
                                                    status=SectionStatus.COMPLETED)
        plan = services.TRANSITION_SERVICES[transition.name](actor=actor, plan=plan,
                                                             version=plan.version)
    for section in NEEDED_TO_LEAVE[Stage.RECORD_AND_AGREE]:
        plan = services.plan_section_set_status(actor=actor, plan=plan, version=plan.version,
                                                section=section,
                                                status=SectionStatus.COMPLETED)
    assert plan.stage == Stage.RECORD_AND_AGREE
    return plan


@pytest.fixture
def plan(planner, person):
    plan = services.plan_start(actor=planner, person=person)
    services.about_me_update(actor=planner, plan=plan, version=1,
                             data={"important": "My husband and my 2 children"})
    outcome = services.outcome_add(actor=planner, plan=plan, data={
        "text": "I go out for lunch with my friends once a month"})
    services.action_add(actor=planner, plan=plan, data={
        "outcome": outcome, "what": "Agree a set visit time", "owner_kind": "service",
        "by_when": dt.date(2027, 1, 31)})
    plan.refresh_from_db()
    return _walk_to_recording(plan, planner)


def _agree(planner, plan, **kwargs):
    plan.refresh_from_db()
    options = {"agreed_by": "person", "how": "Signed at home with Sam", **kwargs}
    return services.plan_agree(actor=planner, plan=plan, version=plan.version, **options)


def test_agreeing_freezes_a_numbered_snapshot_of_the_whole_plan(planner, plan):
    agreed = _agree(planner, plan)

    assert agreed.number == 1
    assert agreed.agreed_by_name == plan.person.full_name
    assert agreed.snapshot["about_me"]["important"] == "My husband and my 2 children"
    assert agreed.snapshot["outcomes"][0]["actions"][0]["what"] == "Agree a set visit time"
    with pytest.raises(PlanHistoryIsAppendOnly):
        agreed.save()
    with pytest.raises(PlanHistoryIsAppendOnly):
        PlanVersion.objects.filter(pk=agreed.pk).update(how="x")


def test_later_edits_make_a_new_draft_and_leave_the_agreed_version_alone(planner, plan):
    agreed = _agree(planner, plan)
    services.about_me_update(actor=planner, plan=plan, version=2,
                             data={"important": "My husband, my children and my sisters"})

    assert PlanVersion.objects.get(pk=agreed.pk).snapshot["about_me"]["important"] == \
        "My husband and my 2 children"
    assert not services.plan_is_agreed_as_it_is(plan)
    assert _agree(planner, plan).number == 2


def test_what_changed_since_the_last_agreed_version_in_plain_words(planner, plan):
    agreed = _agree(planner, plan)
    outcome = plan.outcomes.get()
    action = outcome.actions.get()
    services.action_update(actor=planner, action=action, version=1,
                           data={"by_when": dt.date(2027, 3, 1)})
    services.outcome_add(actor=planner, plan=plan,
                         data={"text": "I see my daughter at least once a fortnight"})
    services.working_entry_add(actor=planner, plan=plan,
                               data={"kind": "working", "text": "Weekly calls with my sisters"})

    changes = describe_changes(agreed.snapshot, plan_snapshot(plan))

    assert "Added outcome: I see my daughter at least once a fortnight" in changes
    assert "Added to what is working: Weekly calls with my sisters" in changes
    assert ("Action “Agree a set visit time”: by when moved from 2027-01-31 to 2027-03-01"
            in changes)


def test_nothing_changed_is_nothing_to_agree(planner, plan):
    _agree(planner, plan)

    with pytest.raises(ValidationError, match="Nothing has changed since version 1"):
        _agree(planner, plan)


def test_given_the_plan_came_back_after_a_review_unchanged_then_it_is_agreed_again(planner,
                                                                                 plan):
    _agree(planner, plan)
    plan.refresh_from_db()
    for move in ("make_it_happen", "review", "start_again", "record"):
        plan = services.TRANSITION_SERVICES[move](actor=planner, plan=plan,
                                                  version=plan.version)

    again = _agree(planner, plan)

    # Nothing changed, but agreeing it after the review is the next version.
    assert again.number == 2
    with pytest.raises(ValidationError, match="Nothing has changed since version 2"):
        _agree(planner, plan)


def test_a_representative_must_be_a_representative_in_the_circle(planner, plan, person):
    daughter = PersonalContactFactory(person=person, contact_types=["next_of_kin"])
    deputy = PersonalContactFactory(person=person, contact_types=["representative"],
                                    representative_basis="court_deputy", name="Linda Ellison")

    with pytest.raises(ValidationError) as missing:
        _agree(planner, plan, agreed_by="representative")
    with pytest.raises(ValidationError) as not_rep:
        _agree(planner, plan, agreed_by="representative", representative=daughter)
    agreed = _agree(planner, plan, agreed_by="representative", representative=deputy)

    assert "representative" in missing.value.message_dict
    assert "representative" in not_rep.value.message_dict
    assert agreed.agreed_by_name == "Linda Ellison"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"how": "  "}, "how"),
    ({"agreed_by": "the cat"}, "agreed_by"),
])
def test_agreement_needs_who_and_how(planner, plan, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        _agree(planner, plan, **kwargs)
    assert field in caught.value.message_dict
    assert not PlanVersion.objects.exists()


def test_a_plan_is_only_agreed_at_record_and_agree(planner, person, team, stranger):
    stranger.allocations.create(team=team)
    early = services.plan_start(actor=planner, person=stranger)

    with pytest.raises(TransitionRefused, match="record and agree stage"):
        services.plan_agree(actor=planner, plan=early, version=early.version,
                            agreed_by="person", how="By phone")


def test_it_cannot_be_put_into_action_until_agreed_as_it_is(planner, plan):
    plan.refresh_from_db()
    with pytest.raises(TransitionRefused, match="must agree the plan as it is now"):
        services.plan_make_it_happen(actor=planner, plan=plan, version=plan.version)

    _agree(planner, plan)
    services.working_entry_add(actor=planner, plan=plan,
                               data={"kind": "strength", "text": "A good listener"})
    plan.refresh_from_db()
    with pytest.raises(TransitionRefused):
        services.plan_make_it_happen(actor=planner, plan=plan, version=plan.version)

    _agree(planner, plan)
    plan.refresh_from_db()
    moved = services.plan_make_it_happen(actor=planner, plan=plan, version=plan.version)
    assert moved.stage == Stage.MAKE_IT_HAPPEN


def test_the_agree_page_and_the_version_page(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/agree/"
    plan.refresh_from_db()

    bad = client.post(url, {"version": plan.version, "agreed_by": "", "how": ""})
    good = client.post(url, {"version": plan.version, "agreed_by": "person",
                             "how": "Signed at home"})
    page = client.get(f"/people/{person.pk}/plan/").content.decode()
    version = client.get(f"/people/{person.pk}/plan/versions/1/")

    assert bad.status_code == 400
    assert "Select who agreed the plan" in bad.content.decode()
    assert good.status_code == 302
    assert "Version 1" in page
    assert "Nothing: the plan is as it was agreed." in page
    assert "lunch with my friends once a month" in version.content.decode()
    assert client.get(f"/people/{person.pk}/plan/versions/2/").status_code == 404


def _shown(page):
    """The version and the plan's fingerprint an agree page carries in its hidden fields."""
    html = page.content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    read = re.search(r'name="read" value="([0-9a-f]{64})"', html).group(1)
    return {"version": version, "read": read}


AGREED_AT_HOME = {"agreed_by": "person", "how": "Signed at home with Sam"}


def test_given_the_agree_page_then_it_records_the_plan_it_showed(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/agree/"
    plan.refresh_from_db()

    shown = _shown(client.get(url))
    response = client.post(url, {**shown, **AGREED_AT_HOME})

    assert shown["read"] == services.plan_fingerprint(plan)
    assert response.status_code == 302
    agreed = PlanVersion.objects.get(plan=plan)
    assert agreed.snapshot["about_me"]["important"] == "My husband and my 2 children"


def test_given_about_me_changed_while_it_was_recorded_then_nothing_is_agreed_until_checked(
        client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/agree/"
    plan.refresh_from_db()
    shown = _shown(client.get(url))
    services.about_me_update(actor=planner, plan=plan, version=plan.about_me.version,
                             data={"important": "My husband, my children and my allotment"})

    refused = client.post(url, {**shown, **AGREED_AT_HOME})

    body = refused.content.decode()
    assert refused.status_code == 400
    assert "The plan changed while you were recording the agreement" in body
    assert "There is a problem" in body
    assert not PlanVersion.objects.filter(plan=plan).exists()
    # Shown again as the plan is now: once checked with them, it can be recorded.
    plan.refresh_from_db()
    again = _shown(refused)
    assert again["read"] == services.plan_fingerprint(plan) != shown["read"]
    assert again["version"] == str(plan.version)
    assert client.post(url, {**again, **AGREED_AT_HOME}).status_code == 302
    agreed = PlanVersion.objects.get(plan=plan)
    assert agreed.snapshot["about_me"]["important"] == "My husband, my children and my allotment"


def test_agreeing_over_the_api_and_the_changes_since(planner, person, plan):
    from ourplan.api.tests.conftest import ApiClient

    api = ApiClient(planner)
    path = f"/people/{person.pk}/plan"
    plan.refresh_from_db()

    agreed = api.post(f"{path}/agree", {"version": plan.version, "agreed_by": "person",
                                        "how": "By phone"})
    api.post(f"{path}/working", {"kind": "working", "text": "My new stoma nurse"})
    whole = api.get(path).json()
    bad_rep = api.post(f"{path}/agree", {"version": whole["version"],
                                         "agreed_by": "representative", "how": "x",
                                         "representative": str(person.pk)})

    assert agreed.status_code == 201
    assert agreed.json()["number"] == 1
    assert whole["changes_since_agreed"] == ["Added to what is working: My new stoma nurse"]
    assert bad_rep.status_code == 422
    assert [e["field"] for e in bad_rep.json()["errors"]] == ["representative"]
