"""Every change to a person, their circle or their care team.

Each service: keyword-only and typed; checks the permission and the guard; locks what it changes;
writes in one transaction; appends the audit row; returns the changed record. Pages, the API and
management commands all call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Team, User
from ourplan.core.audit import Action, audit_record, diff, snapshot
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.services import apply_fields, bump_version, check_version, save_changes
from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation

PERSON_FIELDS = (
    "nhs_number", "given_name", "family_name", "preferred_name", "date_of_birth", "sex",
    "gender_identity", "gender_same_as_sex_at_birth", "ethnicity", "religion",
    "sexual_orientation", "marital_status", "disability", "address_line_1", "address_line_2",
    "town", "postcode", "phone", "mobile", "email", "first_language", "interpreter_needed",
    "information_formats", "communication_needs", "gp_practice",
)
CONTACT_FIELDS = (
    "name", "relationship", "contact_types", "representative_basis", "phone", "email", "address",
    "nhs_number", "notes",
)
CARE_TEAM_FIELDS = (
    "user", "name", "role", "team", "organisation", "phone", "email", "start_date", "end_date",
    "is_named_coordinator",
)

TEAM_REQUIRED = "Select the team whose caseload the person joins"
TEAM_NOT_YOURS = "Select one of your own teams"
STAFF_NOT_IN_ORGANISATION = "Select a member of staff"


def _require(user: User, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def _locked_person(user: User, person: Person) -> Person:
    """Re-read the person under a row lock, still through the user's scope."""
    locked = Person.objects.visible_to(user).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound()
    return locked


# --- the person ---------------------------------------------------------------------------

@transaction.atomic
def person_create(*, actor: User, data: Mapping[str, Any], team: Team | None) -> Person:
    """Add a person and put them on one of the actor's teams' caseloads (so the actor, and their
    team, can see them)."""
    _require(actor, "people.add_person")
    if team is None:
        raise ValidationError({"team": TEAM_REQUIRED})
    if not actor.teams.filter(pk=team.pk).exists():
        raise ValidationError({"team": TEAM_NOT_YOURS})
    person = apply_fields(Person(), data, PERSON_FIELDS)
    person.save()
    allocation = TeamAllocation.objects.create(person=person, team=team)
    audit_record(actor=actor, action=Action.PERSON_CREATED, person=person, obj=person,
                 changes=snapshot(person))
    audit_record(actor=actor, action=Action.PERSON_ALLOCATED, person=person, obj=allocation,
                 changes={"team": str(team.pk), "team_name": team.name})
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, version: int, data: Mapping[str, Any]
) -> Person:
    _require(actor, "people.change_person", person)
    person = _locked_person(actor, person)
    save_changes(actor=actor, record=person, version=version, data=data, fields=PERSON_FIELDS,
                 action=Action.PERSON_UPDATED, person=person)
    return person


@transaction.atomic
def person_allocate_to_team(*, actor: User, person: Person, team: Team) -> TeamAllocation:
    _require(actor, "people.change_person", person)
    person = _locked_person(actor, person)
    existing = TeamAllocation.objects.filter(person=person, team=team).current().first()
    if existing is not None:
        return existing
    allocation = TeamAllocation.objects.create(person=person, team=team)
    audit_record(actor=actor, action=Action.PERSON_ALLOCATED, person=person, obj=allocation,
                 changes={"team": str(team.pk), "team_name": team.name})
    return allocation


# --- the circle -------------------------------------------------------------------------------

@transaction.atomic
def personal_contact_add(
    *, actor: User, person: Person, data: Mapping[str, Any]
) -> PersonalContact:
    _require(actor, "people.change_circle", person)
    person = _locked_person(actor, person)
    contact = apply_fields(PersonalContact(person=person), data, CONTACT_FIELDS)
    contact.save()
    audit_record(actor=actor, action=Action.CONTACT_ADDED, person=person, obj=contact,
                 changes=snapshot(contact, CONTACT_FIELDS))
    return contact


def _locked_contact(actor: User, contact: PersonalContact) -> PersonalContact:
    locked = (
        PersonalContact.objects.visible_to(actor).select_for_update()
        .filter(pk=contact.pk, removed_at__isnull=True).first()
    )
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def personal_contact_update(
    *, actor: User, contact: PersonalContact, version: int, data: Mapping[str, Any]
) -> PersonalContact:
    _require(actor, "people.change_circle", contact.person)
    contact = _locked_contact(actor, contact)
    save_changes(actor=actor, record=contact, version=version, data=data,
                 fields=CONTACT_FIELDS, action=Action.CONTACT_UPDATED, person=contact.person)
    return contact


@transaction.atomic
def personal_contact_remove(
    *, actor: User, contact: PersonalContact, version: int
) -> PersonalContact:
    """Take someone out of the circle. The record stays, marked removed, for the history."""
    _require(actor, "people.change_circle", contact.person)
    contact = _locked_contact(actor, contact)
    check_version(contact, version)
    contact.removed_at = timezone.now()
    bump_version(contact)
    contact.save()
    audit_record(actor=actor, action=Action.CONTACT_REMOVED, person=contact.person, obj=contact,
                 changes={"removed_at": contact.removed_at})
    return contact


# --- the care team ----------------------------------------------------------------------------

def _clear_named_coordinator(person: Person, keep: CareTeamMember | None) -> None:
    others = CareTeamMember.objects.filter(person=person, is_named_coordinator=True)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    for member in others.select_for_update():
        member.is_named_coordinator = False
        bump_version(member)
        member.save(update_fields=["is_named_coordinator", "version", "updated_at"])


@transaction.atomic
def care_team_member_add(
    *, actor: User, person: Person, data: Mapping[str, Any]
) -> CareTeamMember:
    _require(actor, "people.change_care_team", person)
    person = _locked_person(actor, person)
    # The one-named-coordinator rule is kept by moving the flag below, not by refusing.
    member = apply_fields(CareTeamMember(person=person), data, CARE_TEAM_FIELDS,
                          validate_constraints=False)
    # A portal account (the person or their family) is never on a care team.
    if member.user_id and member.user and (not member.user.is_active
                                           or member.user.is_portal_user):
        raise ValidationError({"user": STAFF_NOT_IN_ORGANISATION})
    if member.is_named_coordinator:
        _clear_named_coordinator(person, keep=None)
    member.save()
    audit_record(actor=actor, action=Action.CARE_TEAM_ADDED, person=person, obj=member,
                 changes=snapshot(member, CARE_TEAM_FIELDS))
    return member


@transaction.atomic
def care_team_member_update(
    *, actor: User, member: CareTeamMember, version: int, data: Mapping[str, Any]
) -> CareTeamMember:
    _require(actor, "people.change_care_team", member.person)
    locked = (
        CareTeamMember.objects.visible_to(actor).select_for_update().filter(pk=member.pk).first()
    )
    if locked is None:
        raise NotFound()
    check_version(locked, version)
    before = snapshot(locked, CARE_TEAM_FIELDS)
    apply_fields(locked, data, CARE_TEAM_FIELDS, validate_constraints=False)
    changes = diff(before, snapshot(locked, CARE_TEAM_FIELDS))
    if changes:
        if locked.is_named_coordinator:
            _clear_named_coordinator(locked.person, keep=locked)
        bump_version(locked)
        locked.save()
        action = (
            Action.NAMED_COORDINATOR_SET
            if changes.get("is_named_coordinator") == [False, True]
            else Action.CARE_TEAM_ENDED if "end_date" in changes and locked.end_date
            else Action.CARE_TEAM_UPDATED
        )
        audit_record(actor=actor, action=action, person=locked.person, obj=locked,
                     changes=changes)
    return locked
