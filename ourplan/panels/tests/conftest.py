"""Fixtures for the panel tests. The root fixtures' team belongs to an ICB (the factories'
default kind), so `planner` refers to that ICB's panel; `panel_member` and `commissioner`
work in it but are on nobody's care team."""

from __future__ import annotations

import pytest

from ourplan.accounts.models import Role
from ourplan.testing import panels as make
from ourplan.testing.factories import OrganisationFactory


@pytest.fixture
def icb(planner):
    return planner.organisation


@pytest.fixture
def plan(planner, person):
    return make.plan_for(planner, person)


@pytest.fixture
def panel_member(icb):
    return make.panel_member_for(icb, job_title="Clinical director")


@pytest.fixture
def commissioner(icb):
    return make.panel_member_for(icb, role=Role.COMMISSIONER)


@pytest.fixture
def other_icb_member(db):
    """A panel member in another ICB."""
    return make.panel_member_for(OrganisationFactory())


@pytest.fixture
def referral(planner, plan):
    return make.refer(planner, plan)


@pytest.fixture
def decided(panel_member, referral):
    return make.decide(panel_member, referral)
