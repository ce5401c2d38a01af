"""Consent to share: the person (or their representative) decides who may see their plan,
for what, from when and until when. A current grant widens `visible_to`; a withdrawn one stops
at once (ourplan.people.querysets)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourplan.core.models import BaseModel
from ourplan.people.querysets import PersonRecordQuerySet

END_BEFORE_START = "The end date must be the same as or after the start date"
PURPOSE_REQUIRED = "Say what they may see the plan for, like 'to help me at my appointments'"


class Grantee(models.TextChoices):
    CIRCLE = "circle", "Someone in my circle"
    STAFF = "staff", "A named member of staff"
    TEAM = "team", "A team"
    ORGANISATION = "organisation", "An organisation"


class ConsentGrantQuerySet(PersonRecordQuerySet["ConsentGrant"]):
    """Read like the person's record (`visible_to`: the person, their representative, and staff
    who may see the person); `current()` is what widens `visible_to` for others."""

    def current(self) -> ConsentGrantQuerySet:
        today = timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, start_date__lte=today).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )


class ConsentGrant(BaseModel):
    """One permission from the person to share their plan with one grantee."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="consent_grants")
    grantee = models.CharField("Who to share with", max_length=16, choices=Grantee.choices)
    contact = models.ForeignKey("people.PersonalContact", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="consent_grants")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="consent_grants")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="consent_grants")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="consent_grants")
    purpose = models.CharField("What it is for", max_length=300,
                               error_messages={"blank": PURPOSE_REQUIRED})
    start_date = models.DateField("From", default=timezone.localdate)
    end_date = models.DateField("Until", null=True, blank=True,
                                help_text="Leave empty to share until you stop it")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    objects = ConsentGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="consent_grant_one_grantee",
                condition=(Q(grantee="circle") & Q(contact__isnull=False) & Q(staff__isnull=True)
                           & Q(team__isnull=True) & Q(organisation__isnull=True))
                | (Q(grantee="staff") & Q(contact__isnull=True) & Q(staff__isnull=False)
                   & Q(team__isnull=True) & Q(organisation__isnull=True))
                | (Q(grantee="team") & Q(contact__isnull=True) & Q(staff__isnull=True)
                   & Q(team__isnull=False) & Q(organisation__isnull=True))
                | (Q(grantee="organisation") & Q(contact__isnull=True) & Q(staff__isnull=True)
                   & Q(team__isnull=True) & Q(organisation__isnull=False)),
            ),
            models.CheckConstraint(
                name="consent_grant_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [models.Index(fields=["person", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.person} shares with {self.grantee_name}"

    @property
    def grantee_name(self) -> str:
        target = self.contact or self.staff or self.team or self.organisation
        return str(target) if target is not None else ""

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.withdrawn_at is None and self.start_date <= today
                and (self.end_date is None or self.end_date >= today))

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})
