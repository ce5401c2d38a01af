"""Fixtures for the message tests: the outbox backend (pytest-django swaps in an in-memory one),
an administrator, and a way to run the background worker's queue in this process."""

from __future__ import annotations

import pytest

from ourplan.accounts.models import Role
from ourplan.notifications.testing import run_queued_tasks
from ourplan.testing.factories import UserFactory


@pytest.fixture(autouse=True)
def _outbox_backend(settings):
    settings.EMAIL_BACKEND = "ourplan.notifications.backends.OutboxBackend"


@pytest.fixture
def administrator(team):
    return UserFactory(role=Role.ADMINISTRATOR, organisation=team.organisation)


@pytest.fixture
def run_worker():
    """Run every queued task, as the database worker would."""
    return run_queued_tasks
