"""Page forms for reviews. They only shape input; the services decide what is allowed (and
what a review needs before it can be finished)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from ourplan.core.forms import NHSDateField, NHSForm
from ourplan.people.forms import VersionField
from ourplan.plans.models import Outcome
from ourplan.reviews.models import (
    DP_OBLIGATIONS,
    Met,
    OutcomeResult,
    Review,
    ReviewCircumstances,
    ReviewOutcome,
    Suffices,
)
from ourplan.reviews.schedule import TriggerReason
from ourplan.reviews.services import outcome_field

WHAT_HAPPENED = "Select what has happened"
LONG_TEXT = {"max_length": "Keep it to 2,000 characters or fewer"}


def _textarea(label: str, *, required: bool = False, help_text: str = "",
              required_message: str = "") -> forms.CharField:
    field = forms.CharField(
        label=label, required=required, widget=forms.Textarea, max_length=2000,
        help_text=help_text,
        error_messages={**LONG_TEXT, **({"required": required_message}
                                        if required_message else {})})
    # The NHS.UK textarea sets its own rows; Django's defaults would repeat the attribute.
    for name in ("cols", "rows"):
        field.widget.attrs.pop(name, None)
    return field


class TriggerForm(NHSForm):
    reason = forms.ChoiceField(
        label="What has happened?", widget=forms.RadioSelect,
        choices=[c for c in TriggerReason.choices if c[0] != TriggerReason.PERSON_REQUEST],
        error_messages={"required": WHAT_HAPPENED, "invalid_choice": WHAT_HAPPENED},
    )
    occurred_on = NHSDateField(label="When did it happen?",
                               help_text="For an admission, the day they went into hospital. "
                                         "For example, 15 3 2026")
    details = _textarea("What happened", required=True, required_message="Say what happened",
                        help_text="Briefly, and who told you")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("reason", "details", "occurred_on")}


class RequestForm(NHSForm):
    occurred_on = NHSDateField(label="When did they ask?", help_text="For example, 15 3 2026")
    details = _textarea("What they said", help_text="In their words, if they said why")

    def service_data(self) -> dict[str, Any]:
        return {"reason": TriggerReason.PERSON_REQUEST, "details": self.cleaned_data["details"],
                "occurred_on": self.cleaned_data["occurred_on"]}


CIRCUMSTANCES = ("isolated", "degenerative_condition", "fluctuating_condition")


class CircumstancesForm(NHSForm):
    version = VersionField()
    applies = forms.MultipleChoiceField(
        label="Do any of these apply to them?", required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("isolated", "They are isolated"),
                 ("degenerative_condition", "They have a degenerative condition"),
                 ("fluctuating_condition", "They have a fluctuating condition")],
        help_text="Their plan is reviewed every six months where any of these apply. Select "
                  "all that apply",
        error_messages={"invalid_choice": "Select from the list"},
    )
    note = _textarea("Anything else about their circumstances",
                     help_text="For example, who they see in a week, or how their condition "
                               "changes")

    @staticmethod
    def initial_for(circumstances: ReviewCircumstances | None) -> dict[str, Any]:
        if circumstances is None:
            return {"version": 1, "applies": [], "note": ""}
        return {"version": circumstances.version, "note": circumstances.note,
                "applies": [n for n in CIRCUMSTANCES if getattr(circumstances, n)]}

    def service_data(self) -> dict[str, Any]:
        applies = set(self.cleaned_data["applies"])
        return {**{name: name in applies for name in CIRCUMSTANCES},
                "note": self.cleaned_data["note"]}


DP_NOTE_LABELS = {"dp_insurance": "Insurance: notes", "dp_pa_training": "Training: notes",
                  "dp_employer_duties": "Employer's duties: notes",
                  "dp_provider_registration": "Registration of providers: notes"}


class StartForm(NHSForm):
    version = VersionField()


def comment_field(outcome: Outcome) -> str:
    return f"comment_{outcome.pk}"


class ReviewForm(NHSForm):
    """The review, outcome by outcome, then the budget, risks, the direct payment's
    obligations and the coming year's priorities. Budget questions appear only with a budget;
    the direct payment's only with a direct payment. Every answer may wait: finishing the
    review is where the service asks for them."""

    version = VersionField()

    def __init__(self, *args: Any, review: Review, outcomes: Iterable[Outcome],
                 has_budget: bool, has_direct_payment: bool, **kwargs: Any) -> None:
        results: Mapping[Any, ReviewOutcome] = {r.outcome_id: r
                                                for r in review.outcome_results.all()}
        self.outcomes = list(outcomes)
        initial = {"version": review.version,
                   **{name: getattr(review, name) for name in self._review_fields(
                       has_budget, has_direct_payment)}}
        for outcome in self.outcomes:
            found = results.get(outcome.pk)
            initial[outcome_field(outcome)] = found.result if found else ""
            initial[comment_field(outcome)] = found.comment if found else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for number, outcome in enumerate(self.outcomes, start=1):
            self.fields[outcome_field(outcome)] = forms.ChoiceField(
                label=f"Outcome {number}: “{outcome.text}”", required=False,
                widget=forms.RadioSelect, choices=OutcomeResult.choices,
                help_text="How far has this outcome got?",
                error_messages={"invalid_choice": "Select how far the outcome has got"})
            self.fields[comment_field(outcome)] = _textarea(
                f"Comment on outcome {number}",
                help_text="What helped, what got in the way, what changes next")
        if has_budget:
            self.fields["budget_use"] = _textarea(
                "How the budget was used",
                help_text="What it paid for, what worked, anything not spent or overspent")
        self.fields["risks_changes"] = _textarea(
            "New or changed risks",
            help_text="Risks that are new, have changed or have gone, and how they are managed")
        if has_direct_payment:
            for name, question in DP_OBLIGATIONS.items():
                self.fields[name] = forms.ChoiceField(
                    label=question, required=False, widget=forms.RadioSelect,
                    choices=Met.choices, error_messages={"invalid_choice": "Select an answer"})
                self.fields[f"{name}_note"] = _textarea(
                    DP_NOTE_LABELS[name],
                    help_text="If the answer is no, say what is missing and what will be done")
        if has_budget:
            self.fields["budget_suffices"] = forms.ChoiceField(
                label="Is the budget still enough to meet their outcomes?", required=False,
                widget=forms.RadioSelect,
                choices=[c for c in Suffices.choices if c[0] != Suffices.NO_BUDGET],
                error_messages={"invalid_choice": "Select yes or no"})
        self.fields["priorities"] = _textarea(
            "Priorities for the coming year", help_text="In the person's words")

    @staticmethod
    def _review_fields(has_budget: bool, has_direct_payment: bool) -> list[str]:
        names = ["risks_changes", "priorities"]
        if has_budget:
            names += ["budget_use", "budget_suffices"]
        if has_direct_payment:
            names += [f for name in DP_OBLIGATIONS for f in (name, f"{name}_note")]
        return names

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: value for name, value in self.cleaned_data.items()
                                if name != "version" and not name.startswith(("result_",
                                                                              "comment_"))}
        data["outcome_results"] = [
            {"outcome": outcome, "result": self.cleaned_data.get(outcome_field(outcome)) or "",
             "comment": self.cleaned_data.get(comment_field(outcome)) or ""}
            for outcome in self.outcomes]
        return data
