"""Which integrated care board (ICB) decides for a person, and which ICB a member of staff is in.

Decisions about a person (sign-off, appeals, panels) belong to the ICB the person is registered
in (their GP practice's ICB). When that is not known, to the ICB of the member of staff asking:
their own organisation if it is an ICB, otherwise the ICB it sits in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ourplan.accounts.models import Organisation, OrganisationKind

if TYPE_CHECKING:
    from ourplan.people.models import Person


def icb_of(organisation: Organisation | None) -> Organisation | None:
    """The organisation itself if it is an ICB, else its parent if that is one, else None."""
    if organisation is None:
        return None
    if organisation.kind == OrganisationKind.ICB:
        return organisation
    parent = organisation.parent if organisation.parent_id else None
    if parent is not None and parent.kind == OrganisationKind.ICB:
        return parent
    return None


def icb_for(person: Person, user: Any) -> Organisation | None:
    """The ICB that decides for `person`, asked by `user`."""
    practice = person.gp_practice if person.gp_practice_id else None
    if practice is not None and practice.parent_id:
        parent = practice.parent
        if parent is not None and parent.kind == OrganisationKind.ICB:
            return parent
    return icb_of(getattr(user, "organisation", None))


def user_icb(user: Any) -> Organisation | None:
    """The ICB a member of staff works in (through their organisation), if any."""
    if user is None or not user.is_authenticated or not user.organisation_id:
        return None
    return icb_of(user.organisation)
