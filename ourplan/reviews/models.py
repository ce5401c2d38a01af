"""Reviews of a plan: what brings one forward (triggers), circumstances that call for sooner
reviews, the stored next due date, and the review records themselves.

Every record keeps its person (like a budget) so that scoping (`visible_to`) is one join."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourplan.core.models import BaseModel, VersionedModel
from ourplan.people.querysets import PersonDataQuerySet
from ourplan.reviews.schedule import TriggerReason

TOO_LONG = "Keep it to 2,000 characters or fewer"
OCCURRED_IN_FUTURE = "The date must be today or in the past"
DETAILS_NEEDED = "Say what happened"
NOTE_NEEDED_WHEN_NOT_MET = "Say what is not in place and what will be done about it"


def _text(label: str, help_text: str = "") -> models.TextField:
    return models.TextField(label, blank=True, max_length=2000, help_text=help_text,
                            validators=[MaxLengthValidator(2000, TOO_LONG)])


class ReviewCircumstances(VersionedModel):
    """What the plan does not hold yet but calls for more frequent reviews."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE,
                                related_name="review_circumstances")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    isolated = models.BooleanField("They are isolated", default=False)
    degenerative_condition = models.BooleanField("They have a degenerative condition",
                                                 default=False)
    fluctuating_condition = models.BooleanField("They have a fluctuating condition",
                                                default=False)
    note = _text("Anything else about their circumstances",
                 "For example, who they see in a week, or how their condition changes")

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "review circumstances"

    def __str__(self) -> str:
        return f"Circumstances of {self.person}"


class ReviewSchedule(BaseModel):
    """The next review's due date and why, stored so lists can filter on it. Recomputed by
    `services.review_schedule_refresh` from what the plan records; never edited by hand."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE,
                                related_name="review_schedule")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(null=True, blank=True, db_index=True,
                              help_text="Empty until the plan is first agreed")
    reason = models.TextField(blank=True)
    rule = models.CharField(max_length=24, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"Review of {self.person} due {self.due_on}"


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Met(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class Suffices(models.TextChoices):
    YES = "yes", "Yes, it is still enough"
    NO = "no", "No, it is not enough"
    NO_BUDGET = "no_budget", "There is no budget"


class OutcomeResult(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_YET = "not_yet", "Not achieved yet"
    NO_LONGER_WANTED = "no_longer_wanted", "No longer wanted"


# The direct payment's obligations a review checks, each with its question and the note
# field beside it.
DP_OBLIGATIONS: dict[str, str] = {
    "dp_insurance": "Is the employer's and public liability insurance in place?",
    "dp_pa_training": "Have the personal assistants had the training they need?",
    "dp_employer_duties": ("Are the employer's duties met (contracts, payroll, tax, pensions, "
                           "right to work)?"),
    "dp_provider_registration": ("Is every provider of a regulated activity registered with "
                                 "the Care Quality Commission?"),
}


def _met(label: str) -> models.CharField:
    return models.CharField(label, max_length=16, choices=Met.choices, blank=True)


class Review(VersionedModel):
    """One formal review: how each outcome went, how the budget was used, risks, the direct
    payment's obligations, whether the budget is still enough and the coming year's
    priorities. Finishing it starts the next version of the plan."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices,
                              default=ReviewStatus.IN_PROGRESS)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    triggers = models.ManyToManyField("reviews.ReviewTrigger", blank=True,
                                      related_name="reviews",
                                      help_text="The triggers this review answers")
    budget_use = _text("How the budget was used",
                       "What it paid for, what worked, anything not spent or overspent")
    risks_changes = _text("New or changed risks",
                          "Risks that are new, have changed or have gone, and how they are "
                          "managed")
    dp_insurance = _met(DP_OBLIGATIONS["dp_insurance"])
    dp_insurance_note = _text("Insurance: notes")
    dp_pa_training = _met(DP_OBLIGATIONS["dp_pa_training"])
    dp_pa_training_note = _text("Training: notes")
    dp_employer_duties = _met(DP_OBLIGATIONS["dp_employer_duties"])
    dp_employer_duties_note = _text("Employer's duties: notes")
    dp_provider_registration = _met(DP_OBLIGATIONS["dp_provider_registration"])
    dp_provider_registration_note = _text("Registration: notes")
    budget_suffices = models.CharField("Is the budget still enough to meet their outcomes?",
                                       max_length=16, choices=Suffices.choices, blank=True)
    priorities = _text("Priorities for the coming year", "In the person's words")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="in_progress"),
                                    name="one_review_in_progress_per_person"),
            models.CheckConstraint(
                name="completed_review_has_when_and_who",
                condition=Q(status="in_progress") | (Q(completed_at__isnull=False)
                                                     & Q(completed_by__isnull=False))),
        ]

    def __str__(self) -> str:
        return f"Review of {self.person} started {self.started_at:%Y-%m-%d}"

    @property
    def is_completed(self) -> bool:
        return self.status == ReviewStatus.COMPLETED

    def clean(self) -> None:
        errors = {f"{name}_note": NOTE_NEEDED_WHEN_NOT_MET for name in DP_OBLIGATIONS
                  if getattr(self, name) == Met.NO
                  and not getattr(self, f"{name}_note").strip()}
        if errors:
            raise ValidationError(errors)


class ReviewTrigger(BaseModel):
    """Something that happened and brings the review forward, until a review answers it."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT,
                             related_name="review_triggers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("What has happened?", max_length=32,
                              choices=TriggerReason.choices,
                              error_messages={"blank": "Select what has happened"})
    details = _text("What happened")
    occurred_on = models.DateField("When did it happen?")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_by_review = models.ForeignKey(Review, null=True, blank=True,
                                           on_delete=models.PROTECT,
                                           related_name="resolved_triggers")

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "raised_at"]
        indexes = [models.Index(fields=["plan", "resolved_by_review"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.occurred_on}"

    @property
    def is_open(self) -> bool:
        return self.resolved_by_review_id is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = OCCURRED_IN_FUTURE
        if self.reason != TriggerReason.PERSON_REQUEST and not self.details.strip():
            errors["details"] = DETAILS_NEEDED
        if errors:
            raise ValidationError(errors)


class ReviewOutcome(VersionedModel):
    """How far one of the plan's outcomes got, as the review found. The outcome's words are
    kept too, so the record still reads correctly if the outcome later changes."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="outcome_results")
    outcome = models.ForeignKey("plans.Outcome", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    outcome_text = models.TextField()
    result = models.CharField("How far has it got?", max_length=20,
                              choices=OutcomeResult.choices,
                              error_messages={"blank": "Select how far the outcome has got"})
    comment = _text("Comment")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["review", "outcome"],
                                               name="one_result_per_outcome_per_review")]

    def __str__(self) -> str:
        return f"{self.outcome_text[:40]}: {self.get_result_display()}"
