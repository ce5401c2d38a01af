"""Work queues: what is waiting for a coordinator, or for their teams. Each list costs one
query however many people there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from ourplan.accounts.models import User
from ourplan.governance.models import Appeal, Submission, SubmissionStatus
from ourplan.people.models import CareTeamMember, Person
from ourplan.people.querysets import current_on
from ourplan.plans.models import Plan, PlanStageChange, PlanVersion
from ourplan.plans.workflow import Stage
from ourplan.reviews.selectors import reviews_due, reviews_overdue

MINE, TEAM = "mine", "team"
DUE_WITHIN_DAYS = 30


@dataclass(frozen=True)
class WorkQueue:
    whose: str
    awaiting_agreement: list[Plan]
    awaiting_sign_off: list[Submission]
    refused: list[Submission]
    under_appeal: list[Appeal]
    reviews_due: list[Any]
    reviews_overdue: list[Any]

    @property
    def people(self) -> list[Person]:
        """Everyone listed, once each (for the audit of who was shown)."""
        found: dict[Any, Person] = {}
        for row in (*self.awaiting_agreement, *self.awaiting_sign_off, *self.refused,
                    *self.under_appeal, *self.reviews_due, *self.reviews_overdue):
            found.setdefault(row.person.pk, row.person)
        return list(found.values())

    @property
    def total(self) -> int:
        return sum(len(x) for x in (self.awaiting_agreement, self.awaiting_sign_off,
                                    self.refused, self.under_appeal, self.reviews_due,
                                    self.reviews_overdue))


def _scoped(records: Any, user: User, whose: str, today: dt.date) -> Any:
    """Records of people the user can see; for "mine", only people whose care team they are
    on. Correlated on each record's own person, so the cost follows the records listed, not
    the number of people the user can see."""
    return _mine(records.visible_to(user), user, whose, today)


def awaiting_agreement(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """At record and agree, with no agreement recorded since the plan got there."""
    reached = (PlanStageChange.objects.filter(plan=OuterRef("pk"), to_stage=Stage.RECORD_AND_AGREE)
               .order_by("-occurred_at").values("occurred_at")[:1])
    agreed = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values(
        "agreed_at")[:1]
    return (plans.filter(stage=Stage.RECORD_AND_AGREE)
            .annotate(reached_at=Subquery(reached), agreed_at=Subquery(agreed))
            .filter(Q(agreed_at__isnull=True) | Q(agreed_at__lt=F("reached_at")))
            .select_related("person").order_by("reached_at"))


def _mine(records: Any, user: User, whose: str, today: dt.date) -> Any:
    """Already scoped to the user: for "mine", only people whose care team they are on."""
    if whose != MINE:
        return records
    return records.filter(Exists(CareTeamMember.objects.filter(
        current_on(today), person=OuterRef("person"), user=user)))


def work_queue(*, user: User, whose: str, today: dt.date) -> WorkQueue:
    whose = whose if whose in (MINE, TEAM) else MINE
    newer = Submission.objects.filter(plan=OuterRef("plan"), decision=OuterRef("decision"),
                                      created_at__gt=OuterRef("created_at"))
    submissions = _scoped(Submission.objects, user, whose, today).select_related(
        "person", "submitted_by", "decided_by")
    return WorkQueue(
        whose=whose,
        awaiting_agreement=list(awaiting_agreement(_scoped(Plan.objects, user, whose, today))),
        awaiting_sign_off=list(submissions.filter(status=SubmissionStatus.WAITING)
                               .order_by("submitted_at")),
        refused=list(submissions.filter(status=SubmissionStatus.REFUSED)
                     .exclude(Exists(newer)).order_by("decided_at")),
        under_appeal=list(_scoped(Appeal.objects, user, whose, today).filter(outcome="")
                          .select_related("person").order_by("respond_by")),
        reviews_due=list(_mine(reviews_due(user=user, within_days=DUE_WITHIN_DAYS, today=today),
                               user, whose, today)),
        reviews_overdue=list(_mine(reviews_overdue(user=user, today=today), user, whose, today)),
    )
