"""Who may do what in sign-off and appeals, permission by permission, for every role: allowed
for the roles and relationships named in governance/rules.py, refused for everyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.accounts.rules import PLANNING_ROLES
from ourplan.testing import governance as make

pytestmark = pytest.mark.django_db

ROLES = list(STAFF_ROLES)
PER_PERSON = {"governance.submit_plan": PLANNING_ROLES,
              "governance.record_appeal": PLANNING_ROLES,
              "governance.reduce_payment": {Role.COMMISSIONER}}
WITHOUT_A_PERSON = {"governance.configure_authority": {Role.ADMINISTRATOR},
                    "governance.view_queue": PLANNING_ROLES,
                    "governance.view_approvals": set(Role) - {Role.ADMINISTRATOR}}


@pytest.mark.parametrize("perm", list(PER_PERSON))
@pytest.mark.parametrize("role", ROLES)
def test_a_per_person_permission_follows_the_role_for_someone_who_can_see_the_person(
        planner, person, perm, role):
    user = make.approver(planner, role)  # on the planner's team: sees the person

    assert user.has_perm(perm, person) is (role in PER_PERSON[perm])


@pytest.mark.parametrize("perm", list(PER_PERSON))
@pytest.mark.parametrize("role", ROLES)
def test_a_per_person_permission_is_refused_for_a_person_outside_their_care(
        planner, stranger, perm, role):
    user = make.approver(planner, role)

    assert not user.has_perm(perm, stranger)


@pytest.mark.parametrize("perm", list(PER_PERSON))
def test_a_per_person_permission_needs_a_person(planner, perm):
    assert not make.approver(planner, sorted(PER_PERSON[perm])[0]).has_perm(perm, None)


@pytest.mark.parametrize("perm", [*PER_PERSON, *WITHOUT_A_PERSON])
def test_an_account_that_is_closed_or_signed_out_has_no_permission(planner, person, perm):
    role = sorted((PER_PERSON | WITHOUT_A_PERSON)[perm])[0]
    closed = make.approver(planner, role, is_active=False)

    assert not closed.has_perm(perm, person if perm in PER_PERSON else None)
    assert not AnonymousUser().has_perm(perm, person if perm in PER_PERSON else None)


@pytest.mark.parametrize("perm", list(WITHOUT_A_PERSON))
@pytest.mark.parametrize("role", ROLES)
def test_a_permission_without_a_person_follows_the_role(planner, perm, role):
    assert make.approver(planner, role).has_perm(perm) is (role in WITHOUT_A_PERSON[perm])
