"""The dates decisions run to, computed in one place: across month and year ends, 29 February in
leap and other years, and in local time (Europe/London), where a late decision in summer falls on
the next day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ourplan.governance.deadlines import (
    APPEAL_RESPONSE_DAYS,
    APPEAL_WINDOW_DAYS,
    appeal_deadline,
    appeal_response_due,
    earliest_reduction,
    local_day,
)

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_the_windows_are_28_days():
    assert (APPEAL_WINDOW_DAYS, APPEAL_RESPONSE_DAYS) == (28, 28)


@pytest.mark.parametrize(("decided_at", "deadline"), [
    (_utc(2026, 3, 10, 9, 0), dt.date(2026, 4, 7)),
    (_utc(2026, 1, 31, 12, 0), dt.date(2026, 2, 28)),  # into a short month
    (_utc(2026, 4, 30, 12, 0), dt.date(2026, 5, 28)),
    (_utc(2026, 12, 20, 12, 0), dt.date(2027, 1, 17)),  # over the year end
    (_utc(2028, 2, 1, 12, 0), dt.date(2028, 2, 29)),  # a leap year: 29 February
    (_utc(2027, 2, 1, 12, 0), dt.date(2027, 3, 1)),  # not a leap year: 1 March
    (_utc(2028, 2, 29, 12, 0), dt.date(2028, 3, 28)),  # decided on 29 February
    (_utc(2100, 2, 1, 12, 0), dt.date(2100, 3, 1)),  # 2100 is not a leap year
    (_utc(2000, 2, 1, 12, 0), dt.date(2000, 2, 29)),  # 2000 is
], ids=str)
def test_the_appeal_deadline_is_28_days_after_the_day_of_the_decision(decided_at, deadline):
    assert appeal_deadline(decided_at) == deadline


def test_a_decision_late_on_a_summer_evening_falls_on_the_next_local_day():
    decided_at = _utc(2026, 7, 14, 23, 30)  # 00:30 on 15 July in London (BST)

    assert local_day(decided_at) == dt.date(2026, 7, 15)
    assert appeal_deadline(decided_at) == dt.date(2026, 8, 12)


def test_a_decision_late_on_a_winter_evening_stays_on_its_day():
    decided_at = _utc(2026, 1, 14, 23, 30)  # 23:30 on 14 January in London (GMT)

    assert local_day(decided_at) == dt.date(2026, 1, 14)
    assert appeal_deadline(decided_at) == dt.date(2026, 2, 11)


@pytest.mark.parametrize(("decided_at", "day"), [
    (_utc(2026, 3, 28, 23, 30), dt.date(2026, 3, 28)),  # the night the clocks go forward
    (_utc(2026, 3, 29, 0, 59), dt.date(2026, 3, 29)),
    (_utc(2026, 3, 29, 23, 30), dt.date(2026, 3, 30)),  # the first evening of summer time
    (_utc(2026, 10, 24, 23, 30), dt.date(2026, 10, 25)),  # the night they go back
    (_utc(2026, 10, 25, 23, 30), dt.date(2026, 10, 25)),  # the first evening of winter time
    (_utc(2026, 6, 30, 23, 0), dt.date(2026, 7, 1)),  # local midnight, the month turns
    (_utc(2026, 12, 31, 23, 59), dt.date(2026, 12, 31)),
], ids=str)
def test_the_day_of_a_decision_is_its_day_in_england_around_the_clock_changes(decided_at, day):
    assert local_day(decided_at) == day
    assert appeal_deadline(decided_at) == day + dt.timedelta(days=28)


def test_a_decision_given_in_another_time_zone_counts_from_its_day_in_england():
    decided_at = dt.datetime(2026, 7, 15, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 00:30 BST

    assert appeal_deadline(decided_at) == dt.date(2026, 8, 12)


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 12, 31),
                    timezones=st.just(UTC)))
def test_the_deadline_is_always_28_days_after_the_london_date_of_the_decision(decided_at):
    assert appeal_deadline(decided_at) == (decided_at.astimezone(LONDON).date()
                                           + dt.timedelta(days=28))


@pytest.mark.parametrize(("lodged_on", "due"), [
    (dt.date(2026, 3, 2), dt.date(2026, 3, 30)),
    (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
    (dt.date(2026, 12, 31), dt.date(2027, 1, 28)),
    (dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
    (dt.date(2027, 2, 1), dt.date(2027, 3, 1)),
    (dt.date(2028, 2, 29), dt.date(2028, 3, 28)),
], ids=str)
def test_an_appeal_is_answered_within_28_days_of_being_asked(lodged_on, due):
    assert appeal_response_due(lodged_on) == due


@pytest.mark.parametrize(("given_on", "days", "earliest"), [
    (dt.date(2026, 3, 2), 28, dt.date(2026, 3, 30)),
    (dt.date(2026, 1, 31), 28, dt.date(2026, 2, 28)),
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 1)),
    (dt.date(2026, 12, 15), 30, dt.date(2027, 1, 14)),
    (dt.date(2028, 2, 28), 1, dt.date(2028, 2, 29)),
    (dt.date(2027, 2, 28), 1, dt.date(2027, 3, 1)),
    (dt.date(2027, 3, 1), 365, dt.date(2028, 2, 29)),  # a year with a 29 February in it
    (dt.date(2026, 3, 1), 365, dt.date(2027, 3, 1)),
    (dt.date(2026, 3, 1), 0, dt.date(2026, 3, 1)),
], ids=str)
def test_a_reduction_takes_effect_no_sooner_than_the_notice_period_after_notice(
        given_on, days, earliest):
    assert earliest_reduction(given_on, days) == earliest
