"""About me (the one-page summary) and what is working / not working: pages, API and rules."""

from __future__ import annotations

import re

import pytest

from ourplan.accounts.models import Role
from ourplan.core.errors import NotAllowed, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.plans import services
from ourplan.plans.models import AboutMe, WorkingEntry
from ourplan.plans.workflow import SectionStatus
from ourplan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(planner, person):
    return services.plan_start(actor=planner, person=person)


def _errors(response):
    body = " ".join(response.content.decode().split())
    return re.findall(r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?) </span>', body)


def _status(plan, section):
    return plan.sections.get(section=section).status


# --- services --------------------------------------------------------------------------------

def test_writing_about_me_puts_the_section_in_progress_and_is_audited(planner, plan):
    about = services.about_me_update(actor=planner, plan=plan, version=1,
                                     data={"important": "My husband, 2 children"})

    assert about.version == 2
    assert _status(plan, "about_me") == SectionStatus.IN_PROGRESS
    event = AuditEvent.objects.get(action="plan.about_me_updated")
    assert event.changes == {"important": ["", "My husband, 2 children"]}


def test_two_people_editing_about_me_cannot_overwrite_each_other(planner, team, plan):
    colleague = UserFactory(role=Role.NAMED_COORDINATOR, teams=[team])
    services.about_me_update(actor=planner, plan=plan, version=1,
                             data={"support": "Remind me to use my walker"})

    with pytest.raises(StaleVersion):
        services.about_me_update(actor=colleague, plan=plan, version=1,
                                 data={"support": "Something else"})

    assert AboutMe.objects.get(plan=plan).support == "Remind me to use my walker"


def test_editing_one_section_does_not_make_another_stale(planner, plan):
    services.working_entry_add(actor=planner, plan=plan,
                               data={"kind": "working", "text": "I speak to my sisters weekly"})

    about = services.about_me_update(actor=planner, plan=plan, version=1,
                                     data={"appreciated": "Funny, organised"})

    assert about.appreciated == "Funny, organised"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_read_only_roles_cannot_write_sections(team, plan, role):
    reader = UserFactory(role=role, teams=[team])
    with pytest.raises(NotAllowed):
        services.about_me_update(actor=reader, plan=plan, version=1, data={"support": "x"})
    with pytest.raises(NotAllowed):
        services.working_entry_add(actor=reader, plan=plan, data={"kind": "working",
                                                                  "text": "x"})


def test_working_entries_are_added_changed_and_removed(planner, plan):
    entry = services.working_entry_add(
        actor=planner, plan=plan,
        data={"kind": "not_working", "text": "I can't make a cup of tea on my own",
              "perspective": "person"})
    entry = services.working_entry_update(actor=planner, entry=entry, version=1,
                                          data={"perspective": "family"})
    services.working_entry_remove(actor=planner, entry=entry, version=2)

    assert not WorkingEntry.objects.exists()
    removed = AuditEvent.objects.get(action="plan.working_entry_removed")
    assert removed.changes["text"] == "I can't make a cup of tea on my own"
    assert _status(plan, "working") == SectionStatus.IN_PROGRESS


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "maybe", "text": "x"}, "kind"),
    ({"kind": "working", "text": ""}, "text"),
    ({"kind": "working", "text": "x" * 1001}, "text"),
    ({"kind": "working", "text": "x", "perspective": "neighbour"}, "perspective"),
    ({"kind": "working", "text": "x", "colour": "red"}, "colour"),
])
def test_working_entries_are_validated(planner, plan, data, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.working_entry_add(actor=planner, plan=plan, data=data)

    assert field in caught.value.message_dict
    assert not WorkingEntry.objects.exists()


# --- pages -----------------------------------------------------------------------------------

def test_about_me_page_saves_and_refuses_a_stale_copy(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/about-me/"

    saved = client.post(url, {"version": "1", "appreciated": "Funny"})
    stale = client.post(url, {"version": "1", "appreciated": "Serious"})

    assert saved.status_code == 302
    assert stale.status_code == 400
    assert "Someone else changed this record" in stale.content.decode()
    assert AboutMe.objects.get(plan=plan).appreciated == "Funny"


def test_working_page_bad_input_has_messages_beside_the_fields(client, planner, person, plan):
    client.force_login(planner)

    response = client.post(f"/people/{person.pk}/plan/working/", {"kind": "", "text": ""})

    assert response.status_code == 400
    assert _errors(response) == ["Select whether it is working, not working or a strength",
                                 "Describe what is working or not working",
                                 "Select whose view this is"]
    assert not WorkingEntry.objects.exists()


def test_working_page_lists_what_was_added(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/working/"

    client.post(url, {"kind": "strength", "text": "A good listener", "perspective": "family"})
    page = client.get(url).content.decode()

    assert "A good listener" in page
    assert "Family or carers" in page


def test_an_entry_of_another_plan_is_not_found(client, planner, person, plan, stranger, team):
    stranger.allocations.create(team=team)
    other = services.plan_start(actor=planner, person=stranger)
    entry = services.working_entry_add(actor=planner, plan=other,
                                       data={"kind": "working", "text": "x"})
    client.force_login(planner)

    response = client.get(f"/people/{person.pk}/plan/working/{entry.pk}/edit/")

    assert response.status_code == 404


def test_a_refused_save_shows_both_versions_so_nothing_is_lost(client, planner, person, plan):
    client.force_login(planner)
    url = f"/people/{person.pk}/plan/about-me/"
    client.post(url, {"version": "1", "appreciated": "Funny and organised"})

    stale = client.post(url, {"version": "1", "appreciated": "A good listener"})

    body = " ".join(stale.content.decode().split())
    assert stale.status_code == 400
    assert "What they saved, and what you entered" in body
    assert "Funny and organised" in body  # theirs, saved
    assert "A good listener" in body  # yours, shown back, not saved
    assert AboutMe.objects.get(plan=plan).appreciated == "Funny and organised"
