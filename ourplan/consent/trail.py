"""Who has looked at a person's plan, in plain words: the audit trail for one person, as the
person (or their representative) reads it on their own pages.

Each action code maps to words in one table (`PLAIN_WORDS`); codes not in it get words from
their kind (a read, or a change to the plan, budget or review) rather than the code itself.
Internal ids, usernames and raw changes are never shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent.selectors import is_the_person
from ourplan.core.audit import audit_record
from ourplan.core.models import AuditEvent
from ourplan.core.presenters import format_date
from ourplan.people.models import Person
from ourplan.portal.models import Capacity, PortalAccess

ACTION_TRAIL_VIEWED = "consent.trail_viewed"
PAGE_SIZE = 50

# What happened, after the name of who did it. {their} is "your" when the person reads their
# own trail and "Cecilia's" when their representative does; {name} is who a grant was for.
PLAIN_WORDS: dict[str, str] = {
    "person.viewed": "looked at {their} record",
    "person.listed": "saw {their} name in a list of the people they work with",
    "person.created": "added {their} record",
    "person.updated": "changed {their} details",
    "person.access_refused": "tried to open {their} record but was not allowed to",
    "person.allocated_to_team": "added {them} to a team's caseload",
    "personal_contact.added": "added someone to {their} circle of family and friends",
    "personal_contact.updated": "changed the details of someone in {their} circle",
    "personal_contact.removed": "removed someone from {their} circle",
    "care_team_member.added": "added a professional to {their} care team",
    "care_team_member.updated": "changed the details of someone on {their} care team",
    "care_team_member.ended": "ended a professional's place on {their} care team",
    "care_team_member.named_coordinator_set": "recorded who {their} named coordinator is",
    "audit.viewed": "looked at the list of who has seen {their} record",
    "plan.viewed": "looked at {their} plan",
    "plan.exported": "downloaded or printed {their} plan",
    "plan.started": "started {their} plan",
    "plan.about_me_updated": "changed {their} one-page summary",
    "plan.support_needs_recorded": "recorded how much support {they} want with planning",
    "plan.section_status_changed": "marked a part of {their} plan as done or not done",
    "plan.outcome_added": "added an outcome to {their} plan",
    "plan.outcome_updated": "changed an outcome in {their} plan",
    "plan.action_added": "added an action to {their} plan",
    "plan.action_updated": "changed an action in {their} plan",
    "plan.working_entry_added": "added to what is working and not working",
    "plan.working_entry_updated": "changed what is working and not working",
    "plan.working_entry_removed": "removed something from what is working and not working",
    "plan.agreed": "recorded that {their} plan was agreed",
    "plan.start_again": "started the next version of {their} plan",
    "plan.submitted_for_sign_off": "sent {their} plan to be signed off",
    "plan.sign_off_approved": "signed {their} plan off",
    "plan.sign_off_refused": "decided not to sign {their} plan off",
    "plan.sign_off_withdrawn": "took back {their} plan from sign-off",
    "submission.read.decide": "looked at {their} plan to decide on sign-off",
    "submission.read.view": "looked at {their} plan sent for sign-off",
    "appeal.lodged": "recorded {their} appeal",
    "appeal.decided": "decided {their} appeal",
    "appeal.read": "looked at {their} appeal",
    "budget.viewed": "looked at {their} personal health budget",
    "budget.spending_viewed": "looked at what {their} budget has been spent on",
    "budget.reduction_notified": "gave notice that {their} direct payment will go down",
    "reduction.read": "looked at a notice about {their} direct payment",
    "message.queued": "sent {them} a message",
    "message.read_in_outbox": "saw a message to {them}",
    "review.trigger_recorded": "recorded something that brings {their} review forward",
    "review.circumstances_updated": "changed how often {their} plan is reviewed",
    "review.started": "started a review of {their} plan",
    "review.updated": "wrote in the review of {their} plan",
    "review.outcome_recorded": "recorded how an outcome went at {their} review",
    "review.completed": "finished a review of {their} plan",
    "review.viewed": "looked at a review of {their} plan",
    "reviews.viewed": "looked at {their} reviews",
    "panel_referral.referred": "asked the risk enablement panel to help with a decision",
    "panel_referral.decided": "recorded the risk enablement panel's decision",
    "panel_referral.shared": "shared the risk enablement panel's decision with {them}",
    "panel_referral.principle_marked": "made a panel decision about {them} a local principle",
    "panel_referral.viewed": "looked at a risk enablement panel decision about {them}",
    "panel_referral.listed": "saw {their} name in a list of panel decisions",
    "consent.granted": "shared {their} plan with {name}",
    "consent.withdrawn": "stopped sharing {their} plan with {name}",
    "consent.viewed": "looked at who {their} plan is shared with",
    ACTION_TRAIL_VIEWED: "looked at who has looked at {their} plan",
}

# What a person was read for (`person.viewed` keeps it), when it says more than "record".
READ_FOR: dict[str, str] = {
    "plan": "looked at {their} plan",
    "sharing": "looked at who {their} plan is shared with",
    "who_has_looked": "looked at who has looked at {their} plan",
    "reviews": "looked at {their} reviews",
}

BY_KIND: dict[str, str] = {"plan": "{their} plan", "budget": "{their} personal health budget",
                           "review": "a review of {their} plan",
                           "reviews": "a review of {their} plan"}
READ_WORDS = ("viewed", "read", "listed", "exported")
ON_BEHALF_WORDS = ", on {their} behalf"


class _Words(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _what(event: AuditEvent, words: _Words) -> str:
    changes = event.changes if isinstance(event.changes, dict) else {}
    template = PLAIN_WORDS.get(event.action)
    if event.action == "person.viewed":
        template = READ_FOR.get(str(changes.get("purpose", "")), template)
    if template is None:
        template = _fallback(event.action)
    text = template.format_map(_Words(words, name=str(changes.get("grantee_name") or "someone")))
    if changes.get("recorded") and event.action.startswith("consent."):
        text += ON_BEHALF_WORDS.format_map(words)
    return text


def _fallback(action: str) -> str:
    """Words for a code not in the table, from what kind of thing it is."""
    parts = action.split(".")
    thing = BY_KIND.get(parts[0], "{their} record")
    if any(part.endswith(READ_WORDS) for part in parts[1:]) or parts[-1] in READ_WORDS:
        return f"looked at {thing}"
    if parts[0] == "plan" and len(parts) == 3:
        from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG

        kind = ENTRY_KINDS_BY_SLUG.get(parts[1])
        verb = {"added": "added to", "updated": "changed", "removed": "removed from"}.get(parts[2])
        if kind is not None and verb:
            return f"{verb} the {kind.title.lower()} in {{their}} plan"
    return f"made a change to {thing}"


def _lower_first(text: str) -> str:
    """'Named coordinator' -> 'named coordinator', but 'GP' stays 'GP'."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _who(event: AuditEvent, viewer: User, accesses: dict[Any, PortalAccess],
         person: Person, words: _Words) -> str:
    actor = event.actor
    if actor is not None and actor.pk == viewer.pk:
        return "You"
    if actor is None:
        return "Ourplan, automatically" if not event.actor_username else "Someone"
    name = actor.get_full_name() or "Someone"
    if actor.role == Role.PERSON:
        access = accesses.get(actor.pk)
        if access is None:
            return name
        if access.capacity == Capacity.SELF:
            return person.full_name
        if access.capacity == Capacity.REPRESENTATIVE:
            return f"{name}, {words['their']} representative"
        if access.capacity == Capacity.NOMINEE:
            return f"{name}, who manages {words['their']} direct payment"
        relationship = access.contact.relationship if access.contact else ""
        return f"{name}, {_lower_first(relationship)}" if relationship else name
    job = _lower_first(actor.job_title or actor.get_role_display())
    where = f" at {actor.organisation.name}" if actor.organisation_id and actor.organisation else ""
    return f"{name}, {job}{where}"


def _when(moment: dt.datetime, today: dt.date) -> str:
    local = timezone.localtime(moment)
    day = f"{local.day} {local:%B}" + ("" if local.year == today.year else f" {local.year}")
    return f"on {day} at {local:%H:%M}"


@dataclass(frozen=True)
class TrailLine:
    text: str
    at: dt.datetime
    time: str  # "10:12"


@dataclass(frozen=True)
class TrailDay:
    heading: str
    lines: list[TrailLine]


@dataclass(frozen=True)
class Trail:
    days: list[TrailDay]
    page: Page[AuditEvent]


def _words_for(viewer: User, person: Person) -> _Words:
    if is_the_person(user=viewer, person=person):
        return _Words(their="your", them="you", they="you")
    return _Words(their=f"{person.known_as}'s", them=person.known_as, they=person.known_as)


def person_trail(*, user: User, person: Person, page_number: Any = 1) -> Trail:
    """One page of the trail, newest first, grouped by day. `person` comes from
    `selectors.portal_person_get` with `consent.view_trail`. Reading it is itself audited
    (written first, so it is the newest line)."""
    audit_record(actor=user, action=ACTION_TRAIL_VIEWED, person=person, obj=person)
    events = AuditEvent.objects.for_person(person).select_related("actor__organisation")
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    portal_actors = {e.actor.pk for e in rows if e.actor is not None
                     and e.actor.role == Role.PERSON}
    accesses: dict[Any, PortalAccess] = {}
    for access in PortalAccess.objects.filter(person=person, user_id__in=portal_actors
                                              ).select_related("contact"):
        known = accesses.get(access.user_id)
        if known is None or (known.ended_at is not None and access.ended_at is None):
            accesses[access.user_id] = access
    words = _words_for(user, person)
    today = timezone.localdate()
    days: list[TrailDay] = []
    seen: set[tuple[str, Any, str]] = set()
    for event in rows:
        text = f"{_who(event, user, accesses, person, words)} {_what(event, words)}"
        # One page view can write two rows with the same meaning (the person, then the plan).
        key = (event.request_id, event.actor_id, text)
        if event.request_id and key in seen:
            continue
        seen.add(key)
        local = timezone.localtime(event.occurred_at)
        line = TrailLine(text=f"{text} {_when(event.occurred_at, today)}", at=event.occurred_at,
                         time=f"{local:%H:%M}")
        heading = format_date(local.date())
        if days and days[-1].heading == heading:
            days[-1].lines.append(line)
        else:
            days.append(TrailDay(heading=heading, lines=[line]))
    return Trail(days=days, page=page)
