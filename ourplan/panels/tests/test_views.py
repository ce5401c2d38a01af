"""The panel pages: each renders for the people who use it, bad input shows messages beside
the fields, a stale version shows the conflict message, others get 404 (a referral) or 403 (a
list or a change they may not make), and the search takes the same queries however much it
finds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.core.errors import StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.panels.models import PanelReferral
from ourplan.panels.workflow import ReferralStatus
from ourplan.testing import panels as make
from ourplan.testing.factories import (
    PersonFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STALE = StaleVersion.message


@pytest.fixture
def person(team):
    # A surname that cannot turn up in a page by chance (a random staff name can share one).
    return TeamAllocationFactory(team=team, person__family_name="Zabłocka-Quenneville").person


def _as(client, user):
    client.force_login(user)
    return client


def _url(name, referral):
    return reverse(f"panels:{name}", kwargs={"referral_id": referral.pk})


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _referral_post(**data):
    values = {"question": make.SWIMMING, "reason": "risk_chosen",
              "person_view": "I know the risk and I want to swim"}
    for n, option in enumerate(make.OPTIONS, start=1):
        values.update({f"option_{n}_{part}": text for part, text in option.items()})
    return values | data


def _decision_post(referral, **data):
    return {"version": referral.version, **_date("panel_date", timezone.localdate()),
            "members": "Asha Patel, clinical director",
            "chosen_option": str(referral.options.get(position=1).pk),
            "decision": "Yes, with a trained assistant", "rationale": "It matters to her"} | data


# --- refer ------------------------------------------------------------------------------------

def test_given_a_planner_then_the_refer_page_asks_for_the_question_reason_view_and_options(
        client, planner, person, plan):
    body = _as(client, planner).get(reverse("panels:refer", args=[person.pk])).content.decode()

    assert "Refer a hard decision to the risk enablement panel" in body
    assert "Why is this a hard decision?" in body
    assert "<legend" in body
    assert "Option 1" in body
    assert "Option 3 (optional)" in body
    assert reverse("panels:principles") in body


def test_given_an_empty_referral_then_each_message_is_beside_its_field_and_nothing_is_saved(
        client, planner, person, plan):
    response = _as(client, planner).post(reverse("panels:refer", args=[person.pk]), {})

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_reason_0"' in body
    for message in ("Select why this is a hard decision", "Say what the panel is asked to decide",
                    "Describe option 1", "Say what could go wrong with option 2"):
        assert message in body
    assert not PanelReferral.objects.exists()


def test_given_a_third_option_half_filled_then_its_missing_parts_are_named(
        client, planner, person, plan):
    response = _as(client, planner).post(reverse("panels:refer", args=[person.pk]),
                                         _referral_post(option_3_description="Swim with a "
                                                                             "friend"))

    assert response.status_code == 400
    assert "Say what option 3 could make better for the person" in response.content.decode()


def test_given_a_good_referral_then_it_is_saved_and_the_referral_shown(
        client, planner, person, plan):
    response = _as(client, planner).post(reverse("panels:refer", args=[person.pk]),
                                         _referral_post())

    referral = PanelReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", referral)
    assert referral.options.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Referred to the risk enablement panel" in page
    assert "The panel has not decided yet" in page


def test_given_a_practitioner_without_a_relationship_then_the_refer_page_is_not_found(
        client, person, plan):
    outsider = UserFactory(role=Role.PRACTITIONER, teams=[TeamFactory()])

    assert _as(client, outsider).get(reverse("panels:refer", args=[person.pk])).status_code \
        == 404


def test_given_a_commissioner_on_the_team_then_referring_is_forbidden(
        client, planner, person, plan):
    commissioner = UserFactory(role=Role.COMMISSIONER, organisation=planner.organisation,
                               teams=list(planner.teams.all()))

    assert _as(client, commissioner).get(
        reverse("panels:refer", args=[person.pk])).status_code == 403


def test_given_a_person_without_a_plan_then_the_refer_page_is_not_found(client, planner, team):
    person = TeamAllocationFactory(team=team).person

    assert _as(client, planner).get(reverse("panels:refer", args=[person.pk])).status_code \
        == 404


# --- the referral -----------------------------------------------------------------------------

def test_given_a_panel_member_of_the_icb_then_they_read_the_referral_and_it_is_audited(
        client, panel_member, referral, person):
    response = _as(client, panel_member).get(_url("detail", referral))

    body = response.content.decode()
    assert response.status_code == 200
    assert make.SWIMMING in body
    assert "What could go wrong" in body
    assert "I know the risk" in body
    assert "Record the panel&#39;s decision" in body
    assert AuditEvent.objects.filter(action="panel_referral.viewed", person=person).exists()


@pytest.mark.parametrize("who", ["other_icb_member", "outsider"])
def test_given_someone_outside_the_scope_then_the_referral_is_not_found(
        client, referral, other_icb_member, who):
    user = other_icb_member if who == "other_icb_member" else UserFactory(
        role=Role.PRACTITIONER, organisation=referral.icb, teams=[TeamFactory()])

    for name in ("detail", "decide", "share", "principle"):
        assert _as(client, user).get(_url(name, referral)).status_code == 404, name


def test_given_a_decision_then_the_page_says_what_to_tell_the_person(
        client, planner, decided):
    body = _as(client, planner).get(_url("detail", decided)).content.decode()

    assert "What to tell" in body
    assert "What the panel decided: Yes: the budget can pay" in body
    assert "you have the right to appeal" in body
    assert "Chosen by the panel" in body
    assert "Record that it was shared" in body


# --- recording the decision -------------------------------------------------------------------

def test_given_a_panel_member_then_the_decision_page_shows_the_options_to_choose(
        client, panel_member, referral):
    body = _as(client, panel_member).get(_url("decide", referral)).content.decode()

    assert "<h1>Record the panel's decision</h1>" in body
    assert "Option 2: Swim at the leisure centre pool" in body
    assert "None of these" in body
    assert "Clinical director" in body  # panel members who use Ourplan, to tick


def test_given_a_planner_then_recording_the_decision_is_forbidden(client, planner, referral):
    assert _as(client, planner).get(_url("decide", referral)).status_code == 403


def test_given_an_empty_decision_then_the_messages_are_beside_the_fields(
        client, panel_member, referral):
    response = _as(client, panel_member).post(_url("decide", referral),
                                              {"version": referral.version})

    body = response.content.decode()
    assert response.status_code == 400
    for message in ("Enter the date of the panel", "Select the option the panel chose, or none of "
                    "these", "Write the decision in plain words", "Say why the panel decided"):
        assert message in body


def test_given_a_future_panel_date_then_the_service_message_is_beside_the_date(
        client, panel_member, referral):
    response = _as(client, panel_member).post(_url("decide", referral), _decision_post(
        referral, **_date("panel_date", timezone.localdate() + dt.timedelta(days=3))))

    assert response.status_code == 400
    assert "The date of the panel must be today or in the past" in response.content.decode()


def test_given_none_of_these_without_a_reason_then_it_is_asked_for(
        client, panel_member, referral):
    response = _as(client, panel_member).post(_url("decide", referral), _decision_post(
        referral, chosen_option="none"))

    assert response.status_code == 400
    assert "Select the option the panel chose, or none of these" in response.content.decode()


def test_given_a_good_decision_then_it_is_recorded(client, panel_member, referral):
    response = _as(client, panel_member).post(_url("decide", referral), _decision_post(
        referral, member_users=[str(panel_member.pk)]))

    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.status == ReferralStatus.DECIDED
    assert list(referral.member_users.all()) == [panel_member]


def test_given_someone_else_decided_first_then_the_conflict_message_is_shown(
        client, panel_member, commissioner, referral):
    stale = _decision_post(referral)
    make.decide(commissioner, referral)

    response = _as(client, panel_member).post(_url("decide", referral), stale)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it" in body
    assert "The panel's decision has already been recorded" in body


# --- sharing ----------------------------------------------------------------------------------

def test_given_a_decision_then_the_planner_records_that_it_was_shared(client, planner, decided):
    page = _as(client, planner).get(_url("share", decided))
    response = client.post(_url("share", decided), {
        "version": decided.version, **_date("shared_on", timezone.localdate()),
        "shared_how": "phone"})

    decided.refresh_from_db()
    assert page.status_code == 200
    assert "What the panel decided" in page.content.decode()
    assert response.status_code == 302
    assert (decided.status, decided.shared_how) == (ReferralStatus.SHARED, "phone")


def test_given_no_way_of_sharing_then_the_message_is_beside_the_field(client, planner, decided):
    response = _as(client, planner).post(_url("share", decided), {
        "version": decided.version, **_date("shared_on", timezone.localdate())})

    assert response.status_code == 400
    assert "Select how the decision was shared with the person" in response.content.decode()


def test_given_a_stale_version_when_sharing_then_the_conflict_is_shown(
        client, planner, panel_member, decided):
    old = decided.version
    make.share(panel_member, decided, how="letter")

    response = _as(client, planner).post(_url("share", decided), {
        "version": old, **_date("shared_on", timezone.localdate()), "shared_how": "phone"})

    body = response.content.decode()
    assert response.status_code == 400
    assert STALE.split(".")[0] in body
    assert 'id="conflict"' in body


# --- local principles -------------------------------------------------------------------------

def test_given_a_decision_then_a_commissioner_marks_it_as_a_principle(
        client, commissioner, decided):
    page = _as(client, commissioner).get(_url("principle", decided))
    response = client.post(_url("principle", decided), {
        "version": decided.version, "principle_summary": make.PRINCIPLE})

    decided.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert decided.is_local_principle


def test_given_the_persons_name_in_a_principle_then_the_message_is_beside_the_field(
        client, commissioner, decided, person):
    response = _as(client, commissioner).post(_url("principle", decided), {
        "version": decided.version, "principle_summary": f"{person.family_name} may swim"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Take out the name" in body
    assert 'href="#id_principle_summary"' in body


def test_given_no_decision_then_marking_a_principle_is_refused_on_the_page(
        client, commissioner, referral):
    page = _as(client, commissioner).get(_url("principle", referral))
    response = client.post(_url("principle", referral), {
        "version": referral.version, "principle_summary": make.PRINCIPLE})

    assert "only once the panel has made it" in page.content.decode()
    assert response.status_code == 400
    assert "only once the panel has made it" in response.content.decode()


def test_given_a_planner_then_marking_a_principle_is_forbidden(client, planner, decided):
    assert _as(client, planner).get(_url("principle", decided)).status_code == 403


def test_given_principles_then_everyone_in_the_icb_reads_the_summaries_without_names(
        client, icb, commissioner, decided, person):
    make.mark_principle(commissioner, decided)
    receptionist = UserFactory(role=Role.ADMINISTRATOR, organisation=icb)

    response = _as(client, receptionist).get(reverse("panels:principles"))

    body = response.content.decode()
    assert response.status_code == 200
    assert make.PRINCIPLE in body
    assert person.family_name not in body
    assert make.SWIMMING not in body
    assert not AuditEvent.objects.filter(person=person, actor=receptionist).exists()


def test_given_staff_outside_any_icb_then_the_principles_page_is_forbidden(client):
    response = _as(client, UserFactory(organisation=None)).get(reverse("panels:principles"))

    assert response.status_code == 403


# --- the search of past decisions -------------------------------------------------------------

def test_given_a_search_then_matching_decisions_are_listed(client, planner, decided):
    response = _as(client, planner).get(reverse("panels:list"), {"q": "lake"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 referral matching “lake”" in body
    assert _url("detail", decided) in body


def test_given_no_matches_then_the_page_says_so(client, planner, decided):
    body = _as(client, planner).get(reverse("panels:list"), {"q": "football"}).content.decode()

    assert "No referrals match your search" in body


def test_given_a_filter_that_is_not_a_choice_then_the_message_is_beside_it(client, planner):
    response = _as(client, planner).get(reverse("panels:list"), {"status": "lost"})

    assert response.status_code == 400
    assert "Select from the list" in response.content.decode()


def test_given_a_role_that_does_not_plan_or_sit_on_panels_then_the_list_is_forbidden(
        client, icb):
    assert _as(client, UserFactory(role=Role.ADMINISTRATOR, organisation=icb)).get(
        reverse("panels:list")).status_code == 403


def test_given_no_one_signed_in_then_the_pages_ask_them_to_sign_in(client, referral):
    for url in (reverse("panels:list"), reverse("panels:principles"), _url("detail", referral)):
        assert client.get(url).status_code == 302


def _queries(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def test_given_more_referrals_then_the_search_takes_no_more_queries(
        client, planner, panel_member, team):
    def refer_someone():
        person = TeamAllocationFactory(team=team).person
        make.decide(panel_member, make.refer(planner, make.plan_for(planner, person)))

    refer_someone()
    _as(client, panel_member)
    few = (_queries(client, reverse("panels:list")),
           _queries(client, reverse("panels:list"), {"q": "swimming", "status": "decided"}))
    for _ in range(7):
        refer_someone()
    many = (_queries(client, reverse("panels:list")),
            _queries(client, reverse("panels:list"), {"q": "swimming", "status": "decided"}))

    assert many == few


def test_given_more_principles_then_the_principles_page_takes_no_more_queries(
        client, planner, commissioner, decided, team):
    make.mark_principle(commissioner, decided)
    _as(client, planner)
    few = _queries(client, reverse("panels:principles"))
    for _ in range(5):
        person = TeamAllocationFactory(team=team).person
        other = make.decide(commissioner, make.refer(planner, make.plan_for(planner, person)))
        make.mark_principle(commissioner, other)

    assert _queries(client, reverse("panels:principles")) == few


def test_given_a_person_not_on_the_caseload_then_their_referrals_stay_hidden_in_the_search(
        client, planner, panel_member, referral):
    stranger_team = TeamFactory(organisation=planner.organisation)
    stranger = PersonFactory()
    TeamAllocationFactory(person=stranger, team=stranger_team)
    colleague = UserFactory(role=Role.PRACTITIONER, organisation=planner.organisation,
                            teams=[stranger_team])
    make.refer(colleague, make.plan_for(colleague, stranger), question="Can I keep a horse?")

    mine = _as(client, planner).get(reverse("panels:list")).content.decode()
    theirs = _as(client, panel_member).get(reverse("panels:list")).content.decode()

    assert "Can I keep a horse?" not in mine
    assert "Can I keep a horse?" in theirs
    assert make.SWIMMING in theirs


def test_given_any_status_and_reason_then_every_referral_is_searched(
        client, planner, decided):
    response = _as(client, planner).get(reverse("panels:list"),
                                        {"q": "", "status": "any", "reason": "any"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Any status" in body
    assert "1 referral, newest first" in body
