"""The panel services: refer, record the decision, share it, mark it as a local principle.
Each is allowed for the right people and refused for everyone else, refuses bad input naming
the field (writing nothing), refuses a stale version, and writes one audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.accounts.models import OrganisationKind, Role
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.panels import services
from ourplan.panels.models import (
    PERSON_VIEW_REQUIRED,
    QUESTION_REQUIRED,
    REASON_DETAILS_REQUIRED,
    REASON_REQUIRED,
    PanelOption,
    PanelReferral,
    PanelStatusChange,
)
from ourplan.panels.workflow import ALREADY_SHARED, ReferralStatus
from ourplan.testing import panels as make
from ourplan.testing.factories import (
    OrganisationFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _fields(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict  # type: ignore[attr-defined]


def _actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _row(referral):
    """Every stored field of the referral, to show nothing about it changed."""
    return PanelReferral.objects.filter(pk=referral.pk).values().get()


# --- panel_refer ------------------------------------------------------------------------------

def test_given_a_planner_who_sees_the_person_when_they_refer_then_the_referral_waits_for_the_panel(
        planner, person, plan, icb):
    referral = make.refer(planner, plan)

    assert referral.status == ReferralStatus.REFERRED
    assert (referral.person, referral.plan, referral.icb) == (person, plan, icb)
    assert referral.referred_by == planner
    assert [o.description for o in referral.options.all()] == [
        o["description"] for o in make.OPTIONS]
    assert list(referral.options.values_list("position", flat=True)) == [1, 2]
    change = PanelStatusChange.objects.get(referral=referral)
    assert (change.transition, change.to_status) == ("refer", ReferralStatus.REFERRED)
    event = AuditEvent.objects.get(action="panel_referral.referred")
    assert event.person == person
    assert event.changes["question"] == make.SWIMMING
    assert len(event.changes["options"]) == 2


def test_given_no_reason_when_referring_then_it_is_refused_because_panels_are_for_hard_decisions(
        planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, reason="")

    assert _fields(error)["reason"] == [REASON_REQUIRED]
    assert not PanelReferral.objects.exists()
    assert not PanelOption.objects.exists()


def test_given_a_reason_that_is_not_a_choice_when_referring_then_it_is_refused(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, reason="it is tuesday")

    assert "reason" in _fields(error)


def test_given_something_else_without_details_when_referring_then_details_are_asked_for(
        planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, reason="other", reason_details="   ")

    assert _fields(error)["reason_details"] == [REASON_DETAILS_REQUIRED]


def test_given_fewer_than_two_options_when_referring_then_it_is_refused(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, options=make.OPTIONS[:1])

    assert _fields(error)["options"] == [services.OPTIONS_TOO_FEW]
    assert not PanelReferral.objects.exists()


def test_given_options_that_are_not_a_list_when_referring_then_it_is_refused(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, options="swim or do not swim")

    assert _fields(error)["options"] == [services.OPTIONS_NOT_A_LIST]


def test_given_an_option_without_its_risks_when_referring_then_that_option_is_named(
        planner, plan):
    options = [make.OPTIONS[0], {**make.OPTIONS[1], "risks": ""}]

    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, options=options)

    assert list(_fields(error)) == ["option_2_risks"]


def test_given_several_problems_when_referring_then_all_are_named_at_once(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, question="  ", person_view="", reason="",
                   options=[{"description": "Swim"}])

    fields = _fields(error)
    assert fields["question"] == [QUESTION_REQUIRED]
    assert fields["person_view"] == [PERSON_VIEW_REQUIRED]
    assert fields["reason"] == [REASON_REQUIRED]
    assert {"options", "option_1_benefits", "option_1_risks"} <= set(fields)


def test_given_too_many_options_when_referring_then_it_is_refused(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, options=make.OPTIONS * 4)

    assert _fields(error)["options"] == [services.OPTIONS_TOO_MANY]


def test_given_a_field_that_cannot_be_set_when_referring_then_it_is_refused(planner, plan):
    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan, status="decided")

    assert "status" in _fields(error)
    assert not PanelReferral.objects.exists()


def test_given_a_commissioner_who_sees_the_person_when_they_refer_then_their_role_may_not(
        planner, person, plan):
    commissioner = UserFactory(role=Role.COMMISSIONER, organisation=planner.organisation,
                               teams=list(planner.teams.all()))

    with pytest.raises(NotAllowed):
        make.refer(commissioner, plan)


def test_given_a_planner_without_a_relationship_when_they_refer_then_the_plan_is_not_found(
        plan):
    outsider = UserFactory(role=Role.PRACTITIONER, teams=[TeamFactory()])

    with pytest.raises(NotFound):
        make.refer(outsider, plan)
    assert not PanelReferral.objects.exists()


def test_given_the_persons_practice_in_another_icb_when_referring_then_it_goes_to_that_icb(
        planner, person, plan):
    their_icb = OrganisationFactory(kind=OrganisationKind.ICB)
    person.gp_practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE,
                                             parent=their_icb)
    person.save()

    assert make.refer(planner, plan).icb == their_icb


def test_given_no_icb_for_the_person_or_the_planner_when_referring_then_it_is_refused(db):
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER)
    team = TeamFactory(organisation=provider)
    planner = UserFactory(role=Role.PRACTITIONER, organisation=provider, teams=[team])
    person = TeamAllocationFactory(team=team).person
    plan = make.plan_for(planner, person)

    with pytest.raises(ValidationError) as error:
        make.refer(planner, plan)

    assert _fields(error)["__all__"] == [services.NO_ICB]


# --- panel_decision_record --------------------------------------------------------------------

def test_given_a_panel_member_of_the_icb_when_they_record_the_decision_then_it_is_decided(
        panel_member, referral, person):
    decided = make.decide(panel_member, referral, member_users=[panel_member])

    assert decided.status == ReferralStatus.DECIDED
    assert decided.version == referral.version + 1
    assert decided.chosen_option == referral.options.get(position=1)
    assert (decided.decided_by, decided.panel_date) == (panel_member, TODAY())
    assert list(decided.member_users.all()) == [panel_member]
    assert PanelStatusChange.objects.filter(referral=referral, transition="decide").exists()
    event = AuditEvent.objects.get(action="panel_referral.decided")
    assert event.person == person
    assert event.changes["member_users"] == [str(panel_member.pk)]
    assert event.changes["status"] == "decided"


def test_given_a_commissioner_of_the_icb_when_they_record_the_decision_then_it_is_decided(
        commissioner, referral):
    assert make.decide(commissioner, referral).status == ReferralStatus.DECIDED


def test_given_a_panel_member_in_an_organisation_within_the_icb_then_they_may_decide(
        icb, referral):
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER, parent=icb)

    assert make.decide(make.panel_member_for(provider), referral).is_decided


def test_given_none_of_the_options_with_reasons_then_the_decision_is_recorded(
        panel_member, referral):
    decided = make.decide(panel_member, referral, chosen_option=None,
                          none_reason="Both options leave her alone in the water")

    assert decided.chosen_option is None
    assert decided.none_reason == "Both options leave her alone in the water"


def test_given_an_option_id_as_text_then_it_is_found(panel_member, referral):
    option = referral.options.get(position=2)

    assert make.decide(panel_member, referral, chosen_option=str(option.pk)).chosen_option \
        == option


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"chosen_option": None}, "chosen_option", services.CHOICE_REQUIRED),
    ({"none_reason": "Neither is safe"}, "none_reason", services.NONE_REASON_ONLY_FOR_NONE),
    ({"panel_date": None}, "panel_date", services.PANEL_DATE_REQUIRED),
    ({"panel_date": dt.date.today() + dt.timedelta(days=1)}, "panel_date",
     services.PANEL_DATE_IN_FUTURE),
    ({"members": ""}, "members", services.MEMBERS_REQUIRED),
    ({"decision": "  "}, "decision", services.DECISION_REQUIRED),
    ({"rationale": ""}, "rationale", services.RATIONALE_REQUIRED),
    ({"review_date": dt.date.today()}, "review_date", services.REVIEW_BEFORE_PANEL),
])
def test_given_a_bad_decision_then_it_is_refused_naming_the_field(
        panel_member, referral, data, field, message):
    before = _row(referral)

    with pytest.raises(ValidationError) as error:
        make.decide(panel_member, referral, **data)

    assert _fields(error)[field] == [message]
    assert _row(referral) == before
    assert "panel_referral.decided" not in _actions()


def test_given_a_panel_date_before_the_referral_then_it_is_refused(panel_member, referral):
    with pytest.raises(ValidationError) as error:
        make.decide(panel_member, referral, panel_date=TODAY() - dt.timedelta(days=1))

    assert _fields(error)["panel_date"][0].startswith("The date of the panel must be on or after")


def test_given_an_option_from_another_referral_then_it_is_refused(
        planner, panel_member, referral, team):
    other_person = TeamAllocationFactory(team=team).person
    other = make.refer(planner, make.plan_for(planner, other_person))

    with pytest.raises(ValidationError) as error:
        make.decide(panel_member, referral, chosen_option=other.options.first())

    assert _fields(error)["chosen_option"] == [services.NOT_THIS_REFERRALS_OPTION]
    assert PanelReferral.objects.get(pk=referral.pk).status == ReferralStatus.REFERRED


def test_given_a_member_from_another_icb_then_they_cannot_be_linked(
        panel_member, other_icb_member, referral):
    with pytest.raises(ValidationError) as error:
        make.decide(panel_member, referral, member_users=[panel_member, other_icb_member])

    assert _fields(error)["member_users"] == [services.MEMBER_NOT_IN_ICB]


def test_given_a_linked_member_and_no_names_then_the_panel_is_known(panel_member, referral):
    decided = make.decide(panel_member, referral, members="", member_users=[panel_member])

    assert decided.members == ""
    assert list(decided.member_users.all()) == [panel_member]


def test_given_a_stale_version_when_recording_the_decision_then_it_is_refused(
        panel_member, referral):
    with pytest.raises(StaleVersion):
        services.panel_decision_record(actor=panel_member, referral=referral,
                                       version=referral.version - 1 or 99,
                                       data=make.decision_data(referral))

    assert PanelReferral.objects.get(pk=referral.pk).status == ReferralStatus.REFERRED


def test_given_a_planner_who_sees_the_person_when_they_record_a_decision_then_their_role_may_not(
        planner, referral):
    with pytest.raises(NotAllowed):
        make.decide(planner, referral)


def test_given_a_panel_member_of_another_icb_when_they_record_a_decision_then_it_is_not_found(
        other_icb_member, referral):
    with pytest.raises(NotFound):
        make.decide(other_icb_member, referral)


def test_given_a_commissioner_of_another_icb_on_the_care_team_then_they_may_not_decide(
        planner, referral):
    elsewhere = UserFactory(role=Role.COMMISSIONER, organisation=OrganisationFactory(),
                            teams=list(planner.teams.all()))

    with pytest.raises(NotAllowed):
        make.decide(elsewhere, referral)


def test_given_a_decided_referral_when_deciding_again_then_it_is_refused(panel_member, decided):
    with pytest.raises(ValidationError) as error:
        make.decide(panel_member, decided, decision="No after all")

    assert _fields(error)["status"] == ["The panel's decision has already been recorded"]


# --- panel_decision_share ---------------------------------------------------------------------

def test_given_a_decision_when_the_planner_shares_it_then_it_is_shared(
        planner, decided, person):
    shared = make.share(planner, decided, how="letter")

    assert shared.status == ReferralStatus.SHARED
    assert (shared.shared_on, shared.shared_how, shared.shared_by) == (TODAY(), "letter",
                                                                        planner)
    event = AuditEvent.objects.get(action="panel_referral.shared")
    assert event.person == person
    assert PanelStatusChange.objects.filter(referral=decided, transition="share").exists()


def test_given_a_decision_when_a_panel_member_shares_it_then_it_is_shared(
        panel_member, decided):
    assert make.share(panel_member, decided).status == ReferralStatus.SHARED


def test_given_no_decision_when_sharing_then_it_is_refused(planner, referral):
    with pytest.raises(ValidationError) as error:
        make.share(planner, referral)

    assert _fields(error)["status"] == ["Record the panel's decision before sharing it"]


def test_given_a_shared_decision_when_sharing_again_then_it_is_refused(planner, decided):
    shared = make.share(planner, decided)

    with pytest.raises(ValidationError) as error:
        make.share(planner, shared)

    assert _fields(error)["status"] == [ALREADY_SHARED]


@pytest.mark.parametrize(("shared_on", "how", "field"), [
    (None, "letter", "shared_on"),
    (dt.date.today() + dt.timedelta(days=2), "letter", "shared_on"),
    (dt.date.today(), "pigeon", "shared_how"),
    (dt.date.today(), "", "shared_how"),
])
def test_given_bad_sharing_details_then_they_are_refused_naming_the_field(
        planner, decided, shared_on, how, field):
    with pytest.raises(ValidationError) as error:
        services.panel_decision_share(actor=planner, referral=decided, version=decided.version,
                                      shared_on=shared_on, how=how)

    assert field in _fields(error)
    assert PanelReferral.objects.get(pk=decided.pk).status == ReferralStatus.DECIDED


def test_given_a_date_before_the_panel_when_sharing_then_it_is_refused(planner, decided):
    with pytest.raises(ValidationError) as error:
        services.panel_decision_share(actor=planner, referral=decided, version=decided.version,
                                      shared_on=decided.panel_date - dt.timedelta(days=1),
                                      how="phone")

    assert _fields(error)["shared_on"][0].startswith("The date it was shared must be on or after")


def test_given_a_stale_version_when_sharing_then_it_is_refused(planner, decided):
    with pytest.raises(StaleVersion):
        services.panel_decision_share(actor=planner, referral=decided,
                                      version=decided.version - 1, shared_on=TODAY(),
                                      how="phone")


def test_given_someone_who_cannot_see_it_when_sharing_then_it_is_not_found(
        other_icb_member, decided):
    with pytest.raises(NotFound):
        make.share(other_icb_member, decided)


def test_given_a_broker_on_the_care_team_then_they_may_share(planner, decided):
    broker = UserFactory(role=Role.BROKER, organisation=planner.organisation,
                         teams=list(planner.teams.all()))

    assert make.share(broker, decided).shared_by == broker


def test_given_an_administrator_on_the_team_when_sharing_then_it_is_not_found(planner, decided):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=planner.organisation,
                        teams=list(planner.teams.all()))

    with pytest.raises(NotFound):
        make.share(admin, decided)


# --- panel_principle_mark ---------------------------------------------------------------------

def test_given_a_decision_when_a_commissioner_marks_it_then_it_is_a_local_principle(
        commissioner, decided, person):
    marked = make.mark_principle(commissioner, decided)

    assert marked.is_local_principle
    assert marked.principle_summary == make.PRINCIPLE
    assert marked.principle_marked_by == commissioner
    event = AuditEvent.objects.get(action="panel_referral.principle_marked")
    assert event.person == person
    assert event.changes["is_local_principle"] == [False, True]


def test_given_a_shared_decision_when_a_panel_member_marks_it_then_it_is_a_local_principle(
        planner, panel_member, decided):
    shared = make.share(planner, decided)

    assert make.mark_principle(panel_member, shared).is_local_principle


def test_given_a_principle_when_marked_again_then_the_summary_changes(commissioner, decided):
    make.mark_principle(commissioner, decided)

    again = make.mark_principle(commissioner, decided, summary="Outdoor risks can be taken "
                                                              "with a safety plan")

    assert again.principle_summary == "Outdoor risks can be taken with a safety plan"
    last = AuditEvent.objects.filter(action="panel_referral.principle_marked").order_by("id").last()
    assert last.changes["principle_summary"][0] == make.PRINCIPLE


def test_given_no_decision_when_marking_a_principle_then_it_is_refused(commissioner, referral):
    with pytest.raises(ValidationError) as error:
        make.mark_principle(commissioner, referral)

    assert _fields(error)["status"] == [services.PRINCIPLE_NEEDS_DECISION]
    assert not PanelReferral.objects.get(pk=referral.pk).is_local_principle


def test_given_a_planner_when_marking_a_principle_then_their_role_may_not(planner, decided):
    with pytest.raises(NotAllowed):
        make.mark_principle(planner, decided)


def test_given_a_panel_member_of_another_icb_when_marking_then_it_is_not_found(
        other_icb_member, decided):
    with pytest.raises(NotFound):
        make.mark_principle(other_icb_member, decided)


def test_given_a_stale_version_when_marking_then_it_is_refused(commissioner, decided):
    with pytest.raises(StaleVersion):
        services.panel_principle_mark(actor=commissioner, referral=decided,
                                      version=decided.version - 1, summary=make.PRINCIPLE)


@pytest.mark.parametrize("summary", ["", "   "])
def test_given_an_empty_principle_then_it_is_refused(commissioner, decided, summary):
    with pytest.raises(ValidationError) as error:
        make.mark_principle(commissioner, decided, summary=summary)

    assert _fields(error)["principle_summary"] == [services.PRINCIPLE_REQUIRED]


def test_given_the_persons_name_in_the_principle_then_it_is_refused(
        commissioner, decided, person):
    with pytest.raises(ValidationError) as error:
        make.mark_principle(commissioner, decided,
                            summary=f"Like {person.given_name.upper()}, people may swim")

    assert f"“{person.given_name}”" in _fields(error)["principle_summary"][0]
    assert not PanelReferral.objects.get(pk=decided.pk).is_local_principle


def test_given_an_nhs_number_in_the_principle_then_it_is_refused(commissioner, decided, person):
    number = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"

    with pytest.raises(ValidationError) as error:
        make.mark_principle(commissioner, decided, summary=f"As for {number}, swimming is fine")

    assert "the NHS number" in _fields(error)["principle_summary"][0]


def test_given_a_principle_too_long_then_it_is_refused(commissioner, decided):
    with pytest.raises(ValidationError) as error:
        make.mark_principle(commissioner, decided, summary="Swim. " * 200)

    assert _fields(error)["principle_summary"] == ["Keep it to 1,000 characters or fewer"]
