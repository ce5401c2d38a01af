"""The dates decisions run to, computed in one place (local dates in the service's time zone)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# How long the person has to ask for a decision to be looked at again, and how long the ICB
# has to answer. Local policy; the letter states both.
APPEAL_WINDOW_DAYS = 28
APPEAL_RESPONSE_DAYS = 28


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day in England when something happened (a decision at 23:30 UTC in summer
    falls on the next day)."""
    return timezone.localdate(moment)


def appeal_deadline(decided_at: dt.datetime) -> dt.date:
    return local_day(decided_at) + dt.timedelta(days=APPEAL_WINDOW_DAYS)


def appeal_response_due(lodged_on: dt.date) -> dt.date:
    return lodged_on + dt.timedelta(days=APPEAL_RESPONSE_DAYS)


def earliest_reduction(notice_given_on: dt.date, notice_days: int) -> dt.date:
    """A reduction takes effect no sooner than the notice period after written notice."""
    return notice_given_on + dt.timedelta(days=notice_days)
