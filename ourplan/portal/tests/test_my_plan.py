"""My plan: who reaches which pages, what each capacity sees, and the header for portal users."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ourplan.core.models import AuditEvent
from ourplan.governance.models import Submission, SubmissionStatus
from ourplan.people.choices import RepresentativeBasis
from ourplan.testing import governance as gov
from ourplan.testing.factories import PersonFactory, TeamAllocationFactory
from ourplan.testing.portal import (
    circle_member_of,
    nominee_of,
    portal_user,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db


def _page(person):
    return reverse("portal:person", kwargs={"person_id": person.pk})


@pytest.fixture
def plan(planner, person):
    """A full plan, agreed, with a named coordinator (Sam Green)."""
    gov.named_coordinator(person, name="Sam Green", phone="01234 567890")
    return gov.ready_plan(planner, person)


# --- home ---------------------------------------------------------------------------------------

def test_given_one_person_when_the_user_opens_my_plan_then_they_go_straight_to_it(
        client, person):
    client.force_login(the_person(person))

    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response.url == _page(person)


def test_given_two_people_when_the_user_opens_my_plan_then_both_are_listed_with_capacity(
        client, person):
    other = PersonFactory(given_name="Harold")
    user = representative_of(person)
    nominee_of(other, user=user)
    client.force_login(user)

    response = client.get(reverse("portal:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert person.full_name in body
    assert other.full_name in body
    assert "You are: representative" in body
    assert "nominee (manages the direct payment)" in body


def test_the_header_names_the_person_without_a_staff_role(client, person):
    me = the_person(person)
    client.force_login(me)

    body = client.get(_page(person)).content.decode()

    assert me.display_name in body
    assert me.get_role_display() not in body


def test_given_a_member_of_staff_when_they_open_my_plan_then_it_is_not_found(client, planner):
    client.force_login(planner)

    assert client.get(reverse("portal:home")).status_code == 404


def test_given_no_access_yet_when_the_user_opens_my_plan_then_they_are_told_who_to_ask(client):
    client.force_login(portal_user())

    response = client.get(reverse("portal:home"))

    assert "ask the person's named coordinator" in response.content.decode()


# --- the person's page ------------------------------------------------------------------------

def test_given_the_person_when_they_open_their_page_then_they_see_their_whole_plan(
        client, person, plan):
    client.force_login(the_person(person))

    response = client.get(_page(person))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Your plan</h1>" in body
    assert "My family and my garden" in body               # about me
    assert "Living at home" in body                        # working
    assert "I can make my own cup of tea by the summer" in body  # outcome
    assert "Practise with the OT" in body                  # its action
    assert "I walk to the shop alone" in body              # a risk
    assert "My carer is ill" in body                       # contingency
    assert "Sam Green" in body
    assert "01234 567890" in body  # named coordinator
    assert "The next review is due by" in body
    assert plan.review_schedule.reason in body
    for name in ("about_me", "working", "propose", "review_ask", "coordinator_change", "budget"):
        assert reverse(f"portal:{name}", kwargs={"person_id": person.pk}) in body


def test_given_the_person_when_they_open_their_page_then_the_reads_are_audited(
        client, person, plan):
    user = the_person(person)
    client.force_login(user)

    client.get(_page(person))

    actions = set(AuditEvent.objects.filter(actor=user, person=person)
                  .values_list("action", flat=True))
    assert {"person.viewed", "plan.viewed"} <= actions


def test_given_someone_else_when_a_person_opens_their_page_then_404_and_audited(
        client, person, plan, stranger):
    user = the_person(person)
    client.force_login(user)

    response = client.get(_page(stranger))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=user, person=stranger,
                                     action="person.access_refused").exists()


def test_given_a_member_of_staff_on_the_care_team_when_they_open_the_portal_page_then_404(
        client, planner, person, plan):
    client.force_login(planner)

    assert client.get(_page(person)).status_code == 404


def test_given_a_refused_plan_when_the_person_looks_then_they_see_why_and_how_to_appeal(
        client, person, plan, planner):
    icb = planner.organisation
    authority = gov.matrix(icb)[0]
    Submission.objects.create(
        plan=plan, person=person, risk=1, organisation=icb, authority=authority, level=1,
        status=SubmissionStatus.REFUSED, submitted_by=planner, decided_by=planner,
        reasons="The plan does not say who helps at night", alternatives="A night sitter",
        message_to_person="Dear Cecilia, we cannot sign it off yet.",
        appeal_by="2027-03-01")
    client.force_login(the_person(person))

    body = client.get(_page(person)).content.decode()

    assert "The plan does not say who helps at night" in body
    assert "A night sitter" in body
    assert "How to appeal" in body
    assert "1 March 2027" in body
    assert "NHS complaints procedure" in body
    assert "Dear Cecilia, we cannot sign it off yet." in body


def test_given_a_plan_not_started_when_the_person_looks_then_they_are_told(client, person):
    client.force_login(the_person(person))

    response = client.get(_page(person))

    assert response.status_code == 200
    assert "The plan has not been started yet" in response.content.decode()


# --- what each capacity sees ------------------------------------------------------------------

def test_given_a_circle_member_it_is_shared_with_then_they_see_the_plan_only(
        client, person, plan):
    user, _ = circle_member_of(person)
    client.force_login(user)

    body = client.get(_page(person)).content.decode()

    assert "My family and my garden" in body
    assert "Sam Green" not in body
    assert "Decisions about the plan" not in body
    assert reverse("portal:about_me", kwargs={"person_id": person.pk}) not in body
    assert reverse("portal:propose", kwargs={"person_id": person.pk}) not in body
    assert f"<h1>{person.known_as}&#39;s plan</h1>" in body


def test_given_a_circle_member_not_shared_with_then_the_page_is_not_found(client, person, plan):
    user, _ = circle_member_of(person, shared=False)
    client.force_login(user)

    assert client.get(_page(person)).status_code == 404


def test_given_a_nominee_then_they_see_the_budget_they_manage_and_nothing_else(
        client, person, planner):
    plan = gov.ready_plan(planner, person)
    gov.with_budget(planner, plan)
    user = nominee_of(person)
    client.force_login(user)

    page = client.get(_page(person))
    budget = client.get(reverse("portal:budget", kwargs={"person_id": person.pk}))
    about = client.get(reverse("portal:about_me", kwargs={"person_id": person.pk}))

    assert page.status_code == 302
    assert page.url == reverse("portal:budget", kwargs={"person_id": person.pk})
    body = budget.content.decode()
    assert budget.status_code == 200
    assert "Support worker" in body
    assert "£5,200.00" in body
    assert "Change the budget details" not in body
    assert "My family and my garden" not in body
    assert about.status_code == 404


def test_given_a_representative_on_another_basis_then_they_read_propose_and_ask_not_edit(
        client, person, plan):
    user = representative_of(person, basis=RepresentativeBasis.OTHER)
    client.force_login(user)

    body = client.get(_page(person)).content.decode()
    about = client.get(reverse("portal:about_me", kwargs={"person_id": person.pk}))

    assert "Sam Green" in body
    assert reverse("portal:propose", kwargs={"person_id": person.pk}) in body
    assert reverse("portal:review_ask", kwargs={"person_id": person.pk}) in body
    assert reverse("portal:about_me", kwargs={"person_id": person.pk}) not in body
    assert about.status_code == 403


def test_given_a_representative_of_one_person_then_another_persons_page_is_not_found(
        client, person, plan, team):
    other = TeamAllocationFactory(team=team).person
    client.force_login(representative_of(person))

    assert client.get(_page(other)).status_code == 404
    assert client.get(reverse("portal:budget", kwargs={"person_id": other.pk})).status_code \
        == 404


# --- the header -------------------------------------------------------------------------------

def test_given_a_portal_user_then_the_header_shows_my_plan_and_no_staff_links(
        client, person, plan):
    client.force_login(the_person(person))

    body = client.get(_page(person)).content.decode()

    assert "My plan" in body
    assert "Caseload" not in body
    assert reverse("people:caseload") not in body


def test_given_a_member_of_staff_then_the_header_shows_the_caseload(client, planner):
    client.force_login(planner)

    body = client.get(reverse("people:caseload")).content.decode()

    assert "Caseload" in body
    assert reverse("portal:home") not in body


def test_given_family_the_plan_is_no_longer_shared_with_then_my_plan_does_not_list_it(
        client, person, plan):
    user, _ = circle_member_of(person, shared=False)
    client.force_login(user)

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert person.full_name not in response.content.decode()


def test_given_a_section_that_does_not_apply_then_the_page_leaves_it_out(client, person, plan):
    client.force_login(the_person(person))

    body = client.get(_page(person)).content.decode()

    assert "<h2 id=\"section-health\">My health</h2>" in body
    assert "<h3>Conditions</h3>" in body
    assert "section-personal_assistants" not in body  # marked as not applying, and empty


def test_given_more_outcomes_and_entries_then_the_page_takes_no_more_queries(
        client, person, plan, planner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ourplan.plans import services as plan_services

    client.force_login(the_person(person))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(person)).status_code == 200
        return len(queries)

    count()  # the first page after signing in also starts the session's idle clock
    before = count()
    for n in range(3):
        outcome = plan_services.outcome_add(actor=planner, plan=plan,
                                            data={"text": f"I go swimming {n} times a week"})
        plan_services.action_add(actor=planner, plan=plan, data={
            "outcome": outcome, "what": "Book the pool", "owner_kind": "person"})
        plan_services.working_entry_add(actor=planner, plan=plan,
                                        data={"kind": "strength", "text": f"Strength {n}"})

    assert count() == before
