"""Forms for starting a plan, recording how much support it needs, a section's status and
moving the plan on."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.core.forms import NHSDateField, NHSForm, NHSModelForm
from ourplan.people.forms import VersionField
from ourplan.people.models import PersonalContact
from ourplan.plans.models import (
    AboutMe,
    Action,
    AgreedBy,
    Agreement,
    Outcome,
    Plan,
    WorkingEntry,
)
from ourplan.plans.workflow import OPTIONAL_SECTIONS, PlanKind, SectionStatus

KIND_REQUIRED = "Select the kind of plan"
STATUS_REQUIRED = "Select how far this section has got"


class PlanStartForm(NHSForm):
    kind = forms.ChoiceField(
        label="What kind of plan?", choices=PlanKind.choices, widget=forms.RadioSelect,
        help_text="A personalised wellbeing plan is lighter: a starting point, or enough where a "
                  "full plan is not needed",
        error_messages={"required": KIND_REQUIRED, "invalid_choice": KIND_REQUIRED},
    )


class SupportNeedsForm(NHSModelForm):
    version = VersionField()
    pam_date = NHSDateField(label="Date of the PAM score", required=False)

    class Meta:
        model = Plan
        fields = ("pam_level", "pam_score", "pam_date", "confidence", "involved")
        widgets = {"pam_level": forms.RadioSelect, "confidence": forms.RadioSelect}
        help_texts = {
            "pam_score": "From 0 to 100. Record the score only, never the answers to the "
                         "questionnaire",
            "confidence": "In their own words this is how they feel, if there is no PAM score",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("pam_level", "confidence"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]  # type: ignore[attr-defined]
        self.fields["pam_score"].widget.attrs["inputmode"] = "decimal"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SectionStatusForm(NHSForm):
    version = VersionField()
    status = forms.ChoiceField(
        label="How far has this section got?", widget=forms.RadioSelect,
        error_messages={"required": STATUS_REQUIRED, "invalid_choice": STATUS_REQUIRED},
    )

    def __init__(self, *args: Any, section: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = SectionStatus.choices
        if section not in OPTIONAL_SECTIONS:
            choices = [c for c in choices if c[0] != SectionStatus.NOT_APPLICABLE]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class TransitionForm(NHSForm):
    # A refused move names the sections still to do: the summary links to the task list.
    non_field_error_target = "plan-sections"
    version = VersionField()


class AboutMeForm(NHSModelForm):
    version = VersionField()

    class Meta:
        model = AboutMe
        fields = ("appreciated", "important", "support", "health_summary", "communication",
                  "please_do", "please_dont", "written_with")
        widgets = {name: forms.Textarea for name in fields if name != "written_with"}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class WorkingEntryForm(NHSModelForm):
    class Meta:
        model = WorkingEntry
        fields = ("kind", "text", "perspective")
        widgets = {"kind": forms.RadioSelect, "perspective": forms.RadioSelect,
                   "text": forms.Textarea}
        error_messages = {
            "kind": {"required": "Select whether it is working, not working or a strength"},
            "text": {"required": "Describe what is working or not working",
                     "max_length": "Keep it to 1,000 characters or fewer"},
            "perspective": {"required": "Select whose view this is"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "perspective"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class WorkingEntryEditForm(WorkingEntryForm):
    version = VersionField()


class OutcomeForm(NHSModelForm):
    class Meta:
        model = Outcome
        fields = ("need", "text", "barriers", "risk_if_not_achieved", "solution_traditional",
                  "solution_different", "solution_radical", "solution_risks", "mitigation",
                  "rough_cost", "importance", "status")
        widgets: dict[str, type[forms.Widget]] = {
            name: forms.Textarea for name in fields
            if name not in {"rough_cost", "importance", "status"}
        }
        widgets.update({"importance": forms.RadioSelect, "status": forms.RadioSelect})
        error_messages = {
            "text": {"required": "Write the outcome, in the person's words"},
            "rough_cost": {"invalid": "Enter a rough cost in pounds, like 250 or 49.99",
                           "max_decimal_places": "Enter the cost to the nearest penny",
                           "max_digits": "Enter a cost under £100,000,000"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("importance", "status"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]  # type: ignore[attr-defined]
        self.fields["rough_cost"].widget.attrs["inputmode"] = "decimal"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OutcomeEditForm(OutcomeForm):
    version = VersionField()


class ActionForm(NHSModelForm):
    by_when = NHSDateField(label="By when", required=False)

    class Meta:
        model = Action
        fields = ("what", "owner_kind", "owner", "by_when", "status")
        widgets = {"what": forms.Textarea, "owner_kind": forms.RadioSelect,
                   "status": forms.RadioSelect}
        error_messages = {
            "what": {"required": "Say what will be done"},
            "owner_kind": {"required": "Select who will do it"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner_kind", "status"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActionEditForm(ActionForm):
    version = VersionField()


class AgreeForm(NHSForm):
    version = VersionField()
    # The plan as the page showed it (plans.services.plan_fingerprint): what they agreed to.
    read = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    agreed_by = forms.ChoiceField(
        label="Who agreed the plan?", choices=AgreedBy.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who agreed the plan",
                        "invalid_choice": "Select who agreed the plan"})
    representative = forms.ModelChoiceField(
        label="Which representative?", queryset=PersonalContact.objects.none(), required=False,
        help_text="Only if their representative agreed it",
        error_messages={"invalid_choice": "Select a representative from the list"})
    how = forms.CharField(
        label="How did they agree?", max_length=300,
        help_text="For example, signed at home with their named coordinator, or by phone",
        error_messages={"required": "Say how they agreed, for example signed at home or by "
                                    "phone"})
    agreements = forms.MultipleChoiceField(
        label="What did they agree to?", choices=Agreement.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select each one they agreed to. The plan cannot be signed off until they "
                  "agree to all that apply",
        error_messages={"invalid_choice": "Select only the agreements listed"})

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        representatives = [c.pk for c in person.personal_contacts.filter(removed_at__isnull=True)
                           if "representative" in c.contact_types]
        field = self.fields["representative"]
        field.queryset = PersonalContact.objects.filter(pk__in=representatives)  # type: ignore[attr-defined]
        field.empty_label = "Not a representative"  # type: ignore[attr-defined]


class EntryForm(NHSModelForm):
    """Base for list-entry forms; `entry_form_class` makes one per kind of entry."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            radios = isinstance(field.widget, forms.RadioSelect)
            if radios:
                field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
            if field.required and name != "version":
                verb = "Select" if radios else "Enter"
                field.error_messages["required"] = f"{verb} {str(field.label).lower()}"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def entry_form_class(kind: Any, *, editing: bool) -> type[EntryForm]:
    """A form for one kind of list entry (plans/entries.py): text areas for long text, radios
    for choices, day-month-year boxes for dates, and the version when editing."""
    attrs: dict[str, Any] = {}
    widgets: dict[str, Any] = {}
    for name in kind.fields:
        field = kind.model._meta.get_field(name)
        if field.get_internal_type() == "DateField":
            attrs[name] = NHSDateField(label=str(field.verbose_name).capitalize(),
                                       required=not field.blank,
                                       help_text=field.help_text or None)
        elif field.choices:
            widgets[name] = forms.RadioSelect
        elif field.get_internal_type() == "TextField":
            widgets[name] = forms.Textarea
    if editing:
        attrs["version"] = VersionField()
    meta = type("Meta", (), {"model": kind.model, "fields": kind.fields, "widgets": widgets})
    return type(f"{kind.model.__name__}Form", (EntryForm,), {**attrs, "Meta": meta})
