"""Helpers every service uses: applying validated field values and checking versions."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from ourplan.core.errors import StaleVersion
from ourplan.core.models import VersionedModel

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)

UNKNOWN_FIELD = "This field cannot be changed here"


def apply_fields(
    instance: M, data: Mapping[str, Any], allowed: Iterable[str], *,
    validate_constraints: bool = True,
) -> M:
    """Set the allowed fields from `data` and validate the whole record (model rules included).

    Raises ValidationError naming each bad field; nothing is written here. A service that makes
    a constraint hold itself (moving the named coordinator, say) passes
    `validate_constraints=False`; the database still enforces it on save.
    """
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, UNKNOWN_FIELD))
    for name, value in data.items():
        setattr(instance, name, "" if value is None and _is_text(instance, name) else
                _as_stored(instance, name, value))
    instance.full_clean(validate_constraints=validate_constraints)
    return instance


def _as_stored(instance: models.Model, name: str, value: Any) -> Any:
    """A decimal as the database will hold it (5000 -> 5000.00), so that comparing before and
    after sees no change where there is none. Extra places are left for validation to refuse."""
    field = instance._meta.get_field(name)
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
        places = decimal.Decimal(1).scaleb(-field.decimal_places)
        exponent = value.as_tuple().exponent
        if value.is_finite() and isinstance(exponent, int) and exponent >= -field.decimal_places:
            return value.quantize(places)
    return value


def _is_text(instance: models.Model, name: str) -> bool:
    field = instance._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField) and not field.null


def check_version(instance: V, expected: int) -> None:
    """Optimistic concurrency: refuse a change made from a stale copy of the record."""
    if instance.version != expected:
        from ourplan.core.audit import snapshot

        raise StaleVersion(current=snapshot(instance))


def bump_version(instance: V) -> None:
    instance.version += 1


def save_changes(
    *, actor: Any, record: V, version: int, data: Mapping[str, Any], fields: Iterable[str],
    action: str, person: Any,
) -> dict[str, Any]:
    """The shape of every edit: refuse a stale version, validate, and if anything changed move
    the version on, save and audit exactly what changed. Returns the changes."""
    from ourplan.core.audit import audit_record, diff, snapshot

    fields = tuple(fields)
    check_version(record, version)
    before = snapshot(record, fields)
    apply_fields(record, data, fields)
    changes = diff(before, snapshot(record, fields))
    if changes:
        bump_version(record)
        record.save()
        audit_record(actor=actor, action=action, person=person, obj=record, changes=changes)
    return changes
