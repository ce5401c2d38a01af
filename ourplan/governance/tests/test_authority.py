"""Delegated authority: routing to the lowest level whose limits allow the decision (each level,
each threshold, exactly at a limit and a penny over), which ICB decides, and who may decide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ourplan.accounts.models import STAFF_ROLES, OrganisationKind, Role
from ourplan.governance.authority import (
    authorities_for,
    icb_for,
    icb_of,
    may_decide,
    route,
)
from ourplan.governance.models import Authority, DecisionKind, RiskLevel
from ourplan.testing import governance as make
from ourplan.testing.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LOW, MEDIUM, HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH


@pytest.fixture
def icb(planner):
    return planner.organisation


@pytest.fixture
def rungs(icb):
    """Level 1 to £5,000 and low risk; 2 to £20,000 and medium; 3 to £50,000, any risk; 4 any."""
    return make.matrix(icb)


def _route(icb, amount, risk, decision=DecisionKind.PLAN_SIGN_OFF):
    return route(organisation=icb, decision=decision,
                 amount=None if amount is None else Decimal(amount), risk=risk)


def _level(icb, amount, risk):
    found = _route(icb, amount, risk)
    return found.level if found else None


# --- routing ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "risk", "level"), [
    (None, LOW, 1),
    ("0.00", LOW, 1),
    ("4999.99", LOW, 1),
    ("5000.00", LOW, 1),  # exactly at level 1's limit: level 1
    ("5000.01", LOW, 2),  # a penny over: up a level
    ("20000.00", LOW, 2),
    ("20000.01", LOW, 3),
    ("50000.00", LOW, 3),
    ("50000.01", LOW, 4),
    ("5000000.00", LOW, 4),
    (None, MEDIUM, 2),  # level 1 decides low risk only
    ("100.00", MEDIUM, 2),
    ("20000.00", MEDIUM, 2),
    ("20000.01", MEDIUM, 3),
    (None, HIGH, 3),  # level 2 decides up to medium risk
    ("100.00", HIGH, 3),
    ("50000.00", HIGH, 3),
    ("50000.01", HIGH, 4),
])
def test_a_decision_goes_to_the_lowest_level_whose_limits_allow_it(
        icb, rungs, amount, risk, level):
    assert _level(icb, amount, risk) == level


def test_given_a_risk_above_every_levels_limit_then_nobody_can_decide_it(icb):
    Authority.objects.create(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF, level=1,
                             roles=[Role.TEAM_MANAGER], max_budget=None, max_risk=MEDIUM)

    assert _route(icb, "10.00", HIGH) is None
    assert _level(icb, "10.00", MEDIUM) == 1


def test_given_a_budget_above_every_levels_limit_then_nobody_can_decide_it(icb, rungs):
    Authority.objects.filter(level=4).delete()

    assert _route(icb, "50000.01", LOW) is None
    assert _level(icb, "50000.00", LOW) == 3


def test_given_no_delegated_authority_then_nobody_can_decide(icb):
    assert _route(icb, None, LOW) is None


def test_a_blank_largest_budget_means_any_size(icb):
    Authority.objects.create(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF, level=1,
                             roles=[Role.CARE_COORDINATOR], max_budget=None, max_risk=LOW)

    assert _level(icb, "9999999999.99", LOW) == 1


def test_a_largest_budget_of_nothing_decides_only_plans_without_money(icb, rungs):
    Authority.objects.filter(level=1).update(max_budget=Decimal("0.00"))

    assert _level(icb, None, LOW) == 1
    assert _level(icb, "0.00", LOW) == 1
    assert _level(icb, "0.01", LOW) == 2


def test_given_levels_with_gaps_then_the_lowest_configured_level_is_used(icb):
    for level in (4, 2):
        Authority.objects.create(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF,
                                 level=level, roles=[Role.COMMISSIONER], max_budget=None,
                                 max_risk=HIGH)

    assert _level(icb, "1.00", LOW) == 2


def test_another_icbs_rungs_and_other_decisions_are_ignored(icb, rungs):
    other = OrganisationFactory(kind=OrganisationKind.ICB)
    Authority.objects.create(organisation=other, decision=DecisionKind.PLAN_SIGN_OFF, level=1,
                             roles=[Role.PRACTITIONER], max_budget=None, max_risk=HIGH)
    make.matrix(icb, decision=DecisionKind.FINAL_BUDGET)
    Authority.objects.filter(organisation=icb, decision=DecisionKind.FINAL_BUDGET,
                             level=1).update(max_budget=None, max_risk=HIGH)

    routed = _route(icb, "60000.00", HIGH)

    assert (routed.organisation, routed.decision, routed.level) == (
        icb, DecisionKind.PLAN_SIGN_OFF, 4)
    assert _route(other, "60000.00", HIGH).level == 1
    assert _route(icb, "60000.00", HIGH, DecisionKind.FINAL_BUDGET).level == 1
    assert _route(icb, "1.00", LOW, DecisionKind.BUDGET_REVIEW) is None


money = st.decimals(min_value=0, max_value=Decimal("100000.00"), places=2,
                    allow_nan=False, allow_infinity=False)
rung = st.tuples(st.none() | money, st.sampled_from(list(RiskLevel)))


@settings(max_examples=75, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limits=st.lists(st.none() | rung, min_size=4, max_size=4),
       amount=st.none() | money, risk=st.sampled_from(list(RiskLevel)))
def test_the_routed_level_is_the_lowest_allowed_and_no_lower_level_would_allow_it(
        icb, limits, amount, risk):
    """Any matrix (a level may be missing), any budget and risk: the level routed to allows the
    decision, and every level below it (that exists) does not."""

    def allowed(max_budget, max_risk):  # the rule, written out again independently
        return (max_budget is None or amount is None or amount <= max_budget) \
            and risk <= max_risk

    with transaction.atomic():
        for level, limit in enumerate(limits, start=1):
            if limit is not None:
                Authority.objects.create(
                    organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF, level=level,
                    roles=[Role.TEAM_MANAGER], max_budget=limit[0], max_risk=limit[1])

        routed = route(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF, amount=amount,
                       risk=risk)

        allowing = [level for level, limit in enumerate(limits, start=1)
                    if limit is not None and allowed(*limit)]
        if routed is None:
            assert allowing == []
        else:
            assert allowed(routed.max_budget, routed.max_risk)
            assert routed.level == min(allowing)
            assert all(not allowed(*limit) for limit in limits[:routed.level - 1]
                       if limit is not None)
        transaction.set_rollback(True)


# --- which ICB decides ------------------------------------------------------------------------

def test_the_icb_of_an_icb_is_itself_and_of_nothing_is_nothing(icb):
    assert icb_of(icb) == icb
    assert icb_of(None) is None


def test_the_icb_of_an_organisation_in_an_icb_is_its_parent(icb):
    practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, parent=icb)
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER, parent=icb)

    assert icb_of(practice) == icb
    assert icb_of(provider) == icb


@pytest.mark.parametrize("parent_kind", [None, OrganisationKind.LOCAL_AUTHORITY])
def test_an_organisation_not_in_an_icb_has_no_icb(parent_kind):
    parent = OrganisationFactory(kind=parent_kind) if parent_kind else None

    assert icb_of(OrganisationFactory(kind=OrganisationKind.VCSE, parent=parent)) is None


def test_the_icb_deciding_for_a_person_is_their_gp_practices_first(icb, planner):
    theirs = OrganisationFactory(kind=OrganisationKind.ICB)
    person = PersonFactory(gp_practice=OrganisationFactory(kind=OrganisationKind.GP_PRACTICE,
                                                           parent=theirs))

    assert icb_for(person, planner) == theirs


def test_without_a_practice_in_an_icb_the_submitters_icb_decides(icb, planner):
    orphan_practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE)

    assert icb_for(PersonFactory(), planner) == icb
    assert icb_for(PersonFactory(gp_practice=orphan_practice), planner) == icb


def test_a_submitter_in_an_organisation_of_the_icb_brings_its_icb(icb):
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER, parent=icb)
    nurse = UserFactory(organisation=provider)

    assert icb_for(PersonFactory(), nurse) == icb


def test_given_no_icb_anywhere_then_none_decides():
    outside = UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.VCSE))
    nowhere = UserFactory(organisation=None)

    assert icb_for(PersonFactory(), outside) is None
    assert icb_for(PersonFactory(), nowhere) is None


# --- who may decide ---------------------------------------------------------------------------

def _level_2(rungs):
    return next(r for r in rungs if r.level == 2)


def test_a_team_manager_of_the_icb_decides_at_level_2(planner, rungs):
    assert may_decide(make.approver(planner, Role.TEAM_MANAGER), _level_2(rungs))


def test_a_team_manager_in_an_organisation_of_the_icb_decides_there_too(icb, rungs):
    provider = OrganisationFactory(kind=OrganisationKind.NHS_PROVIDER, parent=icb)

    assert may_decide(UserFactory(role=Role.TEAM_MANAGER, organisation=provider),
                      _level_2(rungs))


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.TEAM_MANAGER])
def test_other_roles_do_not_decide_at_level_2(planner, rungs, role):
    assert not may_decide(make.approver(planner, role), _level_2(rungs))


def test_a_team_manager_of_another_icb_does_not_decide(rungs):
    elsewhere = UserFactory(role=Role.TEAM_MANAGER,
                            organisation=OrganisationFactory(kind=OrganisationKind.ICB))

    assert not may_decide(elsewhere, _level_2(rungs))


def test_a_team_manager_without_an_organisation_does_not_decide(rungs):
    assert not may_decide(UserFactory(role=Role.TEAM_MANAGER, organisation=None),
                          _level_2(rungs))


def test_an_inactive_team_manager_does_not_decide(planner, rungs):
    assert not may_decide(make.approver(planner, Role.TEAM_MANAGER, is_active=False),
                          _level_2(rungs))


def test_a_users_rungs_are_those_of_their_icb_naming_their_role(icb, planner, rungs):
    make.matrix(icb, decision=DecisionKind.FINAL_BUDGET)
    other = OrganisationFactory(kind=OrganisationKind.ICB)
    make.matrix(other)

    found = authorities_for(make.approver(planner, Role.CLINICAL_DIRECTOR))

    assert sorted((a.decision, a.level) for a in found) == [
        (DecisionKind.FINAL_BUDGET, 3), (DecisionKind.PLAN_SIGN_OFF, 3)]
    assert all(a.organisation == icb for a in found)
    assert authorities_for(make.approver(planner, Role.ADMINISTRATOR)) == []
    assert authorities_for(UserFactory(role=Role.CLINICAL_DIRECTOR, organisation=None)) == []
