"""Referrals to a risk enablement panel: the hard question, why it is hard, the options with
their risks and benefits, the person's own view; then the panel's decision, how it was shared
with the person, and whether it has become a local principle.

The journey (statuses and transitions) is declared in workflow.py; every change is a service
(services.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourplan.core.models import BaseModel, VersionedModel
from ourplan.panels.querysets import PanelReferralQuerySet
from ourplan.panels.workflow import HardDecisionReason, ReferralStatus, SharedHow

QUESTION_REQUIRED = "Say what the panel is asked to decide"
REASON_REQUIRED = "Select why this is a hard decision: panels are for hard decisions only"
REASON_DETAILS_REQUIRED = "Say why this is a hard decision"
PERSON_VIEW_REQUIRED = ("Say what the person thinks, in their words. If they could not say, "
                        "say why and who spoke for them")
OPTION_DESCRIPTION_REQUIRED = "Describe the option"
OPTION_BENEFITS_REQUIRED = "Say what the option could make better for the person"
OPTION_RISKS_REQUIRED = "Say what could go wrong with the option, or that you know of no risks"


def _most(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(limit, f"Keep it to {limit:,} characters or fewer")


def text(label: str, *, limit: int = 2000, required: str = "", help_text: str = "") -> Any:
    """A text box in plain words, with a limit that the model itself checks."""
    return models.TextField(
        label, blank=not required, validators=[_most(limit)], help_text=help_text,
        error_messages={"blank": required} if required else {},
    )


class PanelReferral(VersionedModel):
    """One hard decision referred to the ICB's risk enablement panel, and what became of it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="panel_referrals")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT,
                             related_name="panel_referrals")
    # The ICB whose panel hears it (accounts.icb.icb_for), fixed when it is referred.
    icb = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                            related_name="panel_referrals", verbose_name="ICB")

    question = text("What is the panel asked to decide?", required=QUESTION_REQUIRED)
    reason = models.CharField("Why is this a hard decision?", max_length=16,
                              choices=HardDecisionReason.choices,
                              error_messages={"blank": REASON_REQUIRED})
    reason_details = text("Tell the panel more about why it is hard")
    person_view = text("What does the person think?", required=PERSON_VIEW_REQUIRED)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.REFERRED)

    # The panel and its decision.
    panel_date = models.DateField("Date of the panel", null=True, blank=True)
    members = text("Who was on the panel")
    member_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                          related_name="+",
                                          verbose_name="Panel members who use Ourplan")
    chosen_option = models.ForeignKey("PanelOption", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name="Which option the panel chose")
    none_reason = text("Why the panel chose none of the options")
    decision = text("The decision, in plain words")
    rationale = text("Why the panel decided this", limit=4000)
    conditions = text("Conditions of the decision")
    review_date = models.DateField("When the decision will be looked at again", null=True,
                                   blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    # Sharing the decision with the person.
    shared_on = models.DateField("Date it was shared with the person", null=True, blank=True)
    shared_how = models.CharField("How it was shared", max_length=16,
                                  choices=SharedHow.choices, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    # Repeated decisions become local principles that everyone in the ICB can follow.
    is_local_principle = models.BooleanField(default=False)
    principle_summary = text("The principle, in plain words", limit=1000)
    principle_marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    principle_marked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PanelReferralQuerySet] = PanelReferralQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["icb", "-referred_at"]),
                   models.Index(fields=["person", "-referred_at"])]
        constraints = [
            models.CheckConstraint(
                name="panel_decided_has_decision",
                condition=Q(status="referred")
                | (Q(panel_date__isnull=False) & Q(decided_at__isnull=False) & ~Q(decision="")),
            ),
            models.CheckConstraint(
                name="panel_option_or_none_reason",
                condition=Q(chosen_option__isnull=True) | Q(none_reason=""),
            ),
            models.CheckConstraint(
                name="panel_shared_has_date",
                condition=~Q(status="shared") | Q(shared_on__isnull=False),
            ),
            models.CheckConstraint(
                name="panel_principle_has_summary",
                condition=Q(is_local_principle=False) | ~Q(principle_summary=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Panel referral: {self.question[:60]}"

    @property
    def is_decided(self) -> bool:
        return self.status in (ReferralStatus.DECIDED, ReferralStatus.SHARED)

    def member_lines(self) -> list[str]:
        """The named panel members, one a line, as they were typed."""
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.reason == HardDecisionReason.OTHER and not self.reason_details.strip():
            raise ValidationError({"reason_details": REASON_DETAILS_REQUIRED})


class PanelOption(BaseModel):
    """One of the options put to the panel, with what it could make better and what could go
    wrong. Options are fixed once referred: the decision points at one of them.

    Rows rather than a JSON list on the referral, so the chosen option is a foreign key: the
    database keeps it pointing at a real option, the service checks it is this referral's, and
    nothing can renumber the options under a decision."""

    referral = models.ForeignKey(PanelReferral, on_delete=models.PROTECT, related_name="options")
    position = models.PositiveSmallIntegerField()
    description = text("Option", limit=1000, required=OPTION_DESCRIPTION_REQUIRED)
    benefits = text("What it could make better", required=OPTION_BENEFITS_REQUIRED)
    risks = text("What could go wrong", required=OPTION_RISKS_REQUIRED)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["referral", "position"],
                                               name="panel_option_position_unique")]

    def __str__(self) -> str:
        return f"Option {self.position}: {self.description[:80]}"


class PanelHistoryIsAppendOnly(Exception):
    pass


class PanelStatusChangeQuerySet(models.QuerySet["PanelStatusChange"]):
    def update(self, **kwargs: Any) -> int:
        raise PanelHistoryIsAppendOnly()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PanelHistoryIsAppendOnly()


class PanelStatusChange(models.Model):
    """One row per move of a referral (referred, decided, shared), never changed."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(PanelReferral, on_delete=models.PROTECT,
                                 related_name="status_changes")
    transition = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[PanelStatusChangeQuerySet] = PanelStatusChangeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'start'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PanelHistoryIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PanelHistoryIsAppendOnly()
