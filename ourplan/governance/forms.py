"""Page forms for sign-off and appeals. They only shape input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.core.forms import NHSDateField, NHSForm
from ourplan.governance.models import (
    AppealOutcome,
    AskedBy,
    DecisionKind,
    Level,
    RiskLevel,
)
from ourplan.people.forms import VersionField
from ourplan.people.models import PersonalContact


class ContactChoiceField(forms.ModelChoiceField):
    """A choice of someone in the circle; an id that is not one says so in plain words (Django
    would say it is not a valid UUID)."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as invalid:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice") from invalid


class SubmitForm(NHSForm):
    version = VersionField()
    note = forms.CharField(
        label="Anything the approver should know (optional)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer"})


class DecideForm(NHSForm):
    version = VersionField()
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("approve", "Sign off the plan"), ("refuse", "Refuse sign-off")],
        error_messages={"required": "Select whether you sign off the plan",
                        "invalid_choice": "Select whether you sign off the plan"})
    reasons = forms.CharField(
        label="Reasons", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text="The person will read these, so use plain words",
        error_messages={"required": "Give the reasons for the decision"})
    alternatives = forms.CharField(
        label="Other options the person could consider",
        help_text="Needed if you refuse sign-off", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000, required=False)


class WithdrawForm(NHSForm):
    version = VersionField()


class AuthorityForm(NHSForm):
    version = VersionField(required=False)
    decision = forms.ChoiceField(label="Decision", choices=DecisionKind.choices,
                                 error_messages={"required": "Select the decision"})
    level = forms.TypedChoiceField(label="Level", choices=Level.choices, coerce=int,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": "Select the level"})
    roles = forms.MultipleChoiceField(
        label="Roles that decide at this level", widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in STAFF_ROLES if r != Role.ADMINISTRATOR],
        error_messages={"required": "Select at least one role that decides at this level"})
    max_budget = forms.DecimalField(
        label="Largest budget decided at this level (£ a year)", required=False,
        max_digits=12, decimal_places=2, min_value=0,
        help_text="Leave blank for any size of budget",
        error_messages={"invalid": "Enter an amount in pounds, like 20000",
                        "min_value": "Enter £0 or more",
                        "max_digits": "Enter an amount of no more than £9,999,999,999",
                        "max_decimal_places": "Enter pounds and pence: up to 2 decimal places"})
    max_risk = forms.TypedChoiceField(label="Highest risk decided at this level",
                                      choices=RiskLevel.choices, coerce=int,
                                      widget=forms.RadioSelect,
                                      error_messages={"required": "Select the highest risk"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_budget"].widget.attrs["inputmode"] = "decimal"

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in
                ("decision", "level", "roles", "max_budget", "max_risk")}


class AppealForm(NHSForm):
    decision = forms.ChoiceField(
        label="Which decision do they want looked at again?", widget=forms.RadioSelect,
        error_messages={"required": "Select the decision they are appealing",
                        "invalid_choice": "Select the decision they are appealing"})
    asked_by = forms.ChoiceField(
        label="Who is asking?", choices=AskedBy.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who is asking"})
    representative = ContactChoiceField(
        label="Which representative?", queryset=PersonalContact.objects.none(), required=False,
        help_text="Only if their representative is asking",
        error_messages={"invalid_choice": "Select a representative from the list"})
    grounds = forms.CharField(
        label="Why do they think the decision is wrong?", widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000, help_text="In their words where you can",
        error_messages={"required": "Say why they think the decision is wrong"})
    lodged_on = NHSDateField(label="Date they asked")

    def __init__(self, *args: Any, person: Any, choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices  # type: ignore[attr-defined]
        representatives = [c.pk for c in person.personal_contacts.filter(removed_at__isnull=True)
                           if "representative" in c.contact_types]
        field = self.fields["representative"]
        field.queryset = PersonalContact.objects.filter(pk__in=representatives)  # type: ignore[attr-defined]
        field.empty_label = "Not a representative"  # type: ignore[attr-defined]


class AppealDecideForm(NHSForm):
    version = VersionField()
    outcome = forms.ChoiceField(label="Outcome of the appeal", choices=AppealOutcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome of the appeal"})
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000,
                              help_text="The person will read these, so use plain words",
                              error_messages={"required": "Give the reasons for the decision"})


class ReductionForm(NHSForm):
    new_amount = forms.DecimalField(
        label="New amount of each payment (£)", max_digits=12, decimal_places=2,
        error_messages={"required": "Enter the new amount of each payment",
                        "invalid": "Enter the new amount in pounds and pence, like 150.00",
                        "max_digits": "Enter an amount of no more than £9,999,999,999",
                        "max_decimal_places": "Enter pounds and pence: up to 2 decimal places"})
    reasons = forms.CharField(label="Reasons for the reduction",
                              widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                              help_text="The person will read these, so use plain words",
                              error_messages={"required": "Give the reasons for the reduction"})
    takes_effect_on = NHSDateField(label="Takes effect on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_amount"].widget.attrs["inputmode"] = "decimal"

