"""How a person and the people close to them reach the person's plan: portal access (the person
themselves, a representative, a nominee, or someone in their circle the plan is shared with),
the one-time invitations that create it, identities from an outside provider (NHS login), and
what the person asks of their coordinator (changes to the plan, a different coordinator)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourplan.core.models import BaseModel, VersionedModel
from ourplan.people.querysets import PersonRecordQuerySet
from ourplan.plans.workflow import Section

if TYPE_CHECKING:
    from ourplan.people.models import Person


class Capacity(models.TextChoices):
    """In what capacity someone uses the portal for a person."""

    SELF = "self", "The person"
    REPRESENTATIVE = "representative", "Representative"
    NOMINEE = "nominee", "Nominee (manages the direct payment)"
    CIRCLE = "circle", "Family or friend the plan is shared with"


def contact_unless_self(name: str) -> models.CheckConstraint:
    """Anyone but the person themselves is someone in the person's circle: the contact is set
    exactly when the capacity is not "self"."""
    return models.CheckConstraint(
        name=name,
        condition=(Q(capacity="self") & Q(contact__isnull=True))
        | (~Q(capacity="self") & Q(contact__isnull=False)),
    )


class PortalAccessQuerySet(models.QuerySet["PortalAccess"]):
    def current(self) -> PortalAccessQuerySet:
        """Not ended, and (for anyone but the person) their circle entry not removed."""
        return self.filter(ended_at__isnull=True).filter(
            Q(capacity=Capacity.SELF) | Q(contact__removed_at__isnull=True)
        )

    def of_user(self, user: Any) -> PortalAccessQuerySet:
        return self.current().filter(user=user).select_related("person", "contact")


class PortalAccess(BaseModel):
    """One portal user acting for one person in one capacity. Scoping reads this table
    (ourplan.people.querysets); ending it takes effect at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="portal_accesses")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="portal_accesses")
    capacity = models.CharField(max_length=16, choices=Capacity.choices)
    # Who they are in the person's circle (not for the person themselves): the representative's
    # legal basis and the nominee's role are read from it.
    contact = models.ForeignKey("people.PersonalContact", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="portal_accesses")
    invitation = models.ForeignKey("portal.Invitation", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            contact_unless_self("portal_access_contact_unless_self"),
            models.UniqueConstraint(
                fields=["user", "person", "capacity"], condition=Q(ended_at__isnull=True),
                name="portal_access_one_current_per_capacity",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(capacity="self", ended_at__isnull=True),
                name="portal_access_one_self_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.person} ({self.get_capacity_display()})"

    @property
    def representative_basis(self) -> str:
        return self.contact.representative_basis if self.contact_id and self.contact else ""


def hash_link_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())


class Invitation(BaseModel):
    """A one-time link, sent by the person's coordinator (or by the person, to someone they share
    with), that lets its holder make an account and reach the person's plan in one capacity.
    Only a digest of the link's secret is kept; it works once and until it expires."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="portal_invitations")
    capacity = models.CharField(max_length=16, choices=Capacity.choices)
    contact = models.ForeignKey("people.PersonalContact", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="portal_invitations")
    email = models.EmailField("Email address")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            contact_unless_self("invitation_contact_unless_self"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_capacity_display()})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "used"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class ExternalIdentity(BaseModel):
    """An account's identity at an OpenID Connect provider (NHS login): the issuer and subject
    it signs in with from then on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="external_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    # The NHS number the provider vouched for when the identity was linked.
    nhs_number = models.CharField(max_length=10, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


# --- what the person asks of their coordinator -------------------------------------------------

REQUEST_TEXT_MAX = 2000
REQUEST_TOO_LONG = "Keep it to 2,000 characters or fewer"


def _answer_text(verbose_name: str) -> models.TextField[str, str]:
    """The staff member's answer, which the person reads on their page."""
    return models.TextField(verbose_name, blank=True, max_length=REQUEST_TEXT_MAX,
                            validators=[MaxLengthValidator(REQUEST_TEXT_MAX, REQUEST_TOO_LONG)])


class AnsweredRequest(VersionedModel):
    """Something the person asks that staff answer once: it waits ("open") until someone
    decides it, then records who decided, when, and the answer. Each kind declares its own
    `status` choices (sharing OPEN and DECLINED) and names the field that holds the answer;
    ourplan.portal.services.answer_request does the answering for every kind."""

    OPEN = "open"
    DECLINED = "declined"
    # The name of the text field holding the answer (the same name as the services' argument).
    answer_field: ClassVar[str]

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        person: Person
        status: str

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN


class ProposalStatus(models.TextChoices):
    OPEN = AnsweredRequest.OPEN, "Waiting for your coordinator"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = AnsweredRequest.DECLINED, "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChangeProposal(AnsweredRequest):
    """A change the person (or their representative) would like in a part of the plan that is
    not theirs alone to write. Their coordinator accepts it (and makes the change) or declines
    it with a reason the person reads on their page."""

    answer_field = "reason"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="change_proposals")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT,
                             related_name="change_proposals")
    section = models.CharField("Which part of the plan?", max_length=32,
                               choices=Section.choices)
    text = models.TextField(
        "What would you like changed?", max_length=REQUEST_TEXT_MAX,
        validators=[MaxLengthValidator(REQUEST_TEXT_MAX, REQUEST_TOO_LONG)],
        error_messages={"blank": "Say what you would like changed"})
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    status = models.CharField(max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.OPEN)
    reason = _answer_text("Reason")

    # The person and their representative reach these, and staff who can see the person.
    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Proposal for {self.get_section_display()}: {self.text[:40]}"


class CoordinatorRequestStatus(models.TextChoices):
    OPEN = AnsweredRequest.OPEN, "Waiting for an answer"
    DONE = "done", "Done"
    DECLINED = AnsweredRequest.DECLINED, "Declined"


class CoordinatorChangeRequest(AnsweredRequest):
    """The person asks for a different named coordinator. Staff change the coordinator on the
    care team pages and mark the request done, or decline it with a reason."""

    answer_field = "response"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="coordinator_change_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField(
        "Why would you like a different coordinator?", max_length=REQUEST_TEXT_MAX,
        validators=[MaxLengthValidator(REQUEST_TEXT_MAX, REQUEST_TOO_LONG)],
        error_messages={"blank": "Say why you would like a different coordinator"})
    preferred = models.CharField("Is there someone you would prefer? (optional)",
                                 max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=CoordinatorRequestStatus.choices,
                              default=CoordinatorRequestStatus.OPEN)
    response = _answer_text("Response")

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Different coordinator for {self.person}"
