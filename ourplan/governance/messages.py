"""Telling people about decisions: the person (if they have an email address), whoever asked
for the decision and the named coordinator, through the outbox. Keys make a retry send once."""

from __future__ import annotations

from typing import Any

from ourplan.accounts.models import User
from ourplan.notifications.services import message_send
from ourplan.people.models import Person


def _coordinators(person: Person) -> list[User]:
    """The named coordinator now: someone who has left the care team is not sent the letter."""
    return [m.user for m in person.care_team.current()
            .filter(is_named_coordinator=True, user__isnull=False).select_related("user")
            if m.user is not None]


def decision_made(*, key: str, person: Person, subject: str, letter: str,
                  staff: list[Any]) -> None:
    to: list[User | str] = [u for u in [*staff, *_coordinators(person)] if u is not None]
    if person.email:
        to.append(person.email)
    message_send(key=key, to=to, subject=subject, body=letter, person=person)
