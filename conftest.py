"""Fixtures shared by every test: a team, a planner on it, a person on its caseload, and one not."""

from __future__ import annotations

import factory.random
import pytest

from ourplan.accounts.models import Role
from ourplan.testing.factories import (
    PersonFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _same_made_up_data_each_run(request):
    # Factories' names and words come from Faker; seeding from the test's own id makes a failure
    # that depends on them (a made-up surname turning up elsewhere on a page) happen on every run.
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture
def team(db):
    return TeamFactory(hub=True)


@pytest.fixture
def planner(team):
    return UserFactory(role=Role.PRACTITIONER, organisation=team.organisation, teams=[team])


@pytest.fixture
def person(team):
    """A person on `team`'s caseload, so visible to `planner`."""
    return TeamAllocationFactory(team=team).person


@pytest.fixture
def stranger(db):
    """A person nobody in these fixtures has a relationship with."""
    return PersonFactory()
