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
    # PCSP criterion 1: the person chose who was involved in planning with them.
    involved = models.TextField(
        "Who they chose to involve in planning", blank=True, max_length=1000,
        help_text="For example, my daughter Ann and my district nurse; or no one else",
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


class Agreement(models.TextChoices):
    """What the person or their representative agrees to (summary guide Annex D §8.3.3)."""

    NEEDS_MET = "needs_met", "The support in the plan meets my needs"
    PAYMENT_SUFFICIENT = ("payment_sufficient",
                          "The direct payment is enough to pay the full cost of my support")
    REVIEWED = "reviewed", "My plan will be reviewed, and my needs may be assessed again"
    SHARING = ("sharing", "My information may be shared with the people and services who "
                          "deliver my plan")


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
    agreements = models.JSONField("What they agreed to", default=list, blank=True,
                                  help_text="Values of Agreement")

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


# --- list sections: health, PAs, risks, contingency, decisions, review ------------------------

class PlanEntry(VersionedModel):
    """A row in one of the plan's list sections. Each kind says what its first field is."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        first = self._meta.get_fields()[0]
        return str(getattr(self, getattr(self, "TITLE_FIELD", first.name), ""))[:60]


class Condition(PlanEntry):
    TITLE_FIELD = "name"
    name = models.CharField("Condition", max_length=200)
    how_it_affects_me = models.TextField("How it affects me", blank=True)
    treatment = models.TextField("Current treatment", blank=True)
    monitored_by = models.CharField(
        "Who monitors this condition", max_length=200, blank=True,
        help_text="For example, my GP, the diabetes nurse at Brookside Surgery",
    )


class Medication(PlanEntry):
    TITLE_FIELD = "name"
    name = models.CharField("Medicine", max_length=200)
    dose_and_timing = models.CharField("How much and when", max_length=200, blank=True)
    what_for = models.CharField("What it is for", max_length=200, blank=True)


class Allergy(PlanEntry):
    TITLE_FIELD = "substance"
    substance = models.CharField("Allergic to", max_length=200)
    reaction = models.CharField("What happens", max_length=300, blank=True)


class LinkKind(models.TextChoices):
    CONDITION_PLAN = "condition_plan", "Condition-specific plan"
    EHC_PLAN = "ehc_plan", "Education, health and care (EHC) plan"
    CPA = "cpa", "Care programme approach plan"
    ASSESSMENT = "assessment", "Assessment"
    OTHER = "other", "Other plan or document"


class PlanLink(PlanEntry):
    """A link to another plan or assessment, rather than a copy of it."""

    TITLE_FIELD = "title"
    title = models.CharField("Title", max_length=200)
    kind = models.CharField("What it is", max_length=20, choices=LinkKind.choices)
    owner = models.CharField("Who holds it", max_length=200, blank=True)
    dated = models.DateField("Date", null=True, blank=True)
    where_held = models.CharField("Where it is kept", max_length=300, blank=True)


class DelegatedTask(PlanEntry):
    """A healthcare task delegated to a personal assistant."""

    TITLE_FIELD = "task"
    task = models.CharField("Task", max_length=300)
    limits = models.TextField("Limits of what is delegated", blank=True)
    accountable = models.CharField("Who is accountable for delegating it", max_length=200)
    training = models.TextField("How training is given", blank=True)
    competency_signed_off_by = models.CharField("Competency signed off by", max_length=200,
                                                blank=True)
    competency_review_date = models.DateField("Competency review date", null=True, blank=True)
    ongoing_support = models.TextField("Ongoing support", blank=True)


class RiskKind(models.TextChoices):
    CLINICAL = "clinical", "Clinical"
    FINANCIAL = "financial", "Financial"
    PERSONAL = "personal", "Personal"
    REPUTATIONAL = "reputational", "Reputational"
    SAFEGUARDING = "safeguarding", "Safeguarding, liberty or restraint"


class RiskApproach(models.TextChoices):
    TAKE = "take", "A risk I choose to take"
    TOLERATE = "tolerate", "A risk I tolerate"
    MINIMISE = "minimise", "A risk I want to reduce"


class Risk(PlanEntry):
    TITLE_FIELD = "description"
    description = models.TextField("The risk")
    kind = models.CharField("Kind of risk", max_length=16, choices=RiskKind.choices)
    approach = models.CharField("What the person wants to do about it", max_length=16,
                                choices=RiskApproach.choices)
    mitigation = models.TextField("How it is managed", blank=True)
    owner = models.CharField("Who looks after this", max_length=200, blank=True)


class Contingency(PlanEntry):
    """What happens if: a PA off sick, the person unwell, a crisis."""

    TITLE_FIELD = "triggers"
    triggers = models.TextField("What would set this off",
                                help_text="One or more triggers, for example my PA is off sick")
    what_should_happen = models.TextField("What should happen")
    who_to_contact = models.TextField("Who to contact", blank=True)
    coping_strategies = models.TextField("What helps me cope", blank=True)
    early_warning_signs = models.TextField("Early warning signs", blank=True)
    advance_statement = models.TextField("My advance statement", blank=True)
    anticipatory_items = models.TextField("Anticipatory medicines or equipment", blank=True)


class DecisionKind(models.TextChoices):
    CAPACITY = "capacity", "Mental capacity for a decision"
    BEST_INTERESTS = "best_interests", "Best interests decision"
    SUPPORTED = "supported", "Supported decision-making"
    ADVANCE_DECISION = "advance_decision", "Advance decision to refuse treatment"
    LPA = "lpa", "Lasting power of attorney"
    WHO_SPEAKS = "who_speaks", "Who speaks for me when I cannot"


class HasCapacity(models.TextChoices):
    YES = "yes", "Has capacity for this decision"
    NO = "no", "Lacks capacity for this decision"
    FLUCTUATING = "fluctuating", "Capacity fluctuates"


class DecisionRecord(PlanEntry):
    TITLE_FIELD = "decision"
    kind = models.CharField("What is recorded", max_length=20, choices=DecisionKind.choices)
    decision = models.CharField("The decision or document", max_length=300)
    capacity = models.CharField("Capacity (for a capacity record)", max_length=12,
                                choices=HasCapacity.choices, blank=True)
    details = models.TextField("Details", blank=True)
    by_whom = models.CharField("Made or assessed by", max_length=200, blank=True)
    dated = models.DateField("Date", null=True, blank=True)
    where_held = models.CharField("Where the document is kept", max_length=300, blank=True)

    def clean(self) -> None:
        if self.kind == DecisionKind.CAPACITY and not self.capacity:
            raise ValidationError({"capacity": "Select the outcome of the capacity assessment"})
        if self.kind != DecisionKind.CAPACITY and self.capacity:
            raise ValidationError({"capacity": "Only a capacity record has a capacity outcome"})


class ReviewArrangement(PlanEntry):
    TITLE_FIELD = "how"
    planned_date = models.DateField("Planned review date", null=True, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        "Or review every (months)", null=True, blank=True,
        validators=[MinValueValidator(1, "Review at least every month or more"),
                    MaxValueValidator(12, "Review at least once a year")])
    responsible = models.CharField("Who is responsible", max_length=200)
    how = models.TextField("How it will be done")
    how_to_ask = models.TextField("How the person can ask for a review at any time")

    def clean(self) -> None:
        if not self.planned_date and not self.interval_months:
            raise ValidationError({"planned_date": "Enter a planned review date or how often "
                                                   "the plan will be reviewed"})
