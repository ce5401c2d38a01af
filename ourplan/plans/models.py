"""The plan: one per person, its stage, each section's status, and the history of its stages."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ourplan.core.models import BaseModel, VersionedModel
from ourplan.people.querysets import PersonDataQuerySet
from ourplan.plans.workflow import (
    Confidence,
    PamLevel,
    PlanKind,
    Section,
    SectionStatus,
    Stage,
)

PAM_SCORE_OUT_OF_RANGE = "PAM score must be between 0 and 100"
PAM_DATE_NEEDED = "Enter the date of the PAM score"
PAM_LEVEL_NEEDED = "Select the PAM level that goes with the score"
PAM_DATE_IN_FUTURE = "The PAM date must be today or in the past"
TEXT_TOO_LONG = "Keep it to 1,000 characters or fewer"


class Plan(VersionedModel):
    """The person's one personalised care and support plan (or lighter wellbeing plan)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="plan")
    kind = models.CharField("Kind of plan", max_length=16, choices=PlanKind.choices,
                            default=PlanKind.FULL)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.CONTEXT)
    pam_level = models.PositiveSmallIntegerField("PAM level", choices=PamLevel.choices,
                                                 null=True, blank=True)
    pam_score = models.DecimalField(
        "PAM score", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0, PAM_SCORE_OUT_OF_RANGE),
                    MaxValueValidator(100, PAM_SCORE_OUT_OF_RANGE)],
    )
    pam_date = models.DateField("Date of the PAM score", null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        "How confident they feel managing their health", choices=Confidence.choices,
        null=True, blank=True,
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    objects = PersonDataQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.pam_score is not None and not self.pam_date:
            errors["pam_date"] = PAM_DATE_NEEDED
        if self.pam_score is not None and not self.pam_level:
            errors["pam_level"] = PAM_LEVEL_NEEDED
        if self.pam_date and self.pam_date > timezone.localdate():
            errors["pam_date"] = PAM_DATE_IN_FUTURE
        if errors:
            raise ValidationError(errors)


class PlanSection(BaseModel):
    """Where one section of a plan has got to. Sections are done in any order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=32, choices=Section.choices)
    status = models.CharField(max_length=16, choices=SectionStatus.choices,
                              default=SectionStatus.NOT_STARTED)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "section"],
                                               name="one_status_per_plan_section")]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.get_status_display()}"


class PlanStageChangeQuerySet(models.QuerySet["PlanStageChange"]):
    def update(self, **kwargs: Any) -> int:
        raise PlanHistoryIsAppendOnly()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PlanHistoryIsAppendOnly()


class PlanHistoryIsAppendOnly(Exception):
    pass


class PlanStageChange(models.Model):
    """One row per move between stages, never changed."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="stage_changes")
    transition = models.CharField(max_length=32)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    objects: ClassVar[PlanStageChangeQuerySet] = PlanStageChangeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'start'} → {self.to_stage}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PlanHistoryIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PlanHistoryIsAppendOnly()


# --- sections -------------------------------------------------------------------------------

class AboutMe(VersionedModel):
    """About me and the one-page summary, in the person's words (PRSB "About me"; the one-page
    profile of the seeds)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="about_me")
    appreciated = models.TextField("What people appreciate about me", blank=True,
                                   help_text="For example, funny, organised, a good listener")
    important = models.TextField(
        "What is important to me", blank=True,
        help_text="People, routines, possessions, what a good day looks like")
    support = models.TextField("How best to support me", blank=True)
    health_summary = models.TextField("My health, in brief", blank=True)
    communication = models.TextField("How I communicate", blank=True)
    please_do = models.TextField("Please do", blank=True)
    please_dont = models.TextField("Please don't", blank=True)
    written_with = models.CharField("I was supported to write this by", max_length=200,
                                    blank=True)

    def __str__(self) -> str:
        return f"About me: {self.plan.person}"


class Perspective(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "Family or carers"
    PRACTITIONER = "practitioner", "Practitioners"


class WorkingKind(models.TextChoices):
    WORKING = "working", "Working"
    NOT_WORKING = "not_working", "Not working"
    STRENGTH = "strength", "A strength or asset"


class WorkingEntry(VersionedModel):
    """One thing that is working or not working, or a strength, and whose view it is."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="working_entries")
    kind = models.CharField("Is it working?", max_length=16, choices=WorkingKind.choices)
    text = models.TextField("What is it?", max_length=1000,
                            validators=[MaxLengthValidator(1000, TEXT_TOO_LONG)])
    perspective = models.CharField("Whose view is this?", max_length=16,
                                   choices=Perspective.choices, default=Perspective.PERSON)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class Importance(models.TextChoices):
    HIGH = "high", "Very important to me"
    MEDIUM = "medium", "Important to me"
    LOW = "low", "Would be nice"


class OutcomeStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "On the way"
    ACHIEVED = "achieved", "Achieved"
    CHANGED = "changed", "Changed"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


COST_NEGATIVE = "A rough cost cannot be less than zero"


class Outcome(VersionedModel):
    """What the person wants to achieve, for an assessed need, in their words, with what gets in
    the way, the risk if it is not met, the solutions and their risks, and a rough cost."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    need = models.TextField("The need this is for", blank=True,
                            help_text="The assessed need, if there is one")
    text = models.TextField("The outcome, in the person's words",
                            help_text="What they want to achieve or keep, not how. Start “I …”")
    barriers = models.TextField("What gets in the way", blank=True)
    risk_if_not_achieved = models.TextField("What could happen if it is not achieved",
                                            blank=True)
    solution_traditional = models.TextField("Traditional solutions", blank=True,
                                            help_text="What would usually be offered")
    solution_different = models.TextField("Different solutions", blank=True)
    solution_radical = models.TextField("Radical solutions", blank=True,
                                        help_text="Nothing is impossible until ruled out")
    solution_risks = models.TextField("Risks in these solutions", blank=True)
    mitigation = models.TextField("How those risks will be reduced", blank=True)
    rough_cost = models.DecimalField("Rough cost (£)", max_digits=10, decimal_places=2,
                                     null=True, blank=True,
                                     validators=[MinValueValidator(0, COST_NEGATIVE)])
    importance = models.CharField(max_length=8, choices=Importance.choices,
                                  default=Importance.MEDIUM)
    status = models.CharField(max_length=20, choices=OutcomeStatus.choices,
                              default=OutcomeStatus.NOT_STARTED)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionOwner(models.TextChoices):
    PERSON = "person", "The person"
    CIRCLE = "circle", "Someone in their circle"
    SERVICE = "service", "A service"
    COMMUNITY = "community", "A community or voluntary resource"


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    DOING = "doing", "Being done"
    DONE = "done", "Done"
    STOPPED = "stopped", "Stopped"


class Action(VersionedModel):
    """Who does what, by when, for which outcome."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField("What will be done")
    owner_kind = models.CharField("Who will do it", max_length=16, choices=ActionOwner.choices)
    owner = models.CharField("Their name", max_length=200, blank=True,
                             help_text="For example, Bernard, or the district nursing team")
    by_when = models.DateField("By when", null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionStatus.choices,
                              default=ActionStatus.TO_DO)

    class Meta:
        ordering = ["by_when", "created_at"]

    def __str__(self) -> str:
        return self.what[:60]

    def clean(self) -> None:
        if self.outcome_id and self.plan_id and self.outcome.plan_id != self.plan_id:
            raise ValidationError({"outcome": "Select one of this plan's outcomes"})


class AgreedBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "Their representative"


class PlanVersionQuerySet(models.QuerySet["PlanVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PlanHistoryIsAppendOnly()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PlanHistoryIsAppendOnly()


class PlanVersion(models.Model):
    """An agreed version: an immutable snapshot of the whole plan as the person agreed it."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    agreed_by = models.CharField("Who agreed it", max_length=16, choices=AgreedBy.choices)
    representative = models.ForeignKey(
        "people.PersonalContact", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    agreed_by_name = models.CharField(max_length=200)
    how = models.CharField("How they agreed", max_length=300,
                           help_text="For example, signed at home with Sam; by phone")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    plan_version = models.PositiveIntegerField(help_text="The plan's edit version agreed")
    snapshot = models.JSONField()

    objects: ClassVar[PlanVersionQuerySet] = PlanVersionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="one_number_per_plan_version")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.plan}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PlanHistoryIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PlanHistoryIsAppendOnly()
