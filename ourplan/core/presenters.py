"""Formatting shared by every page: dates, times and NHS numbers in NHS.UK style."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ourplan.core.nhs_numbers import format_nhs_number

__all__ = ["format_date", "format_datetime", "format_nhs_number"]


def format_date(value: dt.date | None) -> str:
    """22 November 2026 (the NHS style: no leading zero, month in full)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{format_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
