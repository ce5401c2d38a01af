"""Reads for sign-off and appeals, scoped to the user. An approver sees a submission routed to a
level they decide at, even without a place on the person's care team: the submission is their
legitimate relationship with the record. Every read of a person's submission is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.governance.authority import authorities_for
from ourplan.governance.models import (
    Appeal,
    PaymentReduction,
    Submission,
    SubmissionStatus,
)
from ourplan.plans.models import Plan


def as_uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise NotFound() from error


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    ids = [a.pk for a in authorities_for(user)]
    mine = Q(pk__in=Submission.objects.visible_to(user).values("pk"))
    return Submission.objects.filter(mine | Q(authority_id__in=ids))


def submission_get(*, user: User, submission_id: Any, purpose: str = "view") -> Submission:
    submission = (submissions_visible_to(user)
                  .select_related("person", "plan", "plan_version", "authority", "organisation",
                                  "submitted_by", "decided_by")
                  .filter(pk=as_uuid(submission_id)).first())
    if submission is None:
        raise NotFound()
    audit_record(actor=user, action=f"submission.read.{purpose}", person=submission.person,
                 obj=submission)
    return submission


def approvals_waiting(*, user: User) -> QuerySet[Submission]:
    """Submissions waiting at the levels this user decides at, oldest first."""
    ids = [a.pk for a in authorities_for(user)]
    return (Submission.objects.filter(authority_id__in=ids, status=SubmissionStatus.WAITING)
            .select_related("person", "authority", "submitted_by")
            .order_by("submitted_at"))


@dataclass(frozen=True)
class SignOffHistory:
    submissions: list[Submission]
    appeals: list[Appeal]
    reductions: list[PaymentReduction]

    @property
    def waiting(self) -> Submission | None:
        return next((s for s in self.submissions if s.status == SubmissionStatus.WAITING), None)

    @property
    def refused(self) -> list[Submission]:
        return [s for s in self.submissions if s.status == SubmissionStatus.REFUSED]


def sign_off_history(*, plan: Plan) -> SignOffHistory:
    """The plan's submissions, appeals and reduction notices, newest first. The caller has
    already read the plan through visible_to and audited it."""
    return SignOffHistory(
        submissions=list(plan.submissions.select_related("decided_by", "submitted_by",
                                                         "plan_version")
                         .order_by("-submitted_at", "-created_at")),
        appeals=list(plan.appeals.select_related("submission", "cost_line", "reduction",
                                                 "decided_by")),
        reductions=list(PaymentReduction.objects.filter(person=plan.person)
                        .select_related("holding")),
    )


def appeal_get(*, user: User, appeal_id: Any) -> Appeal:
    """An appeal, for someone who can see the person, may hear it or decided it (the rung is
    their only link to the person: they still read what they decided)."""
    from ourplan.governance.services import may_hear

    appeal = (Appeal.objects.select_related("person", "plan", "submission", "cost_line",
                                            "reduction", "decided_by", "recorded_by",
                                            "representative")
              .filter(pk=as_uuid(appeal_id)).first())
    if appeal is None or not (Appeal.objects.visible_to(user).filter(pk=appeal.pk).exists()
                              or (appeal.is_open and may_hear(user, appeal))
                              or appeal.decided_by_id == user.pk):
        raise NotFound()
    audit_record(actor=user, action="appeal.read", person=appeal.person, obj=appeal)
    return appeal


def reduction_get(*, user: User, reduction_id: Any) -> PaymentReduction:
    reduction = (PaymentReduction.objects.visible_to(user)
                 .select_related("person", "holding", "given_by")
                 .filter(pk=as_uuid(reduction_id)).first())
    if reduction is None:
        raise NotFound()
    audit_record(actor=user, action="reduction.read", person=reduction.person, obj=reduction)
    return reduction
