"""Page forms for the budget. They only shape input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from ourplan.budgets.models import (
    Budget,
    CostLine,
    Holding,
    HoldingWay,
    PaidTo,
    PARates,
    Payment,
)
from ourplan.core.forms import NHSDateField, NHSForm, NHSModelForm
from ourplan.people.forms import VersionField

MONEY_HINT = "In pounds and pence, for example 1250.00"


def _money(form: forms.BaseForm, *names: str) -> None:
    """Money inputs: a £ prefix, a decimal keypad on phones, and a plain-words error."""
    for name in names:
        field = form.fields[name]
        field.widget.attrs.update({"inputmode": "decimal"})
        field.error_messages["invalid"] = "Enter an amount in pounds and pence, like 1250.00"
        field.error_messages["max_decimal_places"] = "Enter pounds and pence: up to 2 decimal " \
                                                     "places"
        field.error_messages["max_digits"] = "Enter an amount of no more than £5,000,000"
        field.error_messages["max_whole_digits"] = "Enter an amount of no more than £5,000,000"


def _no_blank_choice(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]


class ServiceDataMixin:
    def service_data(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        return {k: v for k, v in cleaned.items() if k != "version"}


class BudgetForm(ServiceDataMixin, NHSModelForm):
    version = VersionField(required=False)
    starts_on = NHSDateField(label="When does the budget year start?", required=False,
                             help_text="The year runs 12 months from this date")
    indicative_authorised_on = NHSDateField(label="When was the indicative budget authorised?",
                                            required=False)

    class Meta:
        model = Budget
        fields = ("eligibility", "starts_on", "indicative_amount", "indicative_basis",
                  "indicative_authorised_by", "indicative_authorised_on", "final_amount")
        widgets = {"eligibility": forms.RadioSelect}
        help_texts = {
            "indicative_amount": "Roughly how much money there is to plan with, a year",
            "indicative_basis": "So the person can see how the figure links to their needs, "
                                "for example the resource allocation or the cost of current "
                                "services",
            "final_amount": "The amount to be signed off, a year, once the plan is costed",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "eligibility")
        self.fields["eligibility"].error_messages["required"] = (
            "Select why they have a personal health budget")
        _money(self, "indicative_amount", "final_amount")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        # The end of the year follows from its start (services.year_end).
        data["ends_on"] = None
        return data


class HoldingForm(ServiceDataMixin, NHSModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Holding
        fields = ("way", "amount", "held_by", "accountable", "records_to_keep", "paid_to",
                  "paid_to_contact", "payment_amount", "payment_frequency", "notice_days")
        widgets = {"way": forms.RadioSelect, "paid_to": forms.RadioSelect}
        help_texts = {
            "amount": "Part of the budget, a year. A mixture has one entry for each way",
            "accountable": "For example the person, their nominee, or the ICB",
            "records_to_keep": "For example receipts, timesheets and bank statements, kept for "
                               "six years",
            "payment_amount": "Only for a direct payment",
            "notice_days": "Only for a direct payment: the notice the ICB gives before it "
                           "reduces the payment",
        }

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "way", "paid_to")
        self.fields["way"].error_messages["required"] = "Select how the money is held"
        self.fields["paid_to"].required = False
        self.fields["paid_to_contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["paid_to_contact"].help_text = (
            "Only when the payment goes to a representative or nominee in their circle")
        self.fields["payment_frequency"].label = "How often each direct payment is made"
        _money(self, "amount", "payment_amount")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if data.get("way") != HoldingWay.DIRECT_PAYMENT:
            # Direct-payment details left over from a change of mind are not kept.
            for name in ("paid_to", "paid_to_contact", "payment_amount", "payment_frequency",
                         "notice_days"):
                data[name] = "" if name in ("paid_to", "payment_frequency") else None
        elif data.get("paid_to") == PaidTo.PERSON:
            data["paid_to_contact"] = None
        return data


class CostLineForm(ServiceDataMixin, NHSModelForm):
    version = VersionField(required=False)

    class Meta:
        model = CostLine
        fields = ("outcome", "item", "category", "supplier", "unit_cost", "quantity",
                  "frequency", "holding", "pa_rates", "pa_includes_insurance", "unusual",
                  "unusual_reason")
        widgets = {"category": forms.RadioSelect, "frequency": forms.RadioSelect}
        labels = {"unusual": "This is an unusual request that needs a case-by-case decision"}
        help_texts = {
            "item": "For example, a perching stool, or a personal assistant for mornings",
            "unit_cost": "For a personal assistant: their hourly pay. " + MONEY_HINT,
            "quantity": "For a personal assistant: hours a week",
            "pa_rates": "Only for a personal assistant: the tax year's rates give the hidden "
                        "costs of employing them",
            "pa_includes_insurance": "Only for a personal assistant. Insurance is paid once "
                                     "for each employer, so untick it for a second PA",
            "unusual_reason": "Only for an unusual request: how it will help them reach the "
                              "outcome",
        }

    def __init__(self, *args: Any, outcomes: Any, holdings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "category", "frequency")
        self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]
        self.fields["outcome"].error_messages.update({
            "required": "Select the outcome it helps with",
            "invalid_choice": "Select one of the outcomes in this plan"})
        self.fields["outcome"].label_from_instance = lambda o: o.text[:90]  # type: ignore[attr-defined]
        self.fields["holding"].queryset = holdings  # type: ignore[attr-defined]
        self.fields["holding"].required = False
        self.fields["category"].error_messages["required"] = "Select what kind of cost it is"
        self.fields["frequency"].error_messages["required"] = "Select how often it is paid for"
        self.fields["item"].error_messages["required"] = "Say what it is"
        self.fields["pa_rates"].queryset = PARates.objects.order_by("-starts_on")  # type: ignore[attr-defined]
        self.fields["pa_rates"].required = False
        _money(self, "unit_cost")
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
        self.fields["quantity"].error_messages["invalid"] = "Enter a number, like 1 or 12.5"


class DecisionForm(NHSForm):
    version = VersionField()
    agreed = forms.TypedChoiceField(
        label="Is this unusual request agreed?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, it can be bought with the budget"),
                 ("no", "No, it cannot")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select yes or no"},
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=2000,
                             error_messages={"required": "Give the reason for the decision"},
                             help_text="The person will see this, so use plain words")


class PaymentForm(ServiceDataMixin, NHSModelForm):
    paid_on = NHSDateField(label="Date paid")

    class Meta:
        model = Payment
        fields = ("line", "paid_on", "amount", "reference")

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]
        self.fields["line"].error_messages.update({
            "required": "Select what it paid for",
            "invalid_choice": "Select something the signed-off budget pays for"})
        self.fields["line"].label_from_instance = lambda line: line.item  # type: ignore[attr-defined]
        _money(self, "amount")


class RatesForm(ServiceDataMixin, NHSModelForm):
    version = VersionField(required=False)
    starts_on = NHSDateField(label="First day of the tax year")

    class Meta:
        model = PARates
        fields = ("tax_year", "starts_on", "national_living_wage", "holiday_weeks",
                  "employer_ni_rate", "ni_secondary_threshold", "pension_rate",
                  "pension_lower_limit", "pension_upper_limit", "emergency_cover_rate",
                  "training_per_pa", "payroll_per_pa", "insurance_per_employer")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            if name not in ("tax_year", "starts_on"):
                self.fields[name].widget.attrs["inputmode"] = "decimal"
                self.fields[name].error_messages["invalid"] = "Enter a number, like 12.71"


class ReturnsForm(NHSForm):
    starts_on = NHSDateField(label="Period starts")
    ends_on = NHSDateField(label="Period ends")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end must be on or after the start")
        return cleaned

    @staticmethod
    def this_quarter(today: dt.date) -> dict[str, dt.date]:
        """The quarter containing today (NHS financial quarters start in April, July,
        October and January, so they are calendar quarters)."""
        first_month = (today.month - 1) // 3 * 3 + 1
        start = dt.date(today.year, first_month, 1)
        after = dt.date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
        return {"starts_on": start, "ends_on": after - dt.timedelta(days=1)}
