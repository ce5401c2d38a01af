"""Fixtures for the budget tests: a plan with one outcome, and a draft budget for it (a year
from 1 April 2026, so PA lines are costed at the 2026-27 rates)."""

from __future__ import annotations

import pytest

from ourplan.testing import budgets as make


@pytest.fixture
def plan_and_outcome(planner, person):
    return make.plan_with_outcome(planner, person)


@pytest.fixture
def plan(plan_and_outcome):
    return plan_and_outcome[0]


@pytest.fixture
def outcome(plan_and_outcome):
    return plan_and_outcome[1]


@pytest.fixture
def draft(planner, plan_and_outcome):
    return make.budget(planner, plan_and_outcome[0])
