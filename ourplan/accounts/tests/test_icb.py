"""Which ICB decides for a person: their GP practice's ICB, else the asking user's."""

from __future__ import annotations

import pytest

from ourplan.accounts.icb import icb_for, icb_of, user_icb
from ourplan.accounts.models import OrganisationKind
from ourplan.testing.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _org(kind, parent=None):
    return OrganisationFactory(kind=kind, parent=parent)


def test_given_a_gp_practice_in_an_icb_then_that_icb_hears_it_whoever_refers():
    theirs, mine = _org(OrganisationKind.ICB), _org(OrganisationKind.ICB)
    person = PersonFactory(gp_practice=_org(OrganisationKind.GP_PRACTICE, theirs))

    assert icb_for(person=person, user=UserFactory(organisation=mine)) == theirs


def test_given_no_gp_practice_then_the_referrers_icb_hears_it():
    mine = _org(OrganisationKind.ICB)

    assert icb_for(person=PersonFactory(), user=UserFactory(organisation=mine)) == mine


def test_given_a_referrer_in_a_provider_within_an_icb_then_that_icb_hears_it():
    icb = _org(OrganisationKind.ICB)
    referrer = UserFactory(organisation=_org(OrganisationKind.NHS_PROVIDER, icb))

    assert icb_for(person=PersonFactory(), user=referrer) == icb


def test_given_a_gp_practice_outside_any_icb_then_the_referrers_icb_hears_it():
    mine = _org(OrganisationKind.ICB)
    person = PersonFactory(gp_practice=_org(OrganisationKind.GP_PRACTICE))

    assert icb_for(person=person, user=UserFactory(organisation=mine)) == mine


def test_given_a_practice_whose_parent_is_not_an_icb_then_it_is_not_used():
    provider = _org(OrganisationKind.NHS_PROVIDER)
    mine = _org(OrganisationKind.ICB)
    person = PersonFactory(gp_practice=_org(OrganisationKind.GP_PRACTICE, provider))

    assert icb_for(person=person, user=UserFactory(organisation=mine)) == mine


def test_given_no_icb_anywhere_then_there_is_none():
    referrer = UserFactory(organisation=_org(OrganisationKind.VCSE))

    assert icb_for(person=PersonFactory(), user=referrer) is None
    assert icb_for(person=PersonFactory(), user=UserFactory(organisation=None)) is None


def test_given_organisations_then_their_icb_is_themselves_or_their_parent_only():
    icb = _org(OrganisationKind.ICB)
    provider = _org(OrganisationKind.NHS_PROVIDER, icb)
    team_in_provider = _org(OrganisationKind.VCSE, provider)

    assert icb_of(icb) == icb
    assert icb_of(provider) == icb
    assert icb_of(team_in_provider) is None
    assert icb_of(None) is None


def test_given_staff_then_their_icb_comes_from_their_organisation():
    icb = _org(OrganisationKind.ICB)

    assert user_icb(UserFactory(organisation=_org(OrganisationKind.GP_PRACTICE, icb))) == icb
    assert user_icb(UserFactory(organisation=None)) is None
