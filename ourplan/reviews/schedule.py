"""When a plan's next formal review is due, and why: the rules in one place.

`review_due_date` takes what the plan records and returns the date and the reason in plain
words. It reads nothing from the database, so every rule is tested with plain dates.

The rules (DOMAIN.md "Reviews"; PHB guide 2 §5; IPC summary guide Annex D):

* **At least yearly.** Every plan is reviewed at most twelve months after its last formal
  review or, before its first review, after the day it was first agreed. A plan that has never
  been agreed has no due date yet: there is nothing to review.
* **A direct payment's first review** is within three months of the first payment, then the
  yearly rule applies. Until a payment has been made, only the other rules apply.
* **Sooner: every six months** where they are isolated, have a degenerative or a fluctuating
  condition, lack capacity for a decision recorded in the plan (or their capacity fluctuates),
  or the plan records a risk. Six months is half the yearly interval: often enough to notice a
  change, not so often that reviewing crowds out living with the plan.
* **What the plan arranged** (its review arrangement: a date after the last review, or "every
  N months") brings the review forward when that is sooner. It never puts one back.
* **Triggers** bring the review forward, counted from the day it happened:

  | trigger                          | review within |
  |----------------------------------|---------------|
  | unplanned admission              | 2 weeks       |
  | deterioration                    | 2 weeks       |
  | carer concern                    | 2 weeks       |
  | the person's own request         | 2 weeks       |
  | change of circumstances          | 4 weeks       |
  | a key life stage                 | 4 weeks       |

  The first four are about someone's health or safety now, or a person who has asked: two weeks
  is soon enough to act and long enough to gather the people involved. A change of
  circumstances or a life stage (leaving school, moving to adult services, retiring) is often
  known ahead, so four weeks.

The due date is the earliest of all of these; the reason names the rule that set it (on a tie,
a trigger first, then the direct payment, what the plan arranged, the sooner rule, the yearly
one).

Dates: months are counted by the calendar (`ourplan.budgets.spending.add_months`): a month
after 31 January is the last day of February; a year after 29 February is 28 February. Times
(when a plan was agreed, a review finished, a request was made) are turned into the date in
England (settings.TIME_ZONE, Europe/London) before any counting, so a request made at 23:30
UTC on a summer evening was made on the next day, as the person would say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from ourplan.budgets.spending import add_months
from ourplan.core.presenters import format_date

YEARLY_MONTHS = 12
SOONER_MONTHS = 6
FIRST_DIRECT_PAYMENT_MONTHS = 3

DateLike = dt.date | dt.datetime


class TriggerReason(models.TextChoices):
    UNPLANNED_ADMISSION = "unplanned_admission", "An unplanned admission"
    DETERIORATION = "deterioration", "Their health or wellbeing has got worse"
    CHANGE_OF_CIRCUMSTANCES = "change_of_circumstances", "A change of circumstances"
    CARER_CONCERN = "carer_concern", "A carer is concerned"
    LIFE_STAGE = "life_stage", "A key life stage"
    PERSON_REQUEST = "person_request", "They have asked for a review"


# How soon each trigger brings the review, in days from when it happened.
TRIGGER_DAYS: dict[str, int] = {
    TriggerReason.UNPLANNED_ADMISSION: 14,
    TriggerReason.DETERIORATION: 14,
    TriggerReason.CARER_CONCERN: 14,
    TriggerReason.PERSON_REQUEST: 14,
    TriggerReason.CHANGE_OF_CIRCUMSTANCES: 28,
    TriggerReason.LIFE_STAGE: 28,
}

# How the reason starts for each trigger ("Unplanned admission on 3 March 2026: …").
TRIGGER_WORDS: dict[str, str] = {
    TriggerReason.UNPLANNED_ADMISSION: "Unplanned admission on {day}",
    TriggerReason.DETERIORATION: "Their health or wellbeing got worse on {day}",
    TriggerReason.CARER_CONCERN: "A carer raised a concern on {day}",
    TriggerReason.PERSON_REQUEST: "They asked for a review on {day}",
    TriggerReason.CHANGE_OF_CIRCUMSTANCES: "A change of circumstances on {day}",
    TriggerReason.LIFE_STAGE: "A key life stage on {day}",
}


class SoonerReason(models.TextChoices):
    ISOLATED = "isolated", "they are isolated"
    DEGENERATIVE_CONDITION = "degenerative_condition", "they have a degenerative condition"
    FLUCTUATING_CONDITION = "fluctuating_condition", "they have a fluctuating condition"
    LACKS_CAPACITY = "lacks_capacity", "they lack capacity for a decision, or it fluctuates"
    IDENTIFIED_RISK = "identified_risk", "the plan records a risk"


class Rule(models.TextChoices):
    """Which rule set the date (for lists and tests; the reason says it in words)."""

    TRIGGER = "trigger", "A trigger"
    FIRST_DIRECT_PAYMENT = "first_direct_payment", "First review of the direct payment"
    ARRANGED = "arranged", "Arranged in the plan"
    SOONER = "sooner", "Every six months"
    YEARLY = "yearly", "Yearly"


# On a tie, the first of these names the reason.
_PRECEDENCE = [Rule.TRIGGER, Rule.FIRST_DIRECT_PAYMENT, Rule.ARRANGED, Rule.SOONER, Rule.YEARLY]


@dataclass(frozen=True)
class Trigger:
    """Something that happened and brings the review forward. `occurred` may be a date or an
    aware datetime (turned into the date in England)."""

    reason: str
    occurred: DateLike


@dataclass(frozen=True)
class ReviewDue:
    due_on: dt.date
    reason: str
    rule: str


def local_date(value: DateLike) -> dt.date:
    """The date in England (settings.TIME_ZONE) of a datetime; a date as it is."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def trigger_due_on(trigger: Trigger) -> dt.date:
    """The day by which this trigger wants the review."""
    return local_date(trigger.occurred) + dt.timedelta(days=TRIGGER_DAYS[trigger.reason])


def _weeks(days: int) -> str:
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def review_due_date(
    *,
    last_review: DateLike | None,
    first_agreed: DateLike | None,
    has_direct_payment: bool = False,
    first_direct_payment: DateLike | None = None,
    sooner: Iterable[str] = (),
    triggers: Iterable[Trigger] = (),
    arranged_on: dt.date | None = None,
    arranged_every_months: int | None = None,
) -> ReviewDue | None:
    """The next formal review's due date and why, or None for a plan never agreed.

    `last_review`: when the last formal review was finished (None before the first).
    `first_agreed`: when the plan was first agreed (None: never agreed).
    `first_direct_payment`: the first payment of a direct payment, if one has been made.
    `sooner`: SoonerReason values that apply. `triggers`: those not yet answered by a review.
    `arranged_on`, `arranged_every_months`: the plan's own review arrangement, if any.
    """
    start = last_review if last_review is not None else first_agreed
    if start is None:
        return None
    basis = local_date(start)
    day = format_date(basis)
    since = f"the last review on {day}" if last_review is not None else \
        f"the plan was agreed on {day}"
    since_of = f"the last review on {day}" if last_review is not None else \
        f"the plan being agreed on {day}"
    candidates: list[ReviewDue] = [ReviewDue(
        add_months(basis, YEARLY_MONTHS),
        f"Yearly review: at most twelve months after {since}", Rule.YEARLY)]

    reasons = [SoonerReason(s) for s in SoonerReason if s in set(sooner)]
    if reasons:
        candidates.append(ReviewDue(
            add_months(basis, SOONER_MONTHS),
            f"Review every six months, because {_and([r.label for r in reasons])}: within six "
            f"months of {since_of}", Rule.SOONER))

    if arranged_every_months:
        candidates.append(ReviewDue(
            add_months(basis, arranged_every_months),
            f"Review every {arranged_every_months} month"
            f"{'s' if arranged_every_months != 1 else ''}, as the plan arranges: "
            f"{arranged_every_months} month{'s' if arranged_every_months != 1 else ''} after "
            f"{since}", Rule.ARRANGED))
    if arranged_on is not None and arranged_on > basis:
        candidates.append(ReviewDue(
            arranged_on, f"The review date arranged in the plan: {format_date(arranged_on)}",
            Rule.ARRANGED))

    if has_direct_payment and first_direct_payment is not None:
        paid = local_date(first_direct_payment)
        if last_review is None or local_date(last_review) < paid:
            candidates.append(ReviewDue(
                add_months(paid, FIRST_DIRECT_PAYMENT_MONTHS),
                f"First review of the direct payment: within three months of the first "
                f"payment on {format_date(paid)}", Rule.FIRST_DIRECT_PAYMENT))

    for trigger in triggers:
        days = TRIGGER_DAYS[trigger.reason]
        words = TRIGGER_WORDS[trigger.reason].format(
            day=format_date(local_date(trigger.occurred)))
        candidates.append(ReviewDue(trigger_due_on(trigger),
                                    f"{words}: review within {_weeks(days)}", Rule.TRIGGER))

    return min(candidates, key=lambda c: (c.due_on, _PRECEDENCE.index(Rule(c.rule))))
