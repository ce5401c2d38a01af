"""The plan's pages: the task list, starting a plan, section status, support needs, moving on."""

from __future__ import annotations

import re

import pytest

from ourplan.accounts.models import Role
from ourplan.core.models import AuditEvent
from ourplan.plans import services
from ourplan.plans.models import Plan
from ourplan.plans.workflow import Section, SectionStatus, Stage
from ourplan.testing.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _base(person):
    return f"/people/{person.pk}/plan/"


def _errors(response):
    body = " ".join(response.content.decode().split())
    return re.findall(r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?) </span>', body)


def test_a_person_without_a_plan_offers_to_start_one(client, planner, person):
    client.force_login(planner)

    response = client.get(_base(person))

    assert response.status_code == 200
    assert "does not have a plan yet" in response.content.decode()


def test_starting_a_plan_needs_a_kind(client, planner, person):
    client.force_login(planner)

    response = client.post(_base(person) + "start/", {"kind": "deluxe"})

    assert response.status_code == 400
    assert _errors(response) == ["Select the kind of plan"]
    assert not Plan.objects.exists()


def test_starting_a_plan_shows_its_task_list(client, planner, person):
    client.force_login(planner)

    response = client.post(_base(person) + "start/", {"kind": "wellbeing"})
    page = client.get(_base(person)).content.decode()

    assert response.status_code == 302
    assert Plan.objects.get(person=person).kind == "wellbeing"
    assert "Personalised wellbeing plan" in page
    assert Section.ABOUT_ME.label in page
    assert Section.DECISIONS.label not in page


def test_the_plan_page_audits_the_read_and_does_not_grow_in_queries(
    client, planner, person, django_assert_max_num_queries
):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(planner)
    client.get(_base(person))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as short:
        client.get(_base(person))
    for transition in ("prepare",):
        plan = services.TRANSITION_SERVICES[transition](actor=planner, plan=plan,
                                                        version=plan.version)
    for section in Section:
        plan = services.plan_section_set_status(actor=planner, plan=plan, version=plan.version,
                                                section=section, status="in_progress")
    with CaptureQueriesContext(connection) as longer:
        client.get(_base(person))

    assert len(longer.captured_queries) == len(short.captured_queries)
    assert AuditEvent.objects.filter(action="plan.viewed").count() == 3


def test_a_refused_move_names_the_missing_sections(client, planner, person):
    plan = services.plan_start(actor=planner, person=person)
    plan = services.plan_prepare(actor=planner, plan=plan, version=plan.version)
    client.force_login(planner)

    response = client.post(_base(person) + "move/hold_conversation/",
                           {"version": plan.version})

    body = " ".join(response.content.decode().split())
    assert response.status_code == 400
    assert "There is a problem" in body
    assert ("Complete these sections before moving on: About me and my one-page summary; "
            "What is working and not working; My health") in body
    assert Plan.objects.get(pk=plan.pk).stage == Stage.PREPARATION


def test_moving_on_when_the_sections_are_done(client, planner, person):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(planner)

    response = client.post(_base(person) + "move/prepare/", {"version": plan.version})

    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).stage == Stage.PREPARATION


def test_a_stale_move_is_refused(client, planner, person):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(planner)

    response = client.post(_base(person) + "move/prepare/", {"version": plan.version + 3})

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()


def test_section_status(client, planner, person):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(planner)
    url = _base(person) + "sections/outcomes/"

    refused = client.post(url, {"version": plan.version, "status": "not_applicable"})
    done = client.post(url, {"version": plan.version, "status": "completed"})

    assert refused.status_code == 400
    assert _errors(refused) == ["Select how far this section has got"]
    assert done.status_code == 302
    assert plan.sections.get(section="outcomes").status == SectionStatus.COMPLETED
    assert client.get(_base(person) + "sections/hobbies/").status_code == 404


def test_support_needs_form_messages(client, planner, person):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(planner)

    response = client.post(_base(person) + "support-needs/",
                           {"version": plan.version, "pam_level": "2", "pam_score": "150"})

    assert response.status_code == 400
    assert set(_errors(response)) == {"PAM score must be between 0 and 100",
                                      "Enter the date of the PAM score"}


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_read_only_roles_see_the_plan_but_cannot_change_it(client, team, planner, person, role):
    plan = services.plan_start(actor=planner, person=person)
    client.force_login(UserFactory(role=role, teams=[team]))

    page = client.get(_base(person))

    assert page.status_code == 200
    assert "Move the plan on" not in page.content.decode()
    assert client.post(_base(person) + "move/prepare/",
                       {"version": plan.version}).status_code == 403


def test_someone_outside_the_scope_gets_404(client, planner, person):
    services.plan_start(actor=planner, person=person)
    client.force_login(UserFactory(teams=[TeamFactory()]))

    assert client.get(_base(person)).status_code == 404
    assert client.post(_base(person) + "move/prepare/", {"version": 1}).status_code == 404


def test_the_plan_page_and_api_cost_the_same_for_a_small_and_a_large_plan(
    client, planner, person
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ourplan.api.tests.conftest import ApiClient
    from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG

    plan = services.plan_start(actor=planner, person=person)
    api = ApiClient(planner)
    client.force_login(planner)

    def add_content(n):
        for i in range(n):
            outcome = services.outcome_add(actor=planner, plan=plan,
                                           data={"text": f"I walk to the shop {i} times"})
            services.action_add(actor=planner, plan=plan, data={
                "outcome": outcome, "what": f"Practise {i}", "owner_kind": "person"})
            services.working_entry_add(actor=planner, plan=plan,
                                       data={"kind": "working", "text": f"Thing {i}"})
            services.entry_add(actor=planner, plan=plan, kind=ENTRY_KINDS_BY_SLUG["risks"],
                               data={"description": f"Risk {i}", "kind": "personal",
                                     "approach": "take"})

    def cost():
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/people/{person.pk}/plan/").status_code == 200
        with CaptureQueriesContext(connection) as read:
            assert api.get(f"/people/{person.pk}/plan").status_code == 200
        with CaptureQueriesContext(connection) as outcomes:
            assert client.get(f"/people/{person.pk}/plan/outcomes/").status_code == 200
        return len(page), len(read), len(outcomes)

    add_content(1)
    small = cost()
    add_content(12)

    assert cost() == small
