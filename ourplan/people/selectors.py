"""Reads of people's data, scoped to the user and audited.

Views and the API read people only through these functions or `visible_to` querysets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from ourplan.accounts.models import User
from ourplan.core.audit import Action, audit_record, audit_record_reads
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.models import AuditEvent
from ourplan.core.nhs_numbers import looks_like_nhs_number
from ourplan.people.models import CareTeamMember, Person, PersonalContact


def _refuse(user: User, person_id: Any, object_type: str = "people.person") -> NotFound:
    """Audit an attempt to reach a record outside the user's scope; the caller raises 404."""
    # An unscoped lookup only to attach the attempt to the right person's history.
    target = Person.objects.filter(pk=person_id).only("pk").first()
    audit_record(actor=user, action=Action.PERSON_ACCESS_REFUSED, person=target,
                 object_type=object_type, object_id=str(person_id))
    return NotFound()


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def person_get(*, user: User, person_id: Any, purpose: str = "view") -> Person:
    """The person, if the user may see them; audited as a read. Raises NotFound otherwise."""
    pk = _as_uuid(person_id)
    if pk is None:
        raise NotFound()
    person = (
        Person.objects.visible_to(user).select_related("gp_practice").filter(pk=pk).first()
    )
    if person is None:
        raise _refuse(user, pk)
    audit_record(actor=user, action=Action.PERSON_VIEWED, person=person, obj=person,
                 changes={"purpose": purpose})
    return person


def person_circle(*, person: Person) -> QuerySet[PersonalContact]:
    """The current circle of a person already fetched through `person_get`."""
    return PersonalContact.objects.filter(person=person, removed_at__isnull=True)


def person_care_team(*, person: Person, include_ended: bool = True) -> QuerySet[CareTeamMember]:
    members = CareTeamMember.objects.filter(person=person).select_related(
        "user", "team", "organisation"
    )
    return members if include_ended else members.current()


def personal_contact_get(*, user: User, person: Person, contact_id: Any) -> PersonalContact:
    pk = _as_uuid(contact_id)
    contact = (
        PersonalContact.objects.visible_to(user)
        .filter(pk=pk, person=person, removed_at__isnull=True).select_related("person").first()
        if pk else None
    )
    if contact is None:
        raise NotFound()
    return contact


def care_team_member_get(*, user: User, person: Person, member_id: Any) -> CareTeamMember:
    pk = _as_uuid(member_id)
    member = (
        CareTeamMember.objects.visible_to(user)
        .filter(pk=pk, person=person).select_related("person", "user", "team").first()
        if pk else None
    )
    if member is None:
        raise NotFound()
    return member


@dataclass(frozen=True)
class CaseloadPage:
    page: Page[Person]
    query: str
    total: int


def caseload_search(*, user: User, query: str = "", page_number: Any = 1) -> CaseloadPage:
    """The people the user may see, optionally matching a name or NHS number, a page at a time.
    Each person shown is audited as read (one INSERT for the page)."""
    query = (query or "").strip()[:100]
    people = Person.objects.visible_to(user).select_related("gp_practice").prefetch_related(
        Prefetch(
            "care_team",
            queryset=CareTeamMember.objects.filter(is_named_coordinator=True).select_related(
                "user"
            ),
            to_attr="named_coordinators",
        )
    )
    if query:
        digits = looks_like_nhs_number(query)
        if digits:
            people = people.filter(nhs_number=digits)
        else:
            for word in query.split()[:4]:
                people = people.filter(
                    Q(given_name__icontains=word) | Q(family_name__icontains=word)
                    | Q(preferred_name__icontains=word)
                )
    paginator = Paginator(people.order_by("family_name", "given_name", "id"), settings.PAGE_SIZE)
    page = paginator.get_page(page_number)
    audit_record_reads(actor=user, action=Action.PERSON_LISTED, people=list(page.object_list),
                       changes={"query": query} if query else None)
    return CaseloadPage(page=page, query=query, total=paginator.count)


def audit_lookup(*, user: User, query: str = "", page_number: Any = 1) -> CaseloadPage:
    """The people whose audit history an administrator may read, by name or NHS number.
    Listing them is not reading their record, so it is not audited per person; opening the
    history is."""
    if not user.has_perm("core.view_audit"):
        raise NotAllowed()
    query = (query or "").strip()[:100]
    people = Person.objects.audit_visible_to(user)
    digits = looks_like_nhs_number(query) if query else None
    if digits:
        people = people.filter(nhs_number=digits)
    elif query:
        for word in query.split()[:4]:
            people = people.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    paginator = Paginator(people.order_by("family_name", "given_name", "id"), settings.PAGE_SIZE)
    return CaseloadPage(page=paginator.get_page(page_number), query=query, total=paginator.count)


def person_audit_history(
    *, user: User, person_id: Any, page_number: Any = 1
) -> tuple[Person, Page[AuditEvent]]:
    """Who looked at or changed this person's record, newest first (administrators only)."""
    pk = _as_uuid(person_id)
    if pk is None:
        raise NotFound()
    person = Person.objects.audit_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise _refuse(user, pk, object_type="core.auditevent")
    if not user.has_perm("core.view_person_audit", person):
        raise NotAllowed()
    audit_record(actor=user, action=Action.AUDIT_VIEWED, person=person, obj=person)
    events = AuditEvent.objects.for_person(person)
    return person, Paginator(events, 50).get_page(page_number)
