"""A referral's journey to a risk enablement panel, declared once: its statuses, why a decision
is hard enough to need a panel, how a decision is shared, and the allowed transitions.

Panels are for hard decisions only (IPC summary guide §10.4.4): a referral must say why."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "Waiting for the panel"
    DECIDED = "decided", "Decided, not yet shared"
    SHARED = "shared", "Decided and shared with the person"


class HardDecisionReason(models.TextChoices):
    DISAGREEMENT = "disagreement", "The person and the team do not agree"
    RISK_CHOSEN = "risk_chosen", "A significant risk the person chooses to take"
    UNUSUAL_USE = "unusual_use", "An unusual or novel use of the budget"
    SAFEGUARDING = "safeguarding", "Safeguarding or capacity concerns"
    OTHER = "other", "Something else"


class SharedHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    REPRESENTATIVE = "representative", "Through their representative or advocate"


@dataclass(frozen=True)
class Transition:
    name: str
    source: ReferralStatus
    target: ReferralStatus
    label: str
    # Said when the referral is not where the transition starts.
    refused: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("decide", ReferralStatus.REFERRED, ReferralStatus.DECIDED,
               "Record the panel's decision",
               "The panel's decision has already been recorded"),
    Transition("share", ReferralStatus.DECIDED, ReferralStatus.SHARED,
               "Record that the decision was shared with the person",
               "Record the panel's decision before sharing it"),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}

ALREADY_SHARED = "The decision has already been shared with the person"

# A decision can become a local principle once the panel has made it.
DECIDED_STATUSES = frozenset({ReferralStatus.DECIDED, ReferralStatus.SHARED})


def check_transition(status: str, name: str) -> Transition:
    """The transition, if a referral in `status` may take it; otherwise a ValidationError on
    `status` saying why in plain words."""
    transition = TRANSITIONS_BY_NAME[name]
    if status != transition.source:
        message = ALREADY_SHARED if (name == "share" and status == ReferralStatus.SHARED) \
            else transition.refused
        raise ValidationError({"status": message})
    return transition


def transitions_from(status: str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == status)
