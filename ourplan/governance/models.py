"""Delegated authority, submissions for sign-off and their decisions, appeals, and written
notice of a reduced direct payment.

Decisions sit as close to the person as the ICB allows (summary guide Annex F §10.5): each ICB
says, for each kind of decision, which roles decide at each level and up to what budget and risk.
A submission goes to the lowest level allowed to decide it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from ourplan.core.models import VersionedModel
from ourplan.people.querysets import PersonDataQuerySet


class DecisionKind(models.TextChoices):
    INDICATIVE_BUDGET = "indicative_budget", "Indicative budget"
    PLAN_SIGN_OFF = "plan_sign_off", "Plan sign-off"
    FINAL_BUDGET = "final_budget", "Final budget"
    FLEXIBLE_SPEND = "flexible_spend", "Flexible spend"
    PLAN_REVIEW = "plan_review", "Plan review"
    BUDGET_REVIEW = "budget_review", "Budget review"


class Level(models.IntegerChoices):
    ONE = 1, "Level 1: close to the person (nurse assessor or case manager)"
    TWO = 2, "Level 2: team manager or peer review"
    THREE = 3, "Level 3: clinical director"
    FOUR = 4, "Level 4: commissioner"


class RiskLevel(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Authority(VersionedModel):
    """One rung of an ICB's delegated authority: at this level, these roles decide this kind of
    decision for budgets up to `max_budget` a year (blank: any size) and risk up to `max_risk`."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="authorities", verbose_name="ICB")
    decision = models.CharField("Decision", max_length=24, choices=DecisionKind.choices)
    level = models.PositiveSmallIntegerField("Level", choices=Level.choices)
    roles = models.JSONField("Roles that decide at this level", default=list)
    max_budget = models.DecimalField(
        "Largest budget decided at this level (£ a year)", max_digits=12, decimal_places=2,
        null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Leave blank for any size of budget",
    )
    max_risk = models.PositiveSmallIntegerField("Highest risk decided at this level",
                                                choices=RiskLevel.choices,
                                                default=RiskLevel.HIGH)

    class Meta:
        ordering = ["organisation", "decision", "level"]
        constraints = [models.UniqueConstraint(fields=["organisation", "decision", "level"],
                                               name="one_authority_per_level")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} at level {self.level}"


class SubmissionStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    APPROVED = "approved", "Signed off"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Submission(VersionedModel):
    """A plan (or a budget decision) sent for a decision, routed to one level of authority.
    The decision is kept on the row: who, when, why, and for a refusal the alternatives and
    what the person was told."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="submissions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="submissions")
    decision = models.CharField(max_length=24, choices=DecisionKind.choices,
                                default=DecisionKind.PLAN_SIGN_OFF)
    plan_version = models.ForeignKey("plans.PlanVersion", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="submissions")
    amount = models.DecimalField("Budget a year (£)", max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    risk = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    risk_reasons = models.JSONField(default=list, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="submissions", verbose_name="ICB")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT,
                                  related_name="submissions")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.WAITING)
    note = models.TextField("Note for the approver", blank=True, max_length=2000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField("Reasons", blank=True)
    alternatives = models.TextField("Other options the person could consider", blank=True)
    message_to_person = models.TextField(blank=True)
    appeal_by = models.DateField("Ask for it to be looked at again by", null=True, blank=True)
    # Set when the decision was made by changing an earlier one on appeal.
    on_appeal = models.ForeignKey("Appeal", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "decision"],
                                    condition=models.Q(status="waiting"),
                                    name="one_waiting_submission_per_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.person}"


class AppealKind(models.TextChoices):
    REFUSED_PLAN = "refused_plan", "A refused plan"
    REFUSED_SERVICE = "refused_service", "A refused service"
    REDUCED_BUDGET = "reduced_budget", "A reduced budget"


class AskedBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "Their representative"


class AppealOutcome(models.TextChoices):
    CHANGED = "changed", "The decision has been changed"
    PARTLY_CHANGED = "partly_changed", "The decision has been partly changed"
    STANDS = "stands", "The decision stands"


class Appeal(VersionedModel):
    """The person (or their representative) asks for a decision to be looked at again, by
    someone other than who made it, by a deadline."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="appeals")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField("What is being appealed", max_length=16,
                            choices=AppealKind.choices)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="appeals")
    # A refused line is taken out of the draft budget once the appeal is heard (or before):
    # the appeal keeps what it was about in `about`.
    cost_line = models.ForeignKey("budgets.CostLine", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="appeals")
    reduction = models.ForeignKey("PaymentReduction", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="appeals")
    about = models.CharField("The decision appealed", max_length=300, blank=True)
    asked_by = models.CharField("Who is asking", max_length=16, choices=AskedBy.choices)
    representative = models.ForeignKey("people.PersonalContact", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField("Why they think the decision is wrong", max_length=4000)
    lodged_on = models.DateField("Date they asked")
    respond_by = models.DateField("Decision due by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    first_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=AppealOutcome.choices, blank=True)
    outcome_reasons = models.TextField("Reasons", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="appeal_names_one_decision",
                condition=(models.Q(kind="refused_plan", submission__isnull=False,
                                    cost_line__isnull=True, reduction__isnull=True)
                           | models.Q(kind="refused_service", submission__isnull=True,
                                      reduction__isnull=True)
                           | models.Q(kind="reduced_budget", submission__isnull=True,
                                      cost_line__isnull=True, reduction__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal about {self.get_kind_display().lower()} for {self.person}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class ReductionStatus(models.TextChoices):
    NOTIFIED = "notified", "Notice given"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PaymentReduction(VersionedModel):
    """Written notice that a direct payment will go down, with reasons, given at least the
    holding's notice period before it takes effect."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="payment_reductions")
    budget = models.ForeignKey("budgets.Budget", on_delete=models.PROTECT,
                               related_name="reductions")
    holding = models.ForeignKey("budgets.Holding", on_delete=models.PROTECT,
                                related_name="reductions")
    current_amount = models.DecimalField(max_digits=12, decimal_places=2)
    new_amount = models.DecimalField("New amount of each payment (£)", max_digits=12,
                                     decimal_places=2)
    frequency = models.CharField(max_length=16)
    reasons = models.TextField("Reasons for the reduction", max_length=4000)
    notice_given_on = models.DateField("Notice given on")
    takes_effect_on = models.DateField("Takes effect on")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    letter = models.TextField()
    status = models.CharField(max_length=12, choices=ReductionStatus.choices,
                              default=ReductionStatus.NOTIFIED)

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["-notice_given_on"]

    def __str__(self) -> str:
        return f"Reduction of {self.person}'s direct payment from {self.takes_effect_on}"
