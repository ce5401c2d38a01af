"""The sharing pages, the person's and staff's: sharing lets someone read the plan, stopping
is a 404 at once; nothing is cached; who may decide; bad input beside the field; nobody else's
pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from ourplan.accounts.models import Role
from ourplan.consent import services
from ourplan.consent.models import PURPOSE_REQUIRED, ConsentGrant
from ourplan.core.models import AuditEvent
from ourplan.plans import services as plan_services
from ourplan.plans.models import Plan
from ourplan.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PersonalContactFactory,
    TeamFactory,
    UserFactory,
)
from ourplan.testing.portal import circle_member_of, grant, representative_of, the_person

pytestmark = pytest.mark.django_db
NO_STORE = "no-store"


def today():
    return timezone.localdate()


def _mine(name, person, **kwargs):
    return reverse(f"consent:{name}", kwargs={"person_id": person.pk, **kwargs})


def _staff(name, person, **kwargs):
    return reverse(f"consent_staff:{name}", kwargs={"person_id": person.pk, **kwargs})


def _plan_url(person):
    return f"/people/{person.pk}/plan/"


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _beside(response, field_id, message):
    """The message is shown beside the field (the NHS.UK error message under its label)."""
    html = response.content.decode()
    marker = f'id="{field_id}-error"'
    assert marker in html, f"no error beside {field_id}"
    assert escape(message).replace("&#x27;", "&#39;") in html.split(marker, 1)[1][:500]


@pytest.fixture
def plan(planner, person):
    return plan_services.plan_start(actor=planner, person=person)


def test_the_person_shares_with_an_organisation_found_by_name_then_stops_and_it_is_404_at_once(
        client, person, plan):
    me = the_person(person)
    hospice = OrganisationFactory(name="St Anne's Hospice")
    nurse = UserFactory(role=Role.PRACTITIONER, organisation=hospice)
    nurse_client = client.__class__()
    nurse_client.force_login(nurse)
    assert nurse_client.get(_plan_url(person)).status_code == 404
    client.force_login(me)

    found = client.get(_mine("new", person), {"org_q": "anne"})
    assert found.status_code == 200
    assert "St Anne&#39;s Hospice" in found.content.decode()
    assert NO_STORE in found["Cache-Control"]
    shared = client.post(_mine("new", person), {
        "org_q": "anne", "who": f"organisation:{hospice.pk}",
        "purpose": "To plan my end of life care", **_date("start_date", today())})

    assert shared.status_code == 302
    assert shared["Location"] == _mine("list", person)
    reading = nurse_client.get(_plan_url(person))
    assert reading.status_code == 200
    assert NO_STORE in reading["Cache-Control"]
    listed = client.get(_mine("list", person))
    assert listed.status_code == 200
    assert NO_STORE in listed["Cache-Control"]
    page = listed.content.decode()
    assert "St Anne&#39;s Hospice" in page
    assert "To plan my end of life care" in page
    assert "Stop sharing" in page

    the_grant = ConsentGrant.objects.get()
    confirm = client.get(_mine("withdraw", person, grant_id=the_grant.pk))
    assert confirm.status_code == 200
    assert NO_STORE in confirm["Cache-Control"]
    stopped = client.post(_mine("withdraw", person, grant_id=the_grant.pk))

    assert stopped.status_code == 302
    assert nurse_client.get(_plan_url(person)).status_code == 404
    assert "Shared before" in client.get(_mine("list", person)).content.decode()
    again = client.post(_mine("withdraw", person, grant_id=the_grant.pk), follow=True)
    assert "was already stopped on" in again.content.decode()
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


def test_the_person_shares_with_their_daughter_who_then_reads_the_plan_until_it_stops(
        client, person, plan):
    me = the_person(person)
    daughter, contact = circle_member_of(person, shared=False)
    client.force_login(me)
    assert not Plan.objects.visible_to(daughter).exists()

    client.post(_mine("new", person), {
        "who": f"circle:{contact.pk}", "purpose": "To help me at appointments",
        **_date("start_date", today()), **_date("end_date", today() + dt.timedelta(days=30))})

    assert list(Plan.objects.visible_to(daughter)) == [plan]
    the_grant = ConsentGrant.objects.get(contact=contact)
    assert the_grant.end_date == today() + dt.timedelta(days=30)
    client.post(_mine("withdraw", person, grant_id=the_grant.pk))
    assert not Plan.objects.visible_to(daughter).exists()


def test_after_sharing_with_someone_without_an_account_the_list_offers_to_invite_them(
        client, person):
    me = the_person(person)
    grace = PersonalContactFactory(person=person, name="Grace Hughes", email="grace@example.com")
    no_email = PersonalContactFactory(person=person, name="Tom Hughes", email="")
    _has_account, with_account = circle_member_of(person, shared=False)
    with_account.email = "has@example.com"
    with_account.save()
    for contact in (grace, no_email, with_account):
        grant(person, contact=contact)
    client.force_login(me)

    page = client.get(_mine("list", person)).content.decode()

    try:
        link = reverse("portal_accounts:invite_circle",
                       kwargs={"person_id": person.pk, "contact_id": grace.pk})
    except NoReverseMatch:
        assert "to see it" not in page  # the invitation page is not there yet: no dead link
    else:
        assert f'href="{link}"' in page
        assert "Invite Grace Hughes to see it" in page
        assert page.count("to see it</a>") == 1


def test_a_representative_who_may_not_decide_reads_the_list_but_cannot_share_or_stop(
        client, person):
    other = representative_of(person, basis="other")
    shared = grant(person, team=TeamFactory(name="Physio team"))
    client.force_login(other)

    listed = client.get(_mine("list", person))
    assert listed.status_code == 200
    assert "Physio team" in listed.content.decode()
    assert "Stop sharing" not in listed.content.decode()
    assert client.get(_mine("new", person)).status_code == 403
    assert client.post(_mine("new", person), {"who": "team:x"}).status_code == 403
    assert client.get(_mine("withdraw", person, grant_id=shared.pk)).status_code == 403
    assert client.post(_mine("withdraw", person, grant_id=shared.pk)).status_code == 403
    shared.refresh_from_db()
    assert shared.withdrawn_at is None


def test_a_representative_with_a_lasting_power_of_attorney_shares_for_the_person(
        client, person, plan):
    lpa = representative_of(person, basis="lpa_health_welfare")
    physio = TeamFactory(name="Community physio")
    CareTeamMemberFactory(person=person, user=None, name="Jo Physio", team=physio)
    member = UserFactory(role=Role.PRACTITIONER, teams=[physio])
    client.force_login(lpa)

    response = client.post(_mine("new", person), {
        "who": f"team:{physio.pk}", "purpose": "Exercises at home",
        **_date("start_date", today())})

    assert response.status_code == 302
    assert list(Plan.objects.visible_to(member)) == [plan]
    assert ConsentGrant.objects.get().granted_by == lpa


def test_bad_dates_and_a_missing_purpose_are_shown_beside_the_fields(client, person):
    me = the_person(person)
    team = TeamFactory()
    CareTeamMemberFactory(person=person, user=None, name="Jo", team=team)
    client.force_login(me)
    url = _mine("new", person)

    empty = client.post(url, {"who": f"team:{team.pk}",
                              "start_date_day": "31", "start_date_month": "2",
                              "start_date_year": "2027", "end_date_day": "1"})
    assert empty.status_code == 400
    _beside(empty, "id_purpose", PURPOSE_REQUIRED)
    _beside(empty, "id_start_date", "Date sharing starts must be a real date")
    _beside(empty, "id_end_date", "Date sharing stops must include a month")
    assert "There is a problem" in empty.content.decode()

    backwards = client.post(url, {"who": f"team:{team.pk}", "purpose": "Physio",
                                  **_date("start_date", today() - dt.timedelta(days=1)),
                                  **_date("end_date", today() - dt.timedelta(days=3))})
    assert backwards.status_code == 400
    _beside(backwards, "id_start_date", services.START_IN_PAST)
    _beside(backwards, "id_end_date", "The end date must be the same as or after the start date")

    nobody = client.post(url, {"who": "", "purpose": "Physio", **_date("start_date", today())})
    assert nobody.status_code == 400
    _beside(nobody, "id_who", services.GRANTEE_REQUIRED)
    assert 'href="#id_who"' in nobody.content.decode()  # the error summary links to the select
    junk = client.post(url, {"who": "nobody", "purpose": "x", **_date("start_date", today())})
    assert junk.status_code == 400
    _beside(junk, "id_who", services.GRANTEE_REQUIRED)
    assert not ConsentGrant.objects.exists()


def test_outside_scope_every_sharing_page_is_404_and_audited(client, person, stranger, planner):
    theirs = grant(stranger, team=TeamFactory())
    daughter, _ = circle_member_of(person)  # sees the plan, not who it is shared with
    me = the_person(person)
    mine = grant(person, team=TeamFactory())
    portal_pages = [(_mine(n, stranger), me) for n in ("list", "new", "who_has_looked")]
    portal_pages.append((_mine("withdraw", stranger, grant_id=theirs.pk), me))
    portal_pages.append((_mine("withdraw", person, grant_id=theirs.pk), me))  # not this person's
    portal_pages += [(_mine(n, person), daughter) for n in ("list", "new", "who_has_looked")]
    # Staff use their own pages; the person's pages are not theirs.
    portal_pages += [(_mine(n, person), planner) for n in ("list", "new", "who_has_looked")]
    staff_pages = [(_staff(n, stranger), planner) for n in ("list", "new")]
    staff_pages.append((_staff("withdraw", stranger, grant_id=theirs.pk), planner))
    staff_pages.append((_staff("withdraw", person, grant_id=theirs.pk), planner))
    staff_pages.append((_staff("list", person), me))  # a portal account on a staff page

    for url, user in portal_pages + staff_pages:
        client.force_login(user)
        assert client.get(url).status_code == 404, url
        if url.endswith(("/new/", "/withdraw/")):
            assert client.post(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="person.access_refused", person=stranger).exists()
    assert AuditEvent.objects.filter(action="person.access_refused", person=person,
                                     actor=daughter).exists()
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.withdrawn_at is None
    assert mine.withdrawn_at is None


def test_staff_who_work_with_the_person_record_consent_and_its_withdrawal(
        client, planner, person, plan):
    hospice = OrganisationFactory(name="Riverside Hospice")
    nurse = UserFactory(role=Role.PRACTITIONER, organisation=hospice)
    client.force_login(planner)

    listed = client.get(_staff("list", person))
    assert listed.status_code == 200
    assert NO_STORE in listed["Cache-Control"]
    data = {"org_q": "riverside", "who": f"organisation:{hospice.pk}",
            "purpose": "Hospice at home", **_date("start_date", today())}
    unconfirmed = client.post(_staff("new", person), data)
    assert unconfirmed.status_code == 400
    assert "agreed to this" in unconfirmed.content.decode()
    recorded = client.post(_staff("new", person), {**data, "confirmed": "on"})

    assert recorded.status_code == 302
    assert recorded["Location"] == _staff("list", person)
    event = AuditEvent.objects.get(action="consent.granted")
    assert event.actor == planner
    assert event.changes["recorded"] == "recorded on the person's behalf"
    nurse_client = client.__class__()
    nurse_client.force_login(nurse)
    assert nurse_client.get(_plan_url(person)).status_code == 200
    # Shared with, not working with: reads the list, records nothing.
    assert nurse_client.get(_staff("list", person)).status_code == 200
    assert nurse_client.get(_staff("new", person)).status_code == 403
    the_grant = ConsentGrant.objects.get()
    assert nurse_client.post(_staff("withdraw", person,
                                    grant_id=the_grant.pk)).status_code == 403

    assert client.post(_staff("withdraw", person, grant_id=the_grant.pk)).status_code == 302
    assert nurse_client.get(_plan_url(person)).status_code == 404
    assert AuditEvent.objects.get(action="consent.withdrawn").changes["recorded"]


def test_the_new_page_offers_only_those_involved_in_the_persons_care(client, person, team):
    me = the_person(person)
    coordinator = UserFactory(role=Role.NAMED_COORDINATOR, first_name="Sam",
                              last_name="Okafor")
    CareTeamMemberFactory(person=person, user=coordinator)
    outsider = UserFactory(role=Role.PRACTITIONER, first_name="Nobody", last_name="Else")
    elsewhere = TeamFactory(name="Unrelated team")
    OrganisationFactory(name="Unrelated organisation")
    client.force_login(me)

    page = client.get(_mine("new", person)).content.decode()

    assert "Sam Okafor" in page
    assert team.name in page
    assert team.organisation.name in page
    assert str(outsider) not in page
    assert elsewhere.name not in page
    assert "Unrelated organisation" not in page


def test_the_sharing_lists_take_the_same_queries_for_one_grant_or_six(client, planner, person):
    me = the_person(person)

    def queries(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grant(person, contact=PersonalContactFactory(person=person, email="a@example.com"))
    one = (queries(me, _mine("list", person)), queries(planner, _staff("list", person)))
    for _ in range(5):
        grant(person, contact=PersonalContactFactory(person=person, email="b@example.com"))
    grant(person, team=TeamFactory(), end=None)
    grant(person, staff=UserFactory(), start=today() - dt.timedelta(days=3),
          end=today() - dt.timedelta(days=1))
    many = (queries(me, _mine("list", person)), queries(planner, _staff("list", person)))

    assert many == one


def _optgroups(page):
    return [part.split('"', 1)[0] for part in page.split('<optgroup label="')[1:]]


def test_the_new_page_offers_one_select_grouped_by_kind_with_no_empty_groups(
        client, planner, person, team):
    me = the_person(person)
    client.force_login(me)

    page = client.get(_mine("new", person)).content.decode()

    # Only a team (and its organisation) is involved yet: no circle, no staff group.
    assert _optgroups(page) == ["Teams involved in the care", "Organisations"]
    assert f'<option value="team:{team.pk}">' in page
    assert f'<option value="organisation:{team.organisation.pk}">' in page
    assert 'for="id_who"' in page
    assert '<select class="nhsuk-select" id="id_who" name="who">' in page
    assert "Who do you want to share the plan with?" in page
    assert 'type="radio"' not in page
    assert "nhsuk-radios__conditional" not in page

    contact = PersonalContactFactory(person=person, name="Grace Hughes")
    coordinator = UserFactory(role=Role.NAMED_COORDINATOR, first_name="Sam", last_name="Okafor")
    CareTeamMemberFactory(person=person, user=coordinator)
    page = client.get(_mine("new", person)).content.decode()
    assert _optgroups(page) == ["People in your circle", "Staff involved in the care",
                                "Teams involved in the care", "Organisations"]
    assert f'<option value="circle:{contact.pk}">' in page
    assert f'<option value="staff:{coordinator.pk}">' in page

    client.force_login(planner)
    staff_page = client.get(_staff("new", person)).content.decode()
    assert _optgroups(staff_page)[0] == "People in their circle"
    assert f"Who did {person.known_as} agree to share their plan with?" in staff_page


def test_an_organisation_found_by_name_stays_chosen_after_a_post_with_errors(client, person):
    me = the_person(person)
    hospice = OrganisationFactory(name="St Anne's Hospice")
    client.force_login(me)
    url = _mine("new", person)

    found = client.get(url, {"org_q": "anne"}).content.decode()
    organisations = found.split('<optgroup label="Organisations">', 1)[1].split("</optgroup>")[0]
    assert f'<option value="organisation:{hospice.pk}">' in organisations
    assert 'name="org_q" value="anne"' in found  # kept in the main form

    again = client.post(url, {"org_q": "anne", "who": f"organisation:{hospice.pk}",
                              **_date("start_date", today())})
    assert again.status_code == 400
    _beside(again, "id_purpose", PURPOSE_REQUIRED)
    assert f'<option value="organisation:{hospice.pk}" selected>' in again.content.decode()
    assert not ConsentGrant.objects.exists()


def test_a_tampered_who_is_refused_beside_the_select_and_writes_nothing(
        client, person, stranger):
    me = the_person(person)
    theirs = PersonalContactFactory(person=stranger)
    elsewhere = TeamFactory()
    client.force_login(me)
    url = _mine("new", person)

    for who in ("team:not-a-uuid", "nobody:123", f"circle:{theirs.pk}", f"team:{elsewhere.pk}",
                f"staff:{theirs.pk}", "organisation:", "circle", ":", "x" * 500):
        response = client.post(url, {"who": who, "purpose": "Physio",
                                     **_date("start_date", today())})
        assert response.status_code == 400, who
        _beside(response, "id_who", services.GRANTEE_REQUIRED)
        assert 'aria-describedby="id_who-error"' in response.content.decode()
    assert not ConsentGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.granted").exists()


def test_a_target_the_service_refuses_is_shown_beside_the_select(
        client, person, team, monkeypatch):
    client.force_login(the_person(person))
    monkeypatch.setattr(services, "_target_problems",
                        lambda *args: {"team": services.TEAM_REQUIRED})

    response = client.post(_mine("new", person), {"who": f"team:{team.pk}", "purpose": "Physio",
                                                  **_date("start_date", today())})

    assert response.status_code == 400
    _beside(response, "id_who", services.TEAM_REQUIRED)
    assert not ConsentGrant.objects.exists()
