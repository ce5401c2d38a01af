"""When the next review is due: every rule, every trigger, month ends, 29 February, the time
zone, and properties that hold for any dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ourplan.budgets.spending import add_months
from ourplan.reviews.schedule import (
    TRIGGER_DAYS,
    Rule,
    SoonerReason,
    Trigger,
    TriggerReason,
    local_date,
    review_due_date,
)

D = dt.date
UTC = dt.UTC


def due(**kwargs):
    return review_due_date(**{"last_review": None, "first_agreed": None, **kwargs})


# --- the yearly rule ----------------------------------------------------------------------

def test_given_a_plan_never_agreed_then_there_is_no_due_date_yet():
    assert due() is None
    assert due(triggers=[Trigger(TriggerReason.PERSON_REQUEST, D(2026, 3, 3))]) is None


def test_given_an_agreed_plan_then_it_is_reviewed_within_twelve_months_of_agreement():
    result = due(first_agreed=D(2026, 3, 3))

    assert result.due_on == D(2027, 3, 3)
    assert result.rule == Rule.YEARLY
    assert result.reason == ("Yearly review: at most twelve months after the plan was agreed "
                             "on 3 March 2026")


def test_given_a_finished_review_then_the_next_is_twelve_months_after_it():
    result = due(first_agreed=D(2025, 1, 10), last_review=D(2026, 2, 1))

    assert result.due_on == D(2027, 2, 1)
    assert result.reason == ("Yearly review: at most twelve months after the last review on "
                             "1 February 2026")


# --- direct payments ----------------------------------------------------------------------

def test_given_a_direct_payment_then_the_first_review_is_within_three_months_of_the_first_payment():
    result = due(first_agreed=D(2026, 2, 20), has_direct_payment=True,
                 first_direct_payment=D(2026, 3, 3))

    assert result.due_on == D(2026, 6, 3)
    assert result.rule == Rule.FIRST_DIRECT_PAYMENT
    assert result.reason == ("First review of the direct payment: within three months of the "
                             "first payment on 3 March 2026")


def test_given_the_direct_payment_was_reviewed_then_reviews_are_at_most_twelve_months_apart():
    result = due(first_agreed=D(2026, 2, 20), last_review=D(2026, 5, 28),
                 has_direct_payment=True, first_direct_payment=D(2026, 3, 3))

    assert (result.due_on, result.rule) == (D(2027, 5, 28), Rule.YEARLY)


def test_given_a_direct_payment_with_no_payment_yet_then_the_yearly_rule_applies():
    result = due(first_agreed=D(2026, 2, 20), has_direct_payment=True)

    assert (result.due_on, result.rule) == (D(2027, 2, 20), Rule.YEARLY)


def test_given_payments_but_no_direct_payment_then_they_do_not_bring_the_review_forward():
    result = due(first_agreed=D(2026, 2, 20), has_direct_payment=False,
                 first_direct_payment=D(2026, 3, 3))

    assert result.rule == Rule.YEARLY


def test_given_a_review_before_the_first_payment_then_the_payment_still_needs_its_first_review():
    result = due(first_agreed=D(2025, 2, 20), last_review=D(2026, 2, 1),
                 has_direct_payment=True, first_direct_payment=D(2026, 3, 3))

    assert (result.due_on, result.rule) == (D(2026, 6, 3), Rule.FIRST_DIRECT_PAYMENT)


# --- sooner ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", list(SoonerReason))
def test_given_each_reason_for_sooner_then_the_review_is_within_six_months(reason):
    result = due(first_agreed=D(2026, 3, 3), sooner={reason})

    assert (result.due_on, result.rule) == (D(2026, 9, 3), Rule.SOONER)
    assert result.reason == (f"Review every six months, because {reason.label}: within six "
                             f"months of the plan being agreed on 3 March 2026")


def test_given_several_reasons_then_each_is_named():
    result = due(last_review=D(2026, 3, 3), first_agreed=D(2025, 3, 3),
                 sooner=[SoonerReason.IDENTIFIED_RISK, SoonerReason.ISOLATED])

    assert result.reason == ("Review every six months, because they are isolated and the plan "
                             "records a risk: within six months of the last review on "
                             "3 March 2026")


def test_given_a_direct_payment_and_a_reason_for_sooner_then_the_earlier_date_wins():
    result = due(first_agreed=D(2026, 1, 5), sooner={SoonerReason.ISOLATED},
                 has_direct_payment=True, first_direct_payment=D(2026, 5, 1))

    assert (result.due_on, result.rule) == (D(2026, 7, 5), Rule.SOONER)


# --- what the plan arranged -------------------------------------------------------------------

def test_given_an_arranged_date_before_the_rules_date_then_it_is_kept():
    result = due(first_agreed=D(2026, 3, 3), arranged_on=D(2026, 10, 1))

    assert (result.due_on, result.rule) == (D(2026, 10, 1), Rule.ARRANGED)
    assert result.reason == "The review date arranged in the plan: 1 October 2026"


def test_given_an_arranged_date_later_than_a_year_then_the_yearly_rule_wins():
    result = due(first_agreed=D(2026, 3, 3), arranged_on=D(2027, 6, 1))

    assert (result.due_on, result.rule) == (D(2027, 3, 3), Rule.YEARLY)


def test_given_an_arranged_date_from_before_the_last_review_then_it_no_longer_counts():
    result = due(first_agreed=D(2025, 3, 3), last_review=D(2026, 3, 3),
                 arranged_on=D(2025, 9, 1))

    assert result.rule == Rule.YEARLY


def test_given_an_arranged_interval_then_it_counts_from_the_last_review():
    result = due(first_agreed=D(2025, 3, 3), last_review=D(2026, 1, 31),
                 arranged_every_months=4)

    assert result.due_on == D(2026, 5, 31)
    assert result.reason == ("Review every 4 months, as the plan arranges: 4 months after the "
                             "last review on 31 January 2026")


# --- triggers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "days", "words"), [
    (TriggerReason.UNPLANNED_ADMISSION, 14, "Unplanned admission on 3 March 2026: review "
                                            "within 2 weeks"),
    (TriggerReason.DETERIORATION, 14, "Their health or wellbeing got worse on 3 March 2026: "
                                      "review within 2 weeks"),
    (TriggerReason.CARER_CONCERN, 14, "A carer raised a concern on 3 March 2026: review within "
                                      "2 weeks"),
    (TriggerReason.PERSON_REQUEST, 14, "They asked for a review on 3 March 2026: review within "
                                       "2 weeks"),
    (TriggerReason.CHANGE_OF_CIRCUMSTANCES, 28, "A change of circumstances on 3 March 2026: "
                                                "review within 4 weeks"),
    (TriggerReason.LIFE_STAGE, 28, "A key life stage on 3 March 2026: review within 4 weeks"),
])
def test_given_each_trigger_then_it_brings_the_review_forward(reason, days, words):
    result = due(first_agreed=D(2026, 1, 10), triggers=[Trigger(reason, D(2026, 3, 3))])

    assert result.due_on == D(2026, 3, 3) + dt.timedelta(days=days)
    assert (result.rule, result.reason) == (Rule.TRIGGER, words)


def test_every_trigger_has_a_rule():
    assert set(TRIGGER_DAYS) == set(TriggerReason.values)


def test_given_several_triggers_then_the_soonest_sets_the_date():
    result = due(first_agreed=D(2026, 1, 10), triggers=[
        Trigger(TriggerReason.LIFE_STAGE, D(2026, 3, 1)),  # 29 March
        Trigger(TriggerReason.CARER_CONCERN, D(2026, 3, 10)),  # 24 March
    ])

    assert result.due_on == D(2026, 3, 24)
    assert result.reason.startswith("A carer raised a concern")


def test_given_a_trigger_on_the_same_day_as_the_yearly_date_then_the_trigger_is_the_reason():
    result = due(first_agreed=D(2026, 1, 10),
                 triggers=[Trigger(TriggerReason.DETERIORATION, D(2026, 12, 27))])

    assert (result.due_on, result.rule) == (D(2027, 1, 10), Rule.TRIGGER)


# --- month ends, leap years and time zones ------------------------------------------------------

@pytest.mark.parametrize(("agreed", "sooner", "expected"), [
    (D(2026, 1, 31), False, D(2027, 1, 31)),
    (D(2025, 8, 31), True, D(2026, 2, 28)),  # no 31 February: the month's last day
    (D(2027, 8, 31), True, D(2028, 2, 29)),  # a leap year has 29 February
    (D(2028, 2, 29), False, D(2029, 2, 28)),  # a year after 29 February
    (D(2027, 2, 28), False, D(2028, 2, 28)),  # not moved to the 29th
    (D(2026, 3, 31), True, D(2026, 9, 30)),
])
def test_months_are_counted_by_the_calendar(agreed, sooner, expected):
    result = due(first_agreed=agreed, sooner={SoonerReason.ISOLATED} if sooner else set())

    assert result.due_on == expected


@pytest.mark.parametrize(("paid", "expected"), [
    (D(2027, 11, 30), D(2028, 2, 29)),
    (D(2026, 11, 30), D(2027, 2, 28)),
    (D(2026, 12, 31), D(2027, 3, 31)),
])
def test_the_first_direct_payment_review_at_month_ends(paid, expected):
    result = due(first_agreed=paid - dt.timedelta(days=10), has_direct_payment=True,
                 first_direct_payment=paid)

    assert result.due_on == expected


def test_given_a_request_at_half_past_eleven_utc_in_summer_then_it_was_made_the_next_day():
    asked = dt.datetime(2026, 7, 14, 23, 30, tzinfo=UTC)  # 00:30 on 15 July in England

    result = due(first_agreed=D(2026, 1, 10),
                 triggers=[Trigger(TriggerReason.PERSON_REQUEST, asked)])

    assert local_date(asked) == D(2026, 7, 15)
    assert result.due_on == D(2026, 7, 29)
    assert "They asked for a review on 15 July 2026" in result.reason


def test_given_a_request_at_half_past_eleven_utc_in_winter_then_it_was_made_that_day():
    asked = dt.datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # GMT: still 14 January

    result = due(first_agreed=D(2025, 12, 1),
                 triggers=[Trigger(TriggerReason.PERSON_REQUEST, asked)])

    assert result.due_on == D(2026, 1, 28)


def test_given_agreement_late_on_a_summer_month_end_then_the_year_counts_from_the_next_day():
    agreed = dt.datetime(2026, 8, 31, 23, 15, tzinfo=UTC)  # 1 September in England

    assert due(first_agreed=agreed).due_on == D(2027, 9, 1)


# --- properties for any dates -------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31),
                       timezones=st.just(UTC))
date_or_moment = st.one_of(dates, moments)
triggers = st.lists(st.builds(Trigger, st.sampled_from(list(TriggerReason)), date_or_moment),
                    max_size=4)
soon = st.sets(st.sampled_from(list(SoonerReason)))


@settings(max_examples=300, deadline=None)
@given(agreed=date_or_moment, reviewed=st.one_of(st.none(), date_or_moment), sooner=soon,
       triggers=triggers, has_dp=st.booleans(), paid=st.one_of(st.none(), date_or_moment),
       every=st.one_of(st.none(), st.integers(1, 12)),
       arranged=st.one_of(st.none(), dates))
def test_the_review_is_never_more_than_twelve_months_after_the_last(
        agreed, reviewed, sooner, triggers, has_dp, paid, every, arranged):
    result = due(first_agreed=agreed, last_review=reviewed, sooner=sooner, triggers=triggers,
                 has_direct_payment=has_dp, first_direct_payment=paid,
                 arranged_every_months=every, arranged_on=arranged)

    basis = local_date(reviewed if reviewed is not None else agreed)
    assert result is not None
    assert result.due_on <= add_months(basis, 12)
    if sooner:
        assert result.due_on <= add_months(basis, 6)


@settings(max_examples=300, deadline=None)
@given(agreed=date_or_moment, paid=date_or_moment, sooner=soon, triggers=triggers,
       reviewed=st.one_of(st.none(), date_or_moment))
def test_a_first_direct_payment_review_is_never_after_three_months_from_the_payment(
        agreed, paid, sooner, triggers, reviewed):
    result = due(first_agreed=agreed, last_review=reviewed, has_direct_payment=True,
                 first_direct_payment=paid, sooner=sooner, triggers=triggers)

    if reviewed is None or local_date(reviewed) < local_date(paid):
        assert result.due_on <= add_months(local_date(paid), 3)


@settings(max_examples=300, deadline=None)
@given(agreed=date_or_moment, reviewed=st.one_of(st.none(), date_or_moment), sooner=soon,
       triggers=triggers)
def test_the_review_is_never_later_than_an_open_triggers_date(agreed, reviewed, sooner,
                                                              triggers):
    result = due(first_agreed=agreed, last_review=reviewed, sooner=sooner, triggers=triggers)

    for trigger in triggers:
        assert result.due_on <= local_date(trigger.occurred) + dt.timedelta(
            days=TRIGGER_DAYS[trigger.reason])
