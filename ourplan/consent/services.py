"""Changes to consent to share: granting it and withdrawing it. Each checks the person is in
the actor's scope and that they may decide (`consent.manage`), writes in one transaction and
appends the audit row. A withdrawal takes effect at once: `visible_to` reads current grants only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Organisation, Team, User
from ourplan.consent.models import END_BEFORE_START, PURPOSE_REQUIRED, ConsentGrant, Grantee
from ourplan.core.audit import audit_record
from ourplan.core.errors import DomainError, NotAllowed, NotFound
from ourplan.core.presenters import format_date
from ourplan.people.models import Person, PersonalContact
from ourplan.portal.invitations import invitations_withdraw_when_sharing_stops

GRANTEE_REQUIRED = "Select who to share the plan with"
CONTACT_REQUIRED = "Select someone from the circle of family and friends"
CONTACT_NOT_IN_CIRCLE = "Select someone from the circle of family and friends on this plan"
STAFF_REQUIRED = "Select a member of staff"
STAFF_NOT_ACTIVE = "Select a member of staff who still works here"
TEAM_REQUIRED = "Select a team"
ORGANISATION_REQUIRED = "Select an organisation"
PURPOSE_TOO_LONG = "Say what it is for in 300 characters or fewer"
START_IN_PAST = "The date sharing starts must be today or in the future"
ALREADY_WITHDRAWN = "Sharing with {name} was already stopped on {day}"
ALREADY_ENDED = "Sharing with {name} already ended on {day}"
ON_BEHALF = "recorded on the person's behalf"

ACTION_GRANTED = "consent.granted"
ACTION_WITHDRAWN = "consent.withdrawn"


class SharingAlreadyStopped(DomainError):
    """The grant was withdrawn or has ended: there is nothing left to stop."""

    message = "Sharing has already stopped"


def _check_scope(actor: User, person: Person) -> None:
    """NotFound outside the actor's scope (as if the person did not exist); NotAllowed if they
    can see the person but may not decide who sees the plan."""
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()
    if not actor.has_perm("consent.manage", person):
        raise NotAllowed()


def _target_problems(person: Person, grantee: str, contact: PersonalContact | None,
                     staff: User | None, team: Team | None,
                     organisation: Organisation | None) -> dict[str, str]:
    if grantee == Grantee.CIRCLE:
        if contact is None:
            return {"contact": CONTACT_REQUIRED}
        in_circle = PersonalContact.objects.filter(
            pk=contact.pk, person=person, removed_at__isnull=True).exists()
        return {} if in_circle else {"contact": CONTACT_NOT_IN_CIRCLE}
    if grantee == Grantee.STAFF:
        if staff is None:
            return {"staff": STAFF_REQUIRED}
        works_here = User.objects.filter(pk=staff.pk, is_active=True).exclude(
            role="person").exists()
        return {} if works_here else {"staff": STAFF_NOT_ACTIVE}
    if grantee == Grantee.TEAM:
        exists = team is not None and Team.objects.filter(pk=team.pk).exists()
        return {} if exists else {"team": TEAM_REQUIRED}
    if grantee == Grantee.ORGANISATION:
        exists = (organisation is not None
                  and Organisation.objects.filter(pk=organisation.pk).exists())
        return {} if exists else {"organisation": ORGANISATION_REQUIRED}
    return {"grantee": GRANTEE_REQUIRED}


@transaction.atomic
def consent_grant(*, actor: User, person: Person, grantee: str,
                  contact: PersonalContact | None = None, staff: User | None = None,
                  team: Team | None = None, organisation: Organisation | None = None,
                  purpose: str, start_date: dt.date | None = None,
                  end_date: dt.date | None = None) -> ConsentGrant:
    """The person (or their representative) lets one named person in their circle, member of
    staff, team or organisation see their plan, for a purpose, from a date and until an optional
    one. Staff who work with the person record consent the person gave them."""
    _check_scope(actor, person)
    today = timezone.localdate()
    start = start_date or today
    purpose = " ".join((purpose or "").split())
    problems = _target_problems(person, grantee, contact, staff, team, organisation)
    if not purpose:
        problems["purpose"] = PURPOSE_REQUIRED
    elif len(purpose) > 300:
        problems["purpose"] = PURPOSE_TOO_LONG
    if start < today:
        problems["start_date"] = START_IN_PAST
    if end_date is not None and end_date < start:
        problems["end_date"] = END_BEFORE_START
    if problems:
        raise ValidationError(problems)

    targets: dict[str, dict[str, Any]] = {
        Grantee.CIRCLE: {"contact": contact}, Grantee.STAFF: {"staff": staff},
        Grantee.TEAM: {"team": team}, Grantee.ORGANISATION: {"organisation": organisation},
    }
    target = targets[grantee]
    grant = ConsentGrant.objects.create(
        person=person, grantee=grantee, purpose=purpose, start_date=start, end_date=end_date,
        granted_by=actor, **target)
    changes: dict[str, Any] = {"grantee": grantee, "grantee_name": grant.grantee_name,
                               "purpose": purpose, "start_date": start, "end_date": end_date}
    if not actor.is_portal_user:
        changes["recorded"] = ON_BEHALF
    audit_record(actor=actor, action=ACTION_GRANTED, person=person, obj=grant, changes=changes)
    return grant


@transaction.atomic
def consent_withdraw(*, actor: User, grant: ConsentGrant) -> ConsentGrant:
    """Stop sharing, at once: from this moment the grantee reaches nothing through this grant."""
    # Locked without joins: FOR UPDATE cannot reach across an outer join on PostgreSQL.
    locked = ConsentGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if locked is None:
        raise NotFound()
    _check_scope(actor, locked.person)
    name = locked.grantee_name
    if locked.withdrawn_at is not None:
        raise SharingAlreadyStopped(ALREADY_WITHDRAWN.format(
            name=name, day=format_date(timezone.localtime(locked.withdrawn_at).date())))
    if locked.end_date is not None and locked.end_date < timezone.localdate():
        raise SharingAlreadyStopped(ALREADY_ENDED.format(name=name,
                                                         day=format_date(locked.end_date)))
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    changes: dict[str, Any] = {"grantee": locked.grantee, "grantee_name": name}
    if not actor.is_portal_user:
        changes["recorded"] = ON_BEHALF
    audit_record(actor=actor, action=ACTION_WITHDRAWN, person=locked.person, obj=locked,
                 changes=changes)
    invitations_withdraw_when_sharing_stops(actor=actor, person=locked.person,
                                            contact_id=locked.contact_id)
    return locked
