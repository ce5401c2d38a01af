"""Django forms rendered as NHS.UK frontend components.

`nhsuk_field(bound_field)` turns a bound field into the component name and the parameters its
nhsuk-frontend-jinja macro takes, so every form on every page looks and behaves the same (labels,
hints, error messages beside the field, the error summary at the top).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

DATE_REQUIRED = "Enter {label}"
DATE_INCOMPLETE = "{label} must include a {part}"
DATE_NOT_REAL = "{label} must be a real date"


class NHSDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the NHS.UK date input)."""

    template_name = ""  # rendered by the nhsuk dateInput macro, never by Django

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class NHSDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the NHS service manual's error messages."""

    widget = NHSDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def _label(self) -> str:
        return str(self.label or "Date")

    def compress(self, data_list: list[Any]) -> dt.date | None:
        label = self._label()
        if not data_list or not any(data_list):
            if self.required:
                raise ValidationError(DATE_REQUIRED.format(label=label.lower()), code="required")
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        for part, value in (("day", day), ("month", month), ("year", year)):
            if not value:
                raise ValidationError(DATE_INCOMPLETE.format(label=label, part=part),
                                      code="incomplete")
        try:
            if len(year) != 4:
                raise ValueError("year")
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:  # OverflowError: a day like 99999999999999999999
            raise ValidationError(DATE_NOT_REAL.format(label=label), code="invalid") from exc

    def clean(self, value: Any) -> Any:
        # Our own messages for empty and partial dates, not MultiValueField's generic ones.
        if not isinstance(value, list | tuple):
            value = NHSDateWidget().decompress(value)
        result = self.compress(list(value))
        self.validate(result)
        self.run_validators(result)
        return result


class NHSForm(forms.Form):
    """Base for our forms: no colon after labels, error summary helpers."""

    label_suffix = ""

    def error_summary(self) -> list[dict[str, str]]:
        return error_summary(self)


class NHSModelForm(forms.ModelForm):
    label_suffix = ""

    def error_summary(self) -> list[dict[str, str]]:
        return error_summary(self)


def _first_input_id(bf: forms.BoundField) -> str:
    if isinstance(bf.field.widget, NHSDateWidget):
        return f"{bf.auto_id}_day"
    if isinstance(bf.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bf.auto_id}_0"
    return str(bf.auto_id)


def error_summary(form: forms.BaseForm) -> list[dict[str, str]]:
    """Items for the NHS.UK error summary: each message links to its field (messages about the
    whole form link to the form's `non_field_error_target`, the form itself by default)."""
    target = getattr(form, "non_field_error_target", "main-form")
    items: list[dict[str, str]] = [{"text": str(e), "href": f"#{target}"}
                                   for e in form.non_field_errors()]
    for name in form.errors:
        if name == "__all__" or name not in form.fields:
            continue
        bf = form[name]
        items.extend({"text": str(e), "href": "#" + _first_input_id(bf)} for e in bf.errors)
    return items


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def nhsuk_field(bf: forms.BoundField, **overrides: Any) -> tuple[str, dict[str, Any]]:
    """The NHS.UK component and its parameters for one bound field."""
    field, widget = bf.field, bf.field.widget
    error = " ".join(str(e) for e in bf.errors) or None
    label = str(bf.label) + ("" if field.required else " (optional)")
    hint = _text(field.help_text)
    common: dict[str, Any] = {
        "id": bf.auto_id,
        "name": bf.html_name,
        "hint": {"text": hint} if hint else None,
        "errorMessage": {"text": error} if error else None,
    }
    attrs = {k: v for k, v in widget.attrs.items() if k not in {"class", "maxlength"}}
    if field.required and isinstance(widget, forms.TextInput | forms.Textarea):
        attrs.setdefault("required", "")
    value = bf.value()

    if isinstance(widget, NHSDateWidget):
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        day, month, year = [v if v not in (None, "") else "" for v in [*values, "", "", ""]][:3]
        err_cls = " nhsuk-input--error" if error else ""
        params = {
            "id": bf.auto_id,
            "fieldset": {"legend": {"text": label, "size": "s"}},
            "hint": common["hint"] or {"text": "For example, 15 3 1984"},
            "errorMessage": common["errorMessage"],
            "items": [
                {"id": f"{bf.auto_id}_day", "name": f"{bf.html_name}_day", "label": "Day",
                 "value": day, "width": 2, "classes": err_cls.strip(), "autocomplete": None},
                {"id": f"{bf.auto_id}_month", "name": f"{bf.html_name}_month", "label": "Month",
                 "value": month, "width": 2, "classes": err_cls.strip()},
                {"id": f"{bf.auto_id}_year", "name": f"{bf.html_name}_year", "label": "Year",
                 "value": year, "width": 4, "classes": err_cls.strip()},
            ],
        }
        return "dateInput", {**params, **overrides}

    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])
                  if v not in (None, "")}
        items = [
            {"value": str(v), "text": str(text), "checked": str(v) in chosen,
             "id": f"{bf.auto_id}_{i}"}
            for i, (v, text) in enumerate(c for c in field.choices if c[0] != "")  # type: ignore[attr-defined]
        ]
        kind = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
        params = {
            **common,
            "idPrefix": bf.auto_id,
            "fieldset": {"legend": {"text": label, "size": "s"}},
            "items": items,
        }
        return kind, {**params, **overrides}

    if isinstance(widget, forms.CheckboxInput):
        params = {
            **common,
            "idPrefix": bf.auto_id,
            "items": [{"value": "on", "text": str(bf.label), "checked": bool(value),
                       "id": bf.auto_id}],
        }
        return "checkboxes", {**params, **overrides}

    if isinstance(widget, forms.Select):
        items = [{"value": str(v), "text": str(text), "selected": str(v) == str(value or "")}
                 for v, text in field.choices]  # type: ignore[attr-defined]
        if items and items[0]["value"] == "":
            items[0]["text"] = "Select an option"
        return "select", {**common, "label": {"text": label}, "items": items, **overrides}

    if isinstance(widget, forms.Textarea):
        return "textarea", {
            **common, "label": {"text": label}, "value": value or "", "rows": 4,
            "attributes": attrs, **overrides,
        }

    input_type = getattr(widget, "input_type", "text")
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        value = None  # what was typed is never sent back (page caches, screens saved to disk)
    params = {
        **common,
        "label": {"text": label},
        "value": "" if value is None else str(value),
        "type": input_type if input_type in {"email", "tel", "password", "number"} else "text",
        "attributes": attrs,
    }
    if input_type == "hidden":
        return "hidden", params
    return "input", {**params, **overrides}
