"""Invitations to the portal and the access they create: sending one (by the person's coordinator,
or by the person to someone they share their plan with), accepting it once, withdrawing it, and
ending someone's access. Each change is one service, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import Role, User
from ourplan.consent.models import ConsentGrant
from ourplan.core.audit import audit_record
from ourplan.core.errors import DomainError, NotAllowed
from ourplan.core.presenters import format_date
from ourplan.notifications.services import message_send
from ourplan.people.choices import ContactType
from ourplan.people.models import Person, PersonalContact
from ourplan.portal.models import (
    Capacity,
    ExternalIdentity,
    Invitation,
    PortalAccess,
    hash_link_token,
)


class Actions:
    INVITATION_SENT = "portal.invitation_sent"
    INVITATION_WITHDRAWN = "portal.invitation_withdrawn"
    INVITATION_ACCEPTED = "portal.invitation_accepted"
    INVITATION_REFUSED = "portal.invitation_refused"
    ACCESS_ENDED = "portal.access_ended"


# What each capacity lets someone do, in the words the invitation email and pages use.
WHAT_IT_LETS_THEM_DO = {
    Capacity.SELF: "see your care and support plan and budget, write parts of it in your own "
                   "words, choose who you share it with and ask for a review",
    Capacity.REPRESENTATIVE: "see {name}'s care and support plan and act for them as their "
                             "representative",
    Capacity.NOMINEE: "see the personal health budget you manage for {name}",
    Capacity.CIRCLE: "see {name}'s care and support plan, which they have chosen to share "
                     "with you",
}

CAPACITY_UNKNOWN = "Select who the invitation is for"
CONTACT_REQUIRED = "Select who in their circle to invite"
CONTACT_NOT_FOR_SELF = "An invitation for the person themselves is not for someone in their circle"
CONTACT_NOT_IN_CIRCLE = "Select someone in their circle"
CONTACT_NOT_REPRESENTATIVE = (
    "Only someone recorded in their circle as their representative, with the legal basis they "
    "act on, can be invited as their representative"
)
CONTACT_NOT_NOMINEE = (
    "Only someone recorded in their circle as their nominee can be invited as their nominee"
)
CONTACT_NOT_SHARED_WITH = (
    "You can only invite someone you share your plan with. Share your plan with them first"
)
CONTACT_NOT_SHARED_WITH_STAFF = (
    "{name} has not agreed to share the plan with them. Record their consent to share first"
)
EMAIL_REQUIRED = "Enter the email address to send the invitation to"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
ALREADY_HAS_OWN_ACCOUNT = "{name} already has their own account"
NOT_OPEN = "This invitation has already been used, withdrawn or has expired"
ACCESS_ALREADY_ENDED = "This access has already ended"
GIVEN_NAME_REQUIRED = "Enter your first name"
FAMILY_NAME_REQUIRED = "Enter your last name"
ACCOUNT_EXISTS = (
    "There is already an account with this email address. Sign in to it first, then open the "
    "link in your invitation again"
)
ALREADY_ACCESS = "Your account can already reach this plan in this way"


class InvitationUnusable(DomainError):
    """The link cannot be used: `reason` is unknown, expired, used, withdrawn or staff."""

    MESSAGES = {
        "unknown": "This link does not work. Check you copied all of it from your email, or ask "
                   "the person who invited you to send a new invitation",
        "expired": "This invitation has expired. Ask the person who invited you to send a new "
                   "one",
        "used": "This invitation has already been used. Sign in with the account you made, or "
                "ask the person who invited you to send a new one",
        "withdrawn": "This invitation has been withdrawn. If you think you should have access, "
                     "ask the person who invited you",
        "staff": "You are signed in with a staff account, which cannot accept an invitation to "
                 "someone's own plan. Sign out, then open the link again",
    }

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        self.reason = reason
        self.invitation = invitation
        super().__init__(self.MESSAGES[reason])


@dataclass(frozen=True)
class NewAccount:
    """Who is making an account from an invitation. No password: they sign in only through
    NHS login."""

    given_name: str
    family_name: str
    email: str
    password: str | None


def _is_staff_planner(actor: User, person: Person) -> bool:
    return not actor.is_portal_user and actor.has_perm("people.change_circle", person)


def _shared_with(person: Person | Any, contact: PersonalContact | Any) -> bool:
    """Objects or ids."""
    return ConsentGrant.objects.current().filter(person=person, contact=contact).exists()


def _state(invitation: Invitation) -> str:
    """An invitation to someone the plan is shared with stops working when the sharing stops
    (withdrawn, or come to its end date) even if nobody withdrew the link itself."""
    state = invitation.state
    if (state == "open" and invitation.capacity == Capacity.CIRCLE
            and not _shared_with(invitation.person_id, invitation.contact_id)):
        return "withdrawn"
    return state


def _check_contact(capacity: str, person: Person, contact: PersonalContact | None) -> None:
    if capacity == Capacity.SELF:
        if contact is not None:
            raise ValidationError({"contact": CONTACT_NOT_FOR_SELF})
        return
    if contact is None:
        raise ValidationError({"contact": CONTACT_REQUIRED})
    if contact.person_id != person.pk or contact.removed_at is not None:
        raise ValidationError({"contact": CONTACT_NOT_IN_CIRCLE})
    types = contact.contact_types if isinstance(contact.contact_types, list) else []
    if capacity == Capacity.REPRESENTATIVE and (
        ContactType.REPRESENTATIVE not in types or not contact.representative_basis
    ):
        raise ValidationError({"contact": CONTACT_NOT_REPRESENTATIVE})
    if capacity == Capacity.NOMINEE and ContactType.NOMINEE not in types:
        raise ValidationError({"contact": CONTACT_NOT_NOMINEE})


def _clean_email(email: str, default: str) -> str:
    address = (email or "").strip() or (default or "").strip()
    if not address:
        raise ValidationError({"email": EMAIL_REQUIRED})
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError({"email": EMAIL_INVALID}) from error
    return address


def invitation_link(raw_token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/invitations/{raw_token}/"


def _email_body(*, invitation: Invitation, raw_token: str, actor: User) -> str:
    person = invitation.person
    what = WHAT_IT_LETS_THEM_DO[Capacity(invitation.capacity)].format(name=person.full_name)
    whose = "your" if invitation.capacity == Capacity.SELF else f"{person.full_name}'s"
    by = str(actor)
    return (
        f"{by} has invited you to use Ourplan, the NHS service for {whose} personalised care "
        f"and support plan.\n\n"
        f"With an account you can {what}.\n\n"
        f"To make your account, open this link:\n{invitation_link(raw_token)}\n\n"
        f"The link works once and until {format_date(timezone.localtime(invitation.expires_at))}."
        f" If it has expired, ask {by} to send a new one.\n\n"
        f"If you were not expecting this email, you can ignore it: nothing happens unless you "
        f"open the link."
    )


@transaction.atomic
def invitation_send(
    *, actor: User, person: Person, capacity: str, email: str = "",
    contact: PersonalContact | None = None,
) -> tuple[Invitation, str]:
    """Invite someone to the portal for `person`. Returns the invitation and the link's secret,
    which is emailed and never stored (only its digest is). An open invitation for the same
    person, capacity and contact is withdrawn: only the newest link works."""
    if capacity not in Capacity.values:
        raise ValidationError({"capacity": CAPACITY_UNKNOWN})
    if not _is_staff_planner(actor, person):
        # The person (or whoever may share for them) can invite someone they share with.
        if not actor.has_perm("portal.share", person):
            raise NotAllowed()
        if capacity != Capacity.CIRCLE:
            raise NotAllowed()
        _check_contact(capacity, person, contact)
        if contact is None or not _shared_with(person, contact):
            raise ValidationError({"contact": CONTACT_NOT_SHARED_WITH})
    _check_contact(capacity, person, contact)
    if capacity == Capacity.CIRCLE and not _shared_with(person, contact):
        # An account for family would show them nothing until the person shares the plan.
        raise ValidationError({"contact": CONTACT_NOT_SHARED_WITH_STAFF.format(
            name=person.known_as)})
    if capacity == Capacity.SELF and PortalAccess.objects.current().filter(
        person=person, capacity=Capacity.SELF
    ).exists():
        raise ValidationError({"capacity": ALREADY_HAS_OWN_ACCOUNT.format(name=person.full_name)})
    address = _clean_email(email, person.email if contact is None else contact.email)

    now = timezone.now()
    earlier = Invitation.objects.open().select_for_update().filter(
        person=person, capacity=capacity, contact=contact
    )
    for old in earlier:
        old.revoked_at = now
        old.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action=Actions.INVITATION_WITHDRAWN, person=person, obj=old,
                     changes={"why": "a new invitation was sent"})

    raw = secrets.token_urlsafe(32)
    days = int(getattr(settings, "PORTAL_INVITATION_DAYS", 7))
    invitation = Invitation.objects.create(
        person=person, capacity=capacity, contact=contact, email=address,
        digest=hash_link_token(raw), expires_at=now + dt.timedelta(days=days), invited_by=actor,
    )
    audit_record(actor=actor, action=Actions.INVITATION_SENT, person=person, obj=invitation,
                 changes={"capacity": capacity, "email": address, "contact": contact,
                          "expires_at": invitation.expires_at})
    subject = ("You are invited to see your care and support plan"
               if capacity == Capacity.SELF
               else f"You are invited to see {person.full_name}'s care and support plan")
    message_send(key=f"portal-invitation:{invitation.pk}", to=[address], subject=subject,
                 body=_email_body(invitation=invitation, raw_token=raw, actor=actor),
                 person=person)
    return invitation, raw


def invitation_for_link(raw_token: str, *, user: Any = None) -> Invitation:
    """The open invitation a link belongs to, for the accept page. Raises InvitationUnusable
    (audited) for an unknown, expired, used or withdrawn link, or when `user` is signed in to a
    staff account."""
    invitation = (
        Invitation.objects.select_related("person", "invited_by", "contact")
        .filter(digest=hash_link_token(raw_token or "")).first()
        if raw_token and len(raw_token) <= 200 else None
    )
    refused = (InvitationUnusable("unknown") if invitation is None
               else InvitationUnusable(_state(invitation), invitation)
               if _state(invitation) != "open" else None)
    if refused is None and getattr(user, "is_authenticated", False) and not user.is_portal_user:
        refused = InvitationUnusable("staff", invitation)
    if refused is not None:
        _audit_refusal(refused, user)
        raise refused
    assert invitation is not None
    return invitation


def _new_user(account: NewAccount) -> User:
    errors: dict[str, str | list[str]] = {}
    given, family = account.given_name.strip(), account.family_name.strip()
    if not given:
        errors["given_name"] = GIVEN_NAME_REQUIRED
    if not family:
        errors["family_name"] = FAMILY_NAME_REQUIRED
    try:
        email = _clean_email(account.email, "")
    except ValidationError as error:
        errors.update(error.message_dict)
        email = ""
    if email and User.objects.filter(username__iexact=email).exists():
        errors["email"] = ACCOUNT_EXISTS
    user = User(username=email.lower(), email=email, first_name=given[:150],
                last_name=family[:150], role=Role.PERSON, organisation=None)
    if account.password is not None:
        try:
            validate_password(account.password, user=user)
        except ValidationError as error:
            errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    if account.password is None:
        user.set_unusable_password()
    else:
        user.set_password(account.password)
    user.save()
    return user


def _lock_open(raw_token: str, user: Any) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().filter(digest=hash_link_token(raw_token or ""))
        .first() if raw_token and len(raw_token) <= 200 else None
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if _state(invitation) != "open":
        raise InvitationUnusable(_state(invitation), invitation)
    if user is not None and getattr(user, "is_authenticated", False) and not user.is_portal_user:
        raise InvitationUnusable("staff", invitation)
    return invitation


def _grant_access(invitation: Invitation, user: User, *, new_account: bool) -> PortalAccess:
    person = invitation.person
    if invitation.capacity == Capacity.SELF and PortalAccess.objects.current().filter(
        person=person, capacity=Capacity.SELF
    ).exists():
        raise ValidationError(ALREADY_HAS_OWN_ACCOUNT.format(name=person.full_name))
    if PortalAccess.objects.filter(user=user, person=person, capacity=invitation.capacity,
                                   ended_at__isnull=True).exists():
        raise ValidationError(ALREADY_ACCESS)
    access = PortalAccess.objects.create(user=user, person=person, capacity=invitation.capacity,
                                         contact=invitation.contact, invitation=invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(actor=user, action=Actions.INVITATION_ACCEPTED, person=person, obj=invitation,
                 changes={"capacity": invitation.capacity, "access": access,
                          "new_account": new_account})
    return access


def invitation_accept(
    *, raw_token: str, user: User | None = None, account: NewAccount | None = None,
) -> PortalAccess:
    """Use an invitation link once: link it to the signed-in portal account `user`, or make a new
    portal account from `account`. Refused (InvitationUnusable, audited) for an unknown, expired,
    used or withdrawn link, and for a staff account; field problems are ValidationErrors."""
    try:
        with transaction.atomic():
            invitation = _lock_open(raw_token, user)
            if user is not None and user.is_authenticated:
                return _grant_access(invitation, user, new_account=False)
            if account is None:
                raise ValidationError("Enter your details to make an account")
            return _grant_access(invitation, _new_user(account), new_account=True)
    except InvitationUnusable as refused:
        # Audited after the rollback, so the refused attempt stays in the trail.
        _audit_refusal(refused, user)
        raise


def _audit_refusal(refused: InvitationUnusable, user: Any) -> None:
    invitation = refused.invitation
    audit_record(actor=user if getattr(user, "is_authenticated", False) else None,
                 action=Actions.INVITATION_REFUSED,
                 person=invitation.person if invitation else None,
                 obj=invitation, object_type="" if invitation else "portal.invitation",
                 changes={"reason": refused.reason})


NHS_NUMBER_MISMATCH = (
    "The NHS number NHS login gave us is not the one on the plan you were invited to. "
    "Ask the person who invited you to check your details"
)
NHS_LOGIN_ONLY_FOR_SELF = (
    "NHS login can only be used to accept an invitation to your own plan. Make an account with "
    "a password instead"
)


def invitation_accept_by_identity(
    *, raw_token: str, issuer: str, subject: str, nhs_number: str, given_name: str,
    family_name: str, email: str,
) -> PortalAccess:
    """Accept an invitation for the person themselves with NHS login instead of a password: only
    when the NHS number NHS login vouches for is the invited person's. Links the identity so
    the person signs in with NHS login from then on."""
    try:
        with transaction.atomic():
            invitation = _lock_open(raw_token, None)
            if invitation.capacity != Capacity.SELF:
                raise ValidationError({"nhs_number": NHS_LOGIN_ONLY_FOR_SELF})
            if not nhs_number or nhs_number != invitation.person.nhs_number:
                raise ValidationError({"nhs_number": NHS_NUMBER_MISMATCH})
            user = _new_user(NewAccount(given_name=given_name or invitation.person.given_name,
                                        family_name=family_name or invitation.person.family_name,
                                        email=email or invitation.email, password=None))
            access = _grant_access(invitation, user, new_account=True)
            ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject,
                                            nhs_number=nhs_number, last_used_at=timezone.now())
            audit_record(actor=user, action="portal.external_identity_linked",
                         person=invitation.person, obj=user,
                         changes={"issuer": issuer})
            return access
    except InvitationUnusable as refused:
        _audit_refusal(refused, None)
        raise


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    """Stop a link working before it is used. Staff who may change the person's circle; or,
    for someone the plan is shared with, the person (or whoever may share for them), whoever
    sent it: the person decides who in their circle can see their plan."""
    invitation = Invitation.objects.select_for_update().select_related("person").get(
        pk=invitation.pk)
    person = invitation.person
    if not _is_staff_planner(actor, person) and not (
        actor.is_portal_user and invitation.capacity == Capacity.CIRCLE
        and actor.has_perm("portal.share", person)
    ):
        raise NotAllowed()
    if invitation.state != "open":
        raise ValidationError(NOT_OPEN)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action=Actions.INVITATION_WITHDRAWN, person=person,
                 obj=invitation, changes={"email": invitation.email})
    return invitation


def invitations_withdraw_when_sharing_stops(*, actor: User, person: Person,
                                            contact_id: Any) -> int:
    """Withdraw the open invitations to someone in the circle once the plan is no longer shared
    with them, so no link is left that looks as if it works. For consent_withdraw, inside its
    transaction and after its own checks; returns how many were withdrawn."""
    if contact_id is None or _shared_with(person, contact_id):
        return 0
    now = timezone.now()
    waiting = list(Invitation.objects.open().select_for_update().filter(
        person=person, capacity=Capacity.CIRCLE, contact_id=contact_id))
    for invitation in waiting:
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action=Actions.INVITATION_WITHDRAWN, person=person,
                     obj=invitation, changes={"why": "the plan is no longer shared with them"})
    return len(waiting)


@transaction.atomic
def portal_access_end(*, actor: User, access: PortalAccess) -> PortalAccess:
    """End someone's portal access at once. Staff who may change the person's circle may end
    any; the person (or whoever may share for them) may end a circle member's."""
    access = PortalAccess.objects.select_for_update().select_related("person").get(pk=access.pk)
    person = access.person
    if not _is_staff_planner(actor, person) and not (
        access.capacity == Capacity.CIRCLE and actor.has_perm("portal.share", person)
        and access.user_id != actor.pk
    ):
        raise NotAllowed()
    if access.ended_at is not None:
        raise ValidationError(ACCESS_ALREADY_ENDED)
    access.ended_at = timezone.now()
    access.save(update_fields=["ended_at", "updated_at"])
    audit_record(actor=actor, action=Actions.ACCESS_ENDED, person=person, obj=access,
                 changes={"capacity": access.capacity, "user": access.user_id})
    return access
