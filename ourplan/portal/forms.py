"""Forms for the person's own pages and for staff answering what the person asked."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.core.forms import NHSForm, NHSModelForm
from ourplan.people.forms import VersionField
from ourplan.plans.models import Outcome
from ourplan.plans.workflow import Section, sections_for
from ourplan.portal.models import REQUEST_TEXT_MAX, REQUEST_TOO_LONG, CoordinatorChangeRequest

SECTION_NEEDED = "Select which part of your plan you would like changed"
TEXT_NEEDED = "Say what you would like changed"
OUTCOME_TEXT_NEEDED = "Write what you want to achieve, in your own words"
REASON_NEEDED = "Say why, so the person understands the decision"


def _long_text(label: str, *, required: bool, help_text: str = "",
               required_message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=REQUEST_TEXT_MAX, help_text=help_text,
        widget=forms.Textarea,
        error_messages={"required": required_message, "max_length": REQUEST_TOO_LONG})


class OwnOutcomeForm(NHSModelForm):
    """Only the wording of an outcome: the rest is for the person and their coordinator to
    agree together."""

    version = VersionField()

    class Meta:
        model = Outcome
        fields = ("text",)
        labels = {"text": "What you want to achieve, in your own words"}
        widgets = {"text": forms.Textarea}
        error_messages = {"text": {"required": OUTCOME_TEXT_NEEDED}}

    def service_data(self) -> dict[str, Any]:
        return {"text": self.cleaned_data["text"]}


class ProposalForm(NHSForm):
    section = forms.ChoiceField(
        label="Which part of your plan would you like changed?", widget=forms.RadioSelect,
        error_messages={"required": SECTION_NEEDED, "invalid_choice": SECTION_NEEDED})
    text = _long_text("What would you like changed, and why?", required=True,
                      help_text="Your coordinator will read this and answer you",
                      required_message=TEXT_NEEDED)

    def __init__(self, *args: Any, plan_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (s.value, Section(s).label) for s in sections_for(plan_kind)]


class ReviewAskForm(NHSForm):
    details = _long_text("What would you like to talk about? (optional)", required=False,
                         help_text="For example, something has changed, or part of your "
                                   "support is not working")


class CoordinatorChangeForm(NHSModelForm):
    class Meta:
        model = CoordinatorChangeRequest
        fields = ("reason", "preferred")
        widgets = {"reason": forms.Textarea}
        help_texts = {"preferred": "A name, or the kind of person, for example someone who "
                                   "speaks Polish"}
        error_messages = {"reason": {"required": "Say why you would like a different "
                                                 "coordinator",
                                     "max_length": REQUEST_TOO_LONG}}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VersionForm(NHSForm):
    """A button that changes a record: carries the version it was shown at."""

    version = VersionField()


class AnswerForm(NHSForm):
    """Staff answer a proposal or a request: a reason (needed when declining)."""

    version = VersionField()
    reason = _long_text("Reason, for the person to read", required=False,
                        help_text="Write it so the person understands it")

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].label = "Why are you declining it?"
            self.fields["reason"].error_messages["required"] = REASON_NEEDED


class OwnAgreeForm(NHSForm):
    """The person (or their representative) agrees the plan: each statement that applies."""

    version = VersionField()
    # The plan as it was read (plans.services.plan_fingerprint).
    read = forms.CharField(widget=forms.HiddenInput, max_length=64)
    agreements = forms.MultipleChoiceField(
        label="By agreeing, you are saying", widget=forms.CheckboxSelectMultiple,
        help_text="Tick each one",
        error_messages={"required": "Tick each statement to agree the plan. If you do not "
                                    "agree with one of them, propose a change or talk to your "
                                    "coordinator",
                        "invalid_choice": "Tick only the statements listed"})

    def __init__(self, *args: Any, needed: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreements"].choices = [  # type: ignore[attr-defined]
            (a.value, a.label) for a in needed]
