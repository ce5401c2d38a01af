"""Model and form fields for NHS data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.db import models

from ourplan.core.nhs_numbers import (
    NHS_NUMBER_REQUIRED,
    clean_nhs_number,
    format_nhs_number,
    strip_separators,
    validate_nhs_number,
)


class NHSNumberFormField(forms.CharField):
    """Accepts 999 000 0018, 999-000-0018 or 9990000018; cleans to the ten digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "NHS number")
        kwargs.setdefault("help_text", "This is a 10 digit number, like 999 123 4567")
        super().__init__(**kwargs)
        self.error_messages["required"] = NHS_NUMBER_REQUIRED
        self.widget.attrs.update({"inputmode": "numeric", "spellcheck": "false",
                                  "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        # A stored number is shown as 999 000 0018; what someone typed is shown as typed.
        if isinstance(value, str) and value.isdigit() and len(value) == 10:
            return format_nhs_number(value)
        return value

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value and not self.required:
            return ""
        return clean_nhs_number(value)


class NHSNumberField(models.CharField):
    """Ten digits, checked with modulus 11."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("verbose_name", "NHS number")
        super().__init__(*args, **kwargs)
        # Our validator says "too long" in plain words; Django's length message would repeat it.
        self.validators[:] = [
            v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)
        ]
        self.validators.append(validate_nhs_number)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return strip_separators(value) if isinstance(value, str) else value

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", NHSNumberFormField)
        kwargs.setdefault("required", not self.blank)
        field = super().formfield(**kwargs)
        assert isinstance(field, forms.CharField)
        # People type spaces and dashes: the form takes up to 20 characters, stores 10 digits.
        field.max_length = 20
        field.validators[:] = [v for v in field.validators
                               if not isinstance(v, validators.MaxLengthValidator)]
        field.widget.attrs["maxlength"] = "20"
        return field
