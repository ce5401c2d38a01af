"""Test helpers for the portal and consent: portal users in each capacity, and grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent.models import ConsentGrant, Grantee
from ourplan.people.models import Person, PersonalContact
from ourplan.portal.models import Capacity, PortalAccess
from ourplan.testing.factories import PersonalContactFactory, UserFactory


def portal_user(**kwargs: Any) -> User:
    """An account with the PERSON role and no organisation or teams."""
    return UserFactory.create(role=Role.PERSON, organisation=None, **kwargs)


def the_person(person: Person, user: User | None = None) -> User:
    """`person`'s own portal account."""
    user = user or portal_user(first_name=person.given_name, last_name=person.family_name)
    PortalAccess.objects.create(user=user, person=person, capacity=Capacity.SELF)
    return user


def contact_of(person: Person, *, types: list[str] | None = None, basis: str = "",
               **kwargs: Any) -> PersonalContact:
    return PersonalContactFactory.create(person=person, contact_types=types or ["next_of_kin"],
                                  representative_basis=basis, **kwargs)


def representative_of(person: Person, basis: str = "lpa_health_welfare",
                      user: User | None = None) -> User:
    """A representative acting on `basis` (a RepresentativeBasis value)."""
    contact = contact_of(person, types=["representative"], basis=basis)
    user = user or portal_user()
    PortalAccess.objects.create(user=user, person=person, capacity=Capacity.REPRESENTATIVE,
                                contact=contact)
    return user


def nominee_of(person: Person, user: User | None = None) -> User:
    contact = contact_of(person, types=["nominee"])
    user = user or portal_user()
    PortalAccess.objects.create(user=user, person=person, capacity=Capacity.NOMINEE,
                                contact=contact)
    return user


def circle_member_of(person: Person, *, shared: bool = True,
                     user: User | None = None) -> tuple[User, PersonalContact]:
    """Someone in `person`'s circle with a portal account; `shared` gives them a current
    consent grant to see the plan."""
    contact = contact_of(person)
    user = user or portal_user()
    PortalAccess.objects.create(user=user, person=person, capacity=Capacity.CIRCLE,
                                contact=contact)
    if shared:
        grant(person, contact=contact)
    return user, contact


def grant(person: Person, *, granted_by: User | None = None, start: dt.date | None = None,
          end: dt.date | None = None, purpose: str = "To help me with my care",
          **grantee: Any) -> ConsentGrant:
    """A consent grant to exactly one of contact=, staff=, team= or organisation=."""
    ((kind, target),) = grantee.items()
    kinds = {"contact": Grantee.CIRCLE, "staff": Grantee.STAFF, "team": Grantee.TEAM,
             "organisation": Grantee.ORGANISATION}
    return ConsentGrant.objects.create(
        person=person, grantee=kinds[kind], purpose=purpose,
        start_date=start or timezone.localdate(), end_date=end,
        granted_by=granted_by or portal_user(), **{kind: target},
    )
