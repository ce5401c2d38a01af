"""A person, their circle (personal contacts) and their care team (professional contacts)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

from ourplan.core.fields import NHSNumberField
from ourplan.core.models import BaseModel, VersionedModel
from ourplan.people.choices import (
    ContactType,
    EthnicCategory,
    InformationFormat,
    MaritalStatus,
    Religion,
    RepresentativeBasis,
    Sex,
    SexualOrientation,
    YesNoPreferNot,
)
from ourplan.people.querysets import PersonQuerySet, PersonRecordQuerySet

POSTCODE_INVALID = "Enter a real postcode, like LS1 4AP"
PHONE_INVALID = "Enter a phone number, like 01632 960 001 or 07700 900 982"
DATE_OF_BIRTH_IN_FUTURE = "Date of birth must be today or in the past"
DATE_OF_BIRTH_TOO_EARLY = "Date of birth must be after 1 January 1900"
NHS_NUMBER_TAKEN = (
    "There is already a record with this NHS number. Search the caseload for it, or ask the "
    "team that holds it to add you"
)
END_BEFORE_START = "End date must be the same as or after the start date"
REPRESENTATIVE_BASIS_REQUIRED = "Select the legal basis on which the representative acts"
REPRESENTATIVE_BASIS_ONLY_FOR_REPRESENTATIVES = (
    "Only a representative has a legal basis. Select representative as well, or leave it empty"
)
CONTACT_TYPE_UNKNOWN = "Select contact types from the list"
FORMAT_UNKNOWN = "Select formats from the list"
CARE_TEAM_WHO_REQUIRED = "Enter the professional's name or choose a member of staff"

postcode_validator = RegexValidator(
    re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$", re.I),
    POSTCODE_INVALID,
)
phone_validator = RegexValidator(re.compile(r"^\+?[\d ()-]{10,20}$"), PHONE_INVALID)


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items all come from one set of choices, each at most once."""

    def __init__(self, choices_path: str, message: str) -> None:
        self.choices_path = choices_path
        self.message = message

    def __call__(self, value: Any) -> None:
        allowed = set(import_string(self.choices_path).values)
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(self.message, code="invalid_choice")
        if len(set(value)) != len(value):
            raise ValidationError(self.message, code="duplicate_choice")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceListValidator) and (
            (self.choices_path, self.message) == (other.choices_path, other.message)
        )

    def __hash__(self) -> int:
        return hash((self.choices_path, self.message))


validate_information_formats = ChoiceListValidator(
    "ourplan.people.choices.InformationFormat", FORMAT_UNKNOWN
)
validate_contact_types = ChoiceListValidator("ourplan.people.choices.ContactType",
                                             CONTACT_TYPE_UNKNOWN)


class Person(VersionedModel):
    """Someone with a plan, or who may have one. Their NHS number identifies them everywhere."""

    nhs_number = NHSNumberField(
        unique=True, error_messages={"unique": NHS_NUMBER_TAKEN}
    )
    given_name = models.CharField("First name", max_length=100)
    family_name = models.CharField("Last name", max_length=100)
    preferred_name = models.CharField(
        "Preferred name", max_length=100, blank=True,
        help_text="What they like to be called, if different",
    )
    date_of_birth = models.DateField("Date of birth")
    sex = models.CharField("Sex", max_length=16, choices=Sex.choices)
    gender_identity = models.CharField(
        "Gender", max_length=100, blank=True, help_text="In their own words, if they want to say"
    )
    gender_same_as_sex_at_birth = models.CharField(
        "Is their gender the same as the sex they were registered at birth?",
        max_length=20, choices=YesNoPreferNot.choices, blank=True,
    )

    # Equality monitoring only: every one of these is optional.
    ethnicity = models.CharField("Ethnic background", max_length=1,
                                 choices=EthnicCategory.choices, blank=True)
    religion = models.CharField("Religion or belief", max_length=20, choices=Religion.choices,
                                blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices,
                                          blank=True)
    marital_status = models.CharField("Marriage or civil partnership", max_length=20,
                                      choices=MaritalStatus.choices, blank=True)
    disability = models.CharField("Do they consider themselves to have a disability?",
                                  max_length=20, choices=YesNoPreferNot.choices, blank=True)

    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True, validators=[postcode_validator])
    phone = models.CharField("Phone number", max_length=20, blank=True,
                             validators=[phone_validator])
    mobile = models.CharField("Mobile number", max_length=20, blank=True,
                              validators=[phone_validator])
    email = models.EmailField("Email address", blank=True)

    first_language = models.CharField("First language", max_length=100, default="English")
    interpreter_needed = models.BooleanField("Needs an interpreter", default=False)
    information_formats = models.JSONField(
        "Formats they need information in", default=list, blank=True,
        validators=[validate_information_formats],
    )
    communication_needs = models.TextField(
        "Communication needs", blank=True,
        help_text="How they communicate and what helps, in their words where possible",
    )

    gp_practice = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="registered_people", limit_choices_to={"kind": "gp_practice"},
        verbose_name="GP practice",
    )

    objects: ClassVar[PersonQuerySet] = PersonQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.given_name

    def information_format_labels(self) -> list[str]:
        return [InformationFormat(f).label for f in self.information_formats
                if f in InformationFormat.values]

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        if self.postcode:
            self.postcode = _format_postcode(self.postcode)
        if self.date_of_birth:
            if self.date_of_birth > timezone.localdate():
                raise ValidationError({"date_of_birth": DATE_OF_BIRTH_IN_FUTURE})
            if self.date_of_birth < dt.date(1900, 1, 1):
                raise ValidationError({"date_of_birth": DATE_OF_BIRTH_TOO_EARLY})
        if self.gp_practice_id and self.gp_practice and self.gp_practice.kind != "gp_practice":
            raise ValidationError({"gp_practice": "Select a GP practice"})


def _format_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class PersonalContact(VersionedModel):
    """Someone in the person's circle: family, friends, carers, advocate, representative,
    nominee."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="personal_contacts")
    name = models.CharField("Full name", max_length=200)
    relationship = models.CharField(
        "Relationship to the person", max_length=100, help_text="For example, wife, son, neighbour"
    )
    contact_types = models.JSONField(
        "What they are to the person", default=list, blank=True,
        validators=[validate_contact_types],
    )
    representative_basis = models.CharField(
        "Legal basis for acting as representative", max_length=32,
        choices=RepresentativeBasis.choices, blank=True,
    )
    phone = models.CharField("Phone number", max_length=20, blank=True,
                             validators=[phone_validator])
    email = models.EmailField("Email address", blank=True)
    address = models.TextField(blank=True)
    nhs_number = NHSNumberField(
        blank=True, help_text="Optional: if they are a carer who also gets NHS care"
    )
    notes = models.TextField(blank=True)
    # Contacts are never deleted; removing one keeps the record for the history.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    def clean(self) -> None:
        types = self.contact_types if isinstance(self.contact_types, list) else []
        if ContactType.REPRESENTATIVE in types and not self.representative_basis:
            raise ValidationError({"representative_basis": REPRESENTATIVE_BASIS_REQUIRED})
        if self.representative_basis and ContactType.REPRESENTATIVE not in types:
            raise ValidationError(
                {"representative_basis": REPRESENTATIVE_BASIS_ONLY_FOR_REPRESENTATIVES}
            )

    def type_labels(self) -> list[str]:
        return [ContactType(t).label for t in self.contact_types if t in ContactType.values]


class CareTeamMember(VersionedModel):
    """A professional on the person's care team, from a start date to an optional end date.
    One of them may be the person's named coordinator, chosen by the person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="care_team_places",
        help_text="The member of staff, when they use Ourplan",
    )
    name = models.CharField("Full name", max_length=200, blank=True)
    role = models.CharField("Role", max_length=100, help_text="For example, GP, district nurse")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="care_team_places")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="care_team_places",
    )
    phone = models.CharField("Phone number", max_length=20, blank=True,
                             validators=[phone_validator])
    email = models.EmailField("Email address", blank=True)
    start_date = models.DateField("Start date", default=timezone.localdate)
    end_date = models.DateField("End date", null=True, blank=True)
    is_named_coordinator = models.BooleanField("Named coordinator", default=False)

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-is_named_coordinator", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_named_coordinator=True),
                name="one_named_coordinator_per_person",
            ),
            models.CheckConstraint(
                name="care_team_end_after_start",
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}, {self.role}"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return str(self.user) if self.user_id else ""

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self) -> None:
        if not self.name and not self.user_id:
            raise ValidationError({"name": CARE_TEAM_WHO_REQUIRED})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})


class TeamAllocation(BaseModel):
    """The person is on this team's caseload between the dates."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="allocations")
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                name="allocation_end_after_start",
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.team}"
