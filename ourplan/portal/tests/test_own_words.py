"""The person changes their own words directly: about me, working / not working and how their
outcomes are worded. An informal review: audited, the coordinator told, the plan now differs
from the agreed version. Versions still catch a stale edit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ourplan.core.errors import NotAllowed
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.people.choices import RepresentativeBasis
from ourplan.plans import services as plan_services
from ourplan.plans.models import AboutMe, Outcome, WorkingEntry
from ourplan.plans.services import plan_is_agreed_as_it_is
from ourplan.portal import services
from ourplan.testing import governance as gov
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import circle_member_of, representative_of, the_person

pytestmark = pytest.mark.django_db

ABOUT = {"appreciated": "I am funny", "important": "My garden and my grandchildren",
         "support": "Talk to me, not about me", "health_summary": "Stroke in 2024",
         "communication": "", "please_do": "", "please_dont": "", "written_with": ""}


def _url(name, person, **kwargs):
    return reverse(f"portal:{name}", kwargs={"person_id": person.pk, **kwargs})


@pytest.fixture
def coordinator(person):
    return gov.named_coordinator(person, user=UserFactory(email="sam@nhs.net"))


@pytest.fixture
def plan(planner, person, coordinator):
    return gov.ready_plan(planner, person)


def test_given_the_person_when_they_save_about_me_then_it_is_an_informal_review(
        client, person, plan):
    user = the_person(person)
    client.force_login(user)

    response = client.post(_url("about_me", person), {**ABOUT, "version": 2})

    assert response.status_code == 302
    about = AboutMe.objects.get(plan=plan)
    assert about.important == "My garden and my grandchildren"
    assert AuditEvent.objects.filter(actor=user, action="plan.about_me_updated").exists()
    assert AuditEvent.objects.filter(actor=user, action="plan.changed_by_person",
                                     person=person).exists()
    message = Message.objects.get(person=person, key__startswith="portal.own_words.")
    assert message.recipients == ["sam@nhs.net"]
    plan.refresh_from_db()
    assert not plan_is_agreed_as_it_is(plan)


def test_given_the_person_changed_their_words_when_staff_open_the_plan_then_they_see_it(
        client, person, plan, planner):
    services.own_about_me_update(actor=the_person(person), plan=plan, version=2,
                                 data={"important": "My dog Bess"})
    client.force_login(planner)

    body = client.get(reverse("plans:detail", kwargs={"person_id": person.pk})).content.decode()

    assert "What has changed since version 1 was agreed" in body
    assert "Bess" in body


def test_given_someone_saved_first_when_the_person_saves_then_they_see_the_conflict(
        client, person, plan, planner):
    plan_services.about_me_update(actor=planner, plan=plan, version=2,
                                  data={"important": "Saved by Sam"})
    client.force_login(the_person(person))

    response = client.post(_url("about_me", person), {**ABOUT, "version": 2})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record" in body
    assert 'id="conflict"' in body
    assert "Saved by Sam" in body
    assert AboutMe.objects.get(plan=plan).important == "Saved by Sam"


def test_given_nothing_changed_when_the_person_saves_then_the_coordinator_is_not_told(
        person, plan):
    about = AboutMe.objects.get(plan=plan)

    services.own_about_me_update(actor=the_person(person), plan=plan, version=about.version,
                                 data={"important": about.important})

    assert not Message.objects.filter(person=person).exists()
    assert not AuditEvent.objects.filter(action="plan.changed_by_person").exists()


def test_given_the_person_then_they_add_change_and_remove_working_entries(
        client, person, plan):
    client.force_login(the_person(person))

    added = client.post(_url("working", person),
                        {"kind": "not_working", "text": "Getting to the shops",
                         "perspective": "person"})
    entry = WorkingEntry.objects.get(plan=plan, text="Getting to the shops")
    changed = client.post(_url("working_edit", person, entry_id=entry.pk),
                          {"kind": "not_working", "text": "Getting to the shops on my own",
                           "perspective": "person", "version": entry.version})
    entry.refresh_from_db()
    removed = client.post(_url("working_remove", person, entry_id=entry.pk),
                          {"version": entry.version})

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert not WorkingEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(action="plan.changed_by_person").count() == 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan.working_entry_added", "plan.working_entry_updated",
            "plan.working_entry_removed"} <= actions


def test_given_an_empty_entry_when_the_person_adds_it_then_the_message_is_beside_the_field(
        client, person, plan):
    client.force_login(the_person(person))

    response = client.post(_url("working", person), {"kind": "working", "text": "",
                                                     "perspective": "person"})

    assert response.status_code == 400
    assert "Describe what is working or not working" in response.content.decode()


def test_given_the_person_then_they_change_how_an_outcome_is_worded(client, person, plan):
    outcome = Outcome.objects.get(plan=plan)
    client.force_login(the_person(person))

    page = client.get(_url("outcome_edit", person, outcome_id=outcome.pk))
    response = client.post(_url("outcome_edit", person, outcome_id=outcome.pk),
                           {"text": "I make my own tea and toast", "version": outcome.version,
                            "status": "achieved", "rough_cost": "9999"})

    assert page.status_code == 200
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.text == "I make my own tea and toast"
    assert outcome.status == "not_started"  # only the wording is taken from the page
    assert outcome.rough_cost is None


def test_given_the_person_when_they_try_to_change_an_outcomes_status_then_it_is_refused(
        person, plan):
    outcome = Outcome.objects.get(plan=plan)

    with pytest.raises(ValidationError) as refused:
        plan_services.outcome_update(actor=the_person(person), outcome=outcome,
                                     version=outcome.version,
                                     data={"text": "Mine", "status": "achieved"})

    assert "status" in refused.value.message_dict
    outcome.refresh_from_db()
    assert outcome.text != "Mine"


def test_given_a_planner_then_they_still_change_everything_about_an_outcome(
        person, plan, planner):
    outcome = Outcome.objects.get(plan=plan)

    plan_services.outcome_update(actor=planner, outcome=outcome, version=outcome.version,
                                 data={"status": "in_progress"})

    outcome.refresh_from_db()
    assert outcome.status == "in_progress"


def test_given_an_empty_outcome_when_the_person_saves_then_the_message_is_beside_the_field(
        client, person, plan):
    outcome = Outcome.objects.get(plan=plan)
    client.force_login(the_person(person))

    response = client.post(_url("outcome_edit", person, outcome_id=outcome.pk),
                           {"text": "", "version": outcome.version})

    assert response.status_code == 400
    assert "Write what you want to achieve, in your own words" in response.content.decode()


def test_given_a_representative_with_lasting_power_of_attorney_then_they_edit_own_words(
        person, plan):
    user = representative_of(person, basis=RepresentativeBasis.LPA_HEALTH_WELFARE)

    services.own_about_me_update(actor=user, plan=plan, version=2,
                                 data={"important": "Her cat"})

    assert AboutMe.objects.get(plan=plan).important == "Her cat"


@pytest.mark.parametrize("who", ["representative_other", "circle"])
def test_given_someone_who_may_not_edit_then_the_services_refuse(person, plan, who):
    user = (representative_of(person, basis=RepresentativeBasis.OTHER)
            if who == "representative_other" else circle_member_of(person)[0])
    entry = WorkingEntry.objects.get(plan=plan)

    with pytest.raises(NotAllowed):
        plan_services.about_me_update(actor=user, plan=plan, version=2,
                                      data={"important": "Not theirs"})
    with pytest.raises(NotAllowed):
        plan_services.working_entry_remove(actor=user, entry=entry, version=entry.version)
    assert not user.has_perm("plans.change_own_words", person)


def test_given_a_circle_member_when_they_open_the_edit_page_then_403(client, person, plan):
    user, _ = circle_member_of(person)
    client.force_login(user)

    assert client.get(_url("about_me", person)).status_code == 403
    assert client.get(_url("working", person)).status_code == 403


def test_given_the_person_then_they_cannot_edit_someone_elses_words(
        client, person, plan, stranger):
    client.force_login(the_person(person))

    assert client.get(_url("about_me", stranger)).status_code == 404
    assert client.post(_url("about_me", stranger), {**ABOUT, "version": 1}).status_code == 404


def test_given_staff_shared_with_by_consent_then_they_cannot_change_own_words(person, plan):
    from ourplan.testing.portal import grant

    reader = UserFactory(role="practitioner")
    grant(person, staff=reader)

    assert reader.has_perm("plans.view_plan", person)
    assert not reader.has_perm("plans.change_own_words", person)
