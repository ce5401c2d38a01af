"""Organisations, teams, staff users with their roles, and API tokens."""

from __future__ import annotations

import hashlib
import re
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from ourplan.core.models import BaseModel

ODS_CODE_INVALID = "ODS code must be 3 to 10 capital letters and numbers, like QMJ or F83004"
ods_code_validator = RegexValidator(re.compile(r"^[A-Z0-9]{3,10}$"), ODS_CODE_INVALID)


class OrganisationKind(models.TextChoices):
    ICB = "icb", "Integrated care board"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS_PROVIDER = "nhs_provider", "NHS provider"
    GP_PRACTICE = "gp_practice", "GP practice"
    VCSE = "vcse", "Voluntary, community or social enterprise"


class Organisation(BaseModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # Organisation Data Service code (VCSE organisations without one use a local code).
    ods_code = models.CharField(max_length=10, unique=True, validators=[ods_code_validator])
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="The ICB a practice or provider sits in, for example",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class TeamKind(models.TextChoices):
    SERVICE = "service", "Service team"
    MDT_HUB = "mdt_hub", "Multidisciplinary team (hub)"
    PHB = "phb", "Personal health budget team"
    PANEL = "panel", "Panel"


class HubModel(models.TextChoices):
    """The four ways a multidisciplinary hub works (IPC summary guide)."""

    FULL = "full", "Full: co-located"
    MIXED = "mixed", "Mixed"
    VIRTUAL = "virtual", "Virtual"
    OCCASIONAL = "occasional", "Occasional"


class Team(BaseModel):
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField(max_length=16, choices=TeamKind.choices, default=TeamKind.SERVICE)
    hub_model = models.CharField(
        max_length=16, choices=HubModel.choices, blank=True,
        help_text="Only for multidisciplinary hubs",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="team_hub_model_only_for_hubs",
                condition=(models.Q(kind="mdt_hub") & ~models.Q(hub_model=""))
                | (~models.Q(kind="mdt_hub") & models.Q(hub_model="")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == TeamKind.MDT_HUB and not self.hub_model:
            raise ValidationError({"hub_model": "Select how the hub works"})
        if self.kind != TeamKind.MDT_HUB and self.hub_model:
            raise ValidationError({"hub_model": "Only a multidisciplinary hub has a hub model"})


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    NAMED_COORDINATOR = "named_coordinator", "Named coordinator"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    BROKER = "broker", "Broker or independent support"
    TEAM_MANAGER = "team_manager", "Team manager"
    CLINICAL_DIRECTOR = "clinical_director", "Clinical director"
    COMMISSIONER = "commissioner", "Commissioner or approver"
    PANEL_MEMBER = "panel_member", "Panel member"
    ADMINISTRATOR = "administrator", "Administrator"
    # Not staff: the person, their representative or nominee, or someone they share with. What
    # they reach comes from ourplan.portal (their access) and ourplan.consent (what is shared).
    PERSON = "person", "Person, representative or family member"


# Everyone but PERSON: the roles of people who work in health and care.
STAFF_ROLES = tuple(r for r in Role if r != Role.PERSON)


class User(AbstractUser):
    """Someone who signs in. For staff, the role says what they may do and their teams and
    care-team places say whose records they may see (ourplan.people.querysets). A person and
    their family have the role PERSON and reach only the records their portal access and the
    person's consent give them."""

    # UUIDs like every other record: ids in URLs and the API reveal nothing.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    job_title = models.CharField(max_length=200, blank=True)
    # Demo personas are listed on the demo log-in page when PERSONAS_ENABLED=1.
    is_persona = models.BooleanField(default=False)
    persona_summary = models.CharField(max_length=300, blank=True)


    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_portal_user(self) -> bool:
        return self.role == Role.PERSON


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def touch(self) -> None:
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=timezone.now())
