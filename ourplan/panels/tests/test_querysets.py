"""Who reads referrals: the ICB's panel members and commissioners (the referral is the
relationship), planners who can see the person, and nobody else. Local principles are for
everyone working in the ICB."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ourplan.accounts.models import OrganisationKind, Role
from ourplan.panels.models import PanelReferral
from ourplan.testing import panels as make
from ourplan.testing.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sees(user, referral):
    return PanelReferral.objects.visible_to(user).filter(pk=referral.pk).exists()


def test_given_a_panel_member_of_the_icb_not_on_the_care_team_then_they_see_the_referral(
        panel_member, commissioner, referral):
    assert _sees(panel_member, referral)
    assert _sees(commissioner, referral)


def test_given_a_panel_member_in_an_organisation_within_the_icb_then_they_see_it(icb, referral):
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER, parent=icb)

    assert _sees(make.panel_member_for(provider), referral)


def test_given_a_panel_member_of_another_icb_then_they_do_not(other_icb_member, referral):
    assert not _sees(other_icb_member, referral)


def test_given_the_planner_who_sees_the_person_then_they_see_it(planner, referral):
    assert _sees(planner, referral)


def test_given_a_practitioner_without_a_relationship_in_the_same_icb_then_they_do_not(
        icb, referral):
    colleague = UserFactory(role=Role.PRACTITIONER, organisation=icb, teams=[TeamFactory()])

    assert not _sees(colleague, referral)


def test_given_an_administrator_on_the_persons_team_then_they_do_not(planner, referral):
    user = UserFactory(role=Role.ADMINISTRATOR, organisation=planner.organisation,
                       teams=list(planner.teams.all()))

    assert not _sees(user, referral)


def test_given_no_one_signed_in_or_an_inactive_account_then_nothing_is_seen(
        panel_member, referral):
    panel_member.is_active = False

    assert not _sees(AnonymousUser(), referral)
    assert not _sees(panel_member, referral)


def test_given_local_principles_then_everyone_in_the_icb_reads_them_and_no_one_else(
        icb, planner, commissioner, decided, other_icb_member):
    make.mark_principle(commissioner, decided)
    practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, parent=icb)
    receptionist = UserFactory(role=Role.ADMINISTRATOR, organisation=practice)

    def principles(user):
        return list(PanelReferral.objects.local_principles_for(user))

    assert principles(receptionist) == [decided]
    assert principles(planner) == [decided]
    assert principles(other_icb_member) == []
    assert principles(UserFactory(organisation=None)) == []


def test_given_a_decision_not_marked_then_it_is_not_a_local_principle(planner, decided):
    assert list(PanelReferral.objects.local_principles_for(planner)) == []
