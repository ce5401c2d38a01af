"""Reads for consent to share, scoped through `Person.objects.visible_to` and audited: the
person as the sharing pages see them, their grants, one grant, and who the person may choose
to share with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from ourplan.accounts.models import Organisation, Team, User
from ourplan.consent.models import ConsentGrant
from ourplan.core.audit import Action, audit_record
from ourplan.core.errors import NotFound
from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation
from ourplan.people.selectors import person_get
from ourplan.portal.models import Capacity, Invitation, PortalAccess

ACTION_VIEWED = "consent.viewed"
SEARCH_LIMIT = 20


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _refuse(user: User, person_id: Any, object_type: str) -> NotFound:
    """Audit an attempt to reach a page outside the user's scope; the caller raises 404."""
    pk = _as_uuid(person_id)
    # Unscoped, only to file the attempt in the right person's history.
    target = Person.objects.filter(pk=pk).only("pk").first() if pk else None
    audit_record(actor=user, action=Action.PERSON_ACCESS_REFUSED, person=target,
                 object_type=object_type, object_id=str(person_id)[:64])
    return NotFound()


def portal_person_get(*, user: User, person_id: Any, perm: str, purpose: str) -> Person:
    """The person, for someone using the portal who holds `perm` for them (the person, or their
    representative). Anyone else, staff included, gets NotFound, audited."""
    pk = _as_uuid(person_id)
    person = (Person.objects.visible_to(user).filter(pk=pk).first()
              if pk and getattr(user, "is_portal_user", False) else None)
    if person is None or not user.has_perm(perm, person):
        raise _refuse(user, person_id, object_type="consent.consentgrant")
    audit_record(actor=user, action=Action.PERSON_VIEWED, person=person, obj=person,
                 changes={"purpose": purpose})
    return person


def staff_person_get(*, user: User, person_id: Any, purpose: str) -> Person:
    """The person, for staff who can see them (`person_get`: 404 and audited otherwise)."""
    if getattr(user, "is_portal_user", False):
        raise _refuse(user, person_id, object_type="consent.consentgrant")
    person = person_get(user=user, person_id=person_id, purpose=purpose)
    if not user.has_perm("consent.view", person):
        raise _refuse(user, person_id, object_type="consent.consentgrant")
    return person


def person_grants(*, user: User, person: Person) -> list[ConsentGrant]:
    """Every grant the person has made, current, future, ended and withdrawn; audited."""
    grants = list(
        ConsentGrant.objects.visible_to(user).filter(person=person).select_related(
            "contact", "staff", "staff__organisation", "team", "organisation")
    )
    audit_record(actor=user, action=ACTION_VIEWED, person=person,
                 object_type="consent.consentgrant", changes={"grants": len(grants)})
    return grants


def grant_get(*, user: User, person: Person, grant_id: Any) -> ConsentGrant:
    pk = _as_uuid(grant_id)
    grant = (ConsentGrant.objects.visible_to(user).filter(pk=pk, person=person)
             .select_related("contact", "staff", "team", "organisation").first()
             if pk else None)
    if grant is None:
        raise NotFound()
    return grant


def is_the_person(*, user: User, person: Person) -> bool:
    """Whether the user is the person themselves (not their representative), for wording."""
    return PortalAccess.objects.current().filter(user=user, person=person,
                                                 capacity="self").exists()


def is_live(grant: ConsentGrant, today: Any) -> bool:
    """Current or still to start: something the person can stop."""
    return grant.withdrawn_at is None and (grant.end_date is None or grant.end_date >= today)


@dataclass
class SignIn:
    """Who can sign in to see the person's plan: for the circle members the plan is shared with,
    their account or the invitation waiting for them (by contact id); and the representatives
    and nominee, whose access the coordinator looks after."""

    accounts: dict[uuid.UUID, PortalAccess] = field(default_factory=dict)
    invitations: dict[uuid.UUID, Invitation] = field(default_factory=dict)
    others: list[PortalAccess] = field(default_factory=list)

    def can_invite(self, grant: ConsentGrant) -> bool:
        """Someone in the circle with an email address and neither an account nor a link."""
        return bool(grant.contact_id and grant.contact and grant.contact.email
                    and grant.contact_id not in self.accounts
                    and grant.contact_id not in self.invitations)


def sign_in_status(*, person: Person, grants: list[ConsentGrant]) -> SignIn:
    """For a person the caller may already see (two queries, however many grants)."""
    contacts = {g.contact_id for g in grants if g.contact_id}
    found = SignIn()
    for access in (PortalAccess.objects.current().filter(person=person)
                   .exclude(capacity=Capacity.SELF).select_related("user", "contact")):
        if access.capacity == Capacity.CIRCLE:
            if access.contact_id in contacts:
                found.accounts[access.contact_id] = access
        else:
            found.others.append(access)
    # Newest first, so the one kept for each contact is the link that works.
    for invitation in Invitation.objects.open().filter(
            person=person, capacity=Capacity.CIRCLE, contact_id__in=contacts):
        if invitation.contact_id is not None:
            found.invitations.setdefault(invitation.contact_id, invitation)
    return found


@dataclass
class SharingChoices:
    """Who the person may choose: their circle; staff, teams and organisations already involved
    in their care; and organisations found by name."""

    contacts: list[PersonalContact] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)


def sharing_choices(*, user: User, person: Person, organisation_query: str = "",
                    also_organisation: Any = None) -> SharingChoices:
    contacts = list(PersonalContact.objects.visible_to(user).filter(
        person=person, removed_at__isnull=True).order_by("name"))
    members = list(CareTeamMember.objects.visible_to(user).filter(person=person).current()
                   .select_related("user", "user__organisation", "team", "organisation"))
    staff = {m.user.pk: m.user for m in members
             if m.user is not None and m.user.is_active and not m.user.is_portal_user}
    teams = {m.team.pk: m.team for m in members if m.team is not None}
    for allocation in (TeamAllocation.objects.visible_to(user).filter(person=person).current()
                       .select_related("team")):
        teams[allocation.team.pk] = allocation.team
    org_ids = ({m.organisation_id for m in members if m.organisation_id}
               | {t.organisation_id for t in teams.values()}
               | {u.organisation_id for u in staff.values() if u.organisation_id})
    query = " ".join((organisation_query or "").split())[:100]
    wanted = Q(pk__in=org_ids)
    if len(query) >= 2:
        wanted |= Q(pk__in=Organisation.objects.filter(name__icontains=query)
                    .order_by("name").values("pk")[:SEARCH_LIMIT])
    extra = _as_uuid(also_organisation)
    if extra:
        wanted |= Q(pk=extra)
    return SharingChoices(
        contacts=contacts,
        staff=sorted(staff.values(), key=lambda u: (u.last_name, u.first_name, u.username)),
        teams=sorted(teams.values(), key=lambda t: t.name),
        organisations=list(Organisation.objects.filter(wanted).order_by("name")),
    )


def grantee_resolve(*, user: User, person: Person, contact: Any = None, staff: Any = None,
                    team: Any = None, organisation: Any = None) -> dict[str, Any]:
    """Ids sent to the API as the records the service takes. An id that names nothing the
    caller may choose is left as None, so the service names the field."""
    found: dict[str, Any] = {}
    for name, value in (("contact", contact), ("staff", staff), ("team", team),
                        ("organisation", organisation)):
        if value is None:
            continue
        pk = _as_uuid(value)
        if pk is None:
            found[name] = None
        elif name == "contact":
            found[name] = PersonalContact.objects.visible_to(user).filter(
                pk=pk, person=person).first()
        else:
            model: Any = {"staff": User, "team": Team, "organisation": Organisation}[name]
            found[name] = model.objects.filter(pk=pk).first()
    return found
