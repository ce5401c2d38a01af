"""NHS number rules: modulus 11 through the `nhs-number` package, with errors people can act on.
"""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

NHS_NUMBER_REQUIRED = "Enter an NHS number"
NHS_NUMBER_NOT_DIGITS = "NHS number must only include numbers, spaces and dashes"
NHS_NUMBER_TOO_SHORT = "NHS number is too short. It must be 10 digits, like 999 000 0018"
NHS_NUMBER_TOO_LONG = "NHS number is too long. It must be 10 digits, like 999 000 0018"
NHS_NUMBER_FAILED_CHECK = (
    "This is not a valid NHS number. Check it against a letter or the NHS App"
)

_SEPARATORS = re.compile(r"[\s-]+")


def clean_nhs_number(value: str | None) -> str:
    """Return the 10 digits of a valid NHS number, or raise a specific ValidationError."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(NHS_NUMBER_REQUIRED, code="required")
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(NHS_NUMBER_NOT_DIGITS, code="invalid_characters")
    if len(digits) < 10:
        raise ValidationError(NHS_NUMBER_TOO_SHORT, code="too_short")
    if len(digits) > 10:
        raise ValidationError(NHS_NUMBER_TOO_LONG, code="too_long")
    if not nhs_number.is_valid(digits):
        raise ValidationError(NHS_NUMBER_FAILED_CHECK, code="failed_check")
    return digits


def validate_nhs_number(value: str) -> None:
    """Model-field validator, with the specific message for what is wrong."""
    clean_nhs_number(value)


def strip_separators(value: str) -> str:
    """999 000 0018 and 999-000-0018 become 9990000018; anything else is left for the validator."""
    digits = _SEPARATORS.sub("", value.strip())
    return digits if digits.isdigit() else value.strip()


def format_nhs_number(value: str | None) -> str:
    """999 000 0018, as the NHS shows it."""
    if not value:
        return ""
    digits = _SEPARATORS.sub("", value)
    if len(digits) != 10:
        return value
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def looks_like_nhs_number(query: str) -> str | None:
    """For search: the digits if the query is 10 digits with optional spaces or dashes."""
    digits = _SEPARATORS.sub("", query.strip())
    return digits if len(digits) == 10 and digits.isdigit() else None
