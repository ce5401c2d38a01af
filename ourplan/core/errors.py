"""Domain errors. Services raise these; the web and API layers turn them into a message on the
page or an HTTP error. Field-level problems are django.core.exceptions.ValidationError."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; `message` says why in plain words."""

    message = "This could not be done"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.message
        super().__init__(self.message)


class NotFound(DomainError):
    """The record does not exist, or exists outside the user's scope: the two look the same."""

    message = "Page not found"


class NotAllowed(DomainError):
    """The user can see the record but their role may not make this change."""

    message = "You do not have permission to do this"


class StaleVersion(DomainError):
    """Someone else changed the record since the user opened it. `current` holds the record as
    it is saved now, so the caller can show both versions and nothing is lost."""

    message = (
        "Someone else changed this record while you were editing it. "
        "Your changes have not been saved. Check the latest details and make your changes again"
    )

    def __init__(self, message: str | None = None, current: dict[str, object] | None = None):
        super().__init__(message)
        self.current = current or {}
