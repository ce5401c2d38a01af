"""Who has looked at the plan: the audit trail for one person in plain words, newest first by
day, a page at a time; only this person's events; no internal ids or codes; reading it is
audited; only the person and their representative read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.consent import services, trail
from ourplan.consent.models import Grantee
from ourplan.core.models import AuditEvent
from ourplan.plans import services as plan_services
from ourplan.testing.factories import OrganisationFactory, PersonalContactFactory, UserFactory
from ourplan.testing.portal import circle_member_of, nominee_of, representative_of, the_person

pytestmark = pytest.mark.django_db
SAM = "Sam Okafor, named coordinator at Riverside NHS Trust"


def _url(person, **params):
    return reverse("consent:who_has_looked", kwargs={"person_id": person.pk})


def _event(person, actor, action, when, **changes):
    event = AuditEvent(occurred_at=when, actor=actor, actor_username=actor.username if actor
                       else "", action=action, person=person, object_type="plans.plan",
                       object_id="1234-internal", changes=changes)
    event.save()
    return event


def _at(day, hour, minute):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def sam(team, person):
    """Sam Okafor, the person's named coordinator, at an NHS trust, on their team."""
    organisation = OrganisationFactory(name="Riverside NHS Trust")
    return UserFactory(role=Role.NAMED_COORDINATOR, first_name="Sam", last_name="Okafor",
                       organisation=organisation, teams=[team], username="sokafor")


def test_the_person_reads_who_looked_at_their_plan_in_plain_words(client, planner, person, sam,
                                                                 stranger):
    plan_services.plan_start(actor=planner, person=person)
    me = the_person(person)
    staff = client.__class__()
    staff.force_login(sam)
    assert staff.get(f"/people/{person.pk}/plan/").status_code == 200
    assert staff.get(f"/people/{stranger.pk}/").status_code == 404
    _event(stranger, sam, "plan.viewed", timezone.now(), secret="Stranger's diagnosis")
    looked_at = timezone.localtime(
        AuditEvent.objects.filter(action="plan.viewed", person=person).get().occurred_at)
    _event(person, me, "plan.about_me_updated", timezone.now())
    client.force_login(me)

    response = client.get(_url(person))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    when = f"on {looked_at.day} {looked_at:%B} at {looked_at:%H:%M}"
    assert f"{SAM} looked at your plan {when}" in page
    # One page view, one line, though it read the person and the plan.
    assert page.count(f"{SAM} looked at your plan") == 1
    assert "You changed your one-page summary" in page
    assert "You looked at who has looked at your plan" in page
    # Nobody else's events; no ids, usernames or codes.
    assert "Stranger" not in page
    assert str(stranger.pk) not in page
    for internal in ("1234-internal", "sokafor", "plan.viewed", "about_me_updated",
                     str(sam.pk), str(person.pk) + " "):
        assert internal not in page
    assert AuditEvent.objects.filter(action="consent.trail_viewed", person=person,
                                     actor=me).count() == 1


def test_sharing_is_in_the_trail_with_who_it_was_for_and_on_whose_behalf(person, planner):
    me = the_person(person)
    grace = PersonalContactFactory(person=person, name="Grace Hughes", relationship="Daughter")
    shared = services.consent_grant(actor=me, person=person, grantee=Grantee.CIRCLE,
                                    contact=grace, purpose="To help me")
    services.consent_withdraw(actor=planner, grant=shared)

    lines = [line.text for day in trail.person_trail(user=me, person=person).days
             for line in day.lines]

    assert any(line.startswith("You shared your plan with Grace Hughes (Daughter) on ")
               for line in lines)
    assert any(line.startswith(f"{planner.get_full_name()}, practitioner at "
                               f"{planner.organisation.name} stopped sharing your plan with "
                               "Grace Hughes (Daughter), on your behalf on ") for line in lines)


def test_a_representative_reads_it_in_the_persons_name_and_codes_not_in_the_table_get_words(
        client, person, sam):
    me = the_person(person)
    lpa = representative_of(person, basis="other")  # may read the record, not share
    now = timezone.now()
    _event(person, me, "plan.outcome_added", now)
    _event(person, sam, "plan.conditions.added", now)
    _event(person, sam, "widget.viewed", now)
    _event(person, sam, "plan.brand_new_thing", now)
    _event(person, None, "message.queued", now)
    client.force_login(lpa)

    page = client.get(_url(person)).content.decode()

    name = person.known_as
    assert f"{person.full_name} added an outcome to {name}&#39;s plan" in page
    assert f"{SAM} added to the conditions in {name}&#39;s plan" in page
    assert f"looked at {name}&#39;s record" in page
    assert f"made a change to {name}&#39;s plan" in page
    assert f"Ourplan, automatically sent {name} a message" in page
    assert f"You looked at who has looked at {name}&#39;s plan" in page
    assert "brand_new_thing" not in page
    assert "widget" not in page


def test_grouped_by_day_newest_first_and_a_page_at_a_time(client, person, sam):
    me = the_person(person)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    _event(person, sam, "budget.viewed", _at(yesterday, 9, 5))
    _event(person, sam, "reviews.viewed", _at(yesterday, 16, 40))
    client.force_login(me)

    found = trail.person_trail(user=me, person=person)

    assert [d.heading for d in found.days] == [
        f"{today.day} {today:%B %Y}", f"{yesterday.day} {yesterday:%B %Y}"]
    assert [line.time for line in found.days[1].lines] == ["16:40", "09:05"]
    assert found.days[1].lines[0].text.startswith(
        "Sam Okafor, named coordinator at Riverside NHS Trust looked at your reviews on ")

    for minute in range(trail.PAGE_SIZE):
        _event(person, sam, "plan.exported", _at(yesterday, 12, minute % 60))
    first = client.get(_url(person)).content.decode()
    second = client.get(_url(person), {"page": 2}).content.decode()
    assert "Older" in first
    assert "looked at your reviews" in first
    assert "looked at your personal health budget" not in first
    assert "looked at your personal health budget" in second
    assert client.get(_url(person), {"page": "junk"}).status_code == 200


def test_only_the_person_and_their_representative_read_it(client, person, planner, sam):
    daughter, _ = circle_member_of(person)
    for user in (daughter, nominee_of(person), planner, sam):
        client.force_login(user)
        assert client.get(_url(person)).status_code == 404
    assert not AuditEvent.objects.filter(action="consent.trail_viewed").exists()
