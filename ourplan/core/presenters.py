"""Formatting shared by every page: dates, times and NHS numbers in NHS.UK style."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ourplan.core.nhs_numbers import format_nhs_number

__all__ = ["format_date", "format_datetime", "format_nhs_number"]


def format_date(value: dt.date | None) -> str:
    """22 November 2026 (the NHS style: no leading zero, month in full)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{format_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


AUDIT_ACTION_LABELS = {
    "person.viewed": "Looked at the record",
    "person.listed": "Saw them in a caseload list",
    "person.created": "Added the record",
    "person.updated": "Changed their details",
    "person.access_refused": "Tried to open the record without access",
    "person.allocated_to_team": "Added them to a team's caseload",
    "personal_contact.added": "Added someone to their circle",
    "personal_contact.updated": "Changed someone in their circle",
    "personal_contact.removed": "Removed someone from their circle",
    "care_team_member.added": "Added a professional to the care team",
    "care_team_member.updated": "Changed a care team member",
    "care_team_member.ended": "Ended a care team member's place",
    "care_team_member.named_coordinator_set": "Set their named coordinator",
    "audit.viewed": "Looked at this list",
    "plan.submitted_for_sign_off": "Sent the plan for sign-off",
    "plan.sign_off_approved": "Signed the plan off",
    "plan.sign_off_refused": "Refused to sign the plan off",
    "plan.sign_off_withdrawn": "Took back the plan sent for sign-off",
    "submission.read.decide": "Looked at the plan sent for sign-off",
    "submission.read.view": "Looked at the plan sent for sign-off",
    "appeal.lodged": "Recorded an appeal",
    "appeal.decided": "Decided an appeal",
    "appeal.read": "Looked at an appeal",
    "budget.reduction_notified": "Gave notice of a reduced direct payment",
    "reduction.read": "Looked at a notice of a reduced direct payment",
    "message.queued": "Sent them a message",
    "message.read_in_outbox": "Saw a message to them in the outbox",
    "review.trigger_recorded": "Recorded something that brings a review forward",
    "review.circumstances_updated": "Changed what makes reviews more frequent",
    "review.started": "Started a review",
    "review.updated": "Changed a review",
    "review.outcome_recorded": "Recorded how an outcome went at review",
    "review.completed": "Finished a review",
    "review.viewed": "Looked at a review",
    "reviews.viewed": "Looked at their reviews",
    "panel_referral.referred": "Referred a decision to the risk enablement panel",
    "panel_referral.decided": "Recorded the panel's decision",
    "panel_referral.shared": "Shared the panel's decision with them",
    "panel_referral.principle_marked": "Made a panel decision a local principle",
    "panel_referral.viewed": "Looked at a panel referral",
    "panel_referral.listed": "Saw them in a list of panel decisions",
}


def format_audit_action(action: str) -> str:
    return AUDIT_ACTION_LABELS.get(action, action.replace("_", " ").replace(".", ": "))
