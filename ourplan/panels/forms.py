"""Page forms for referrals to a risk enablement panel. They only shape input; the services
decide what is allowed and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.accounts.models import User
from ourplan.core.forms import NHSDateField, NHSForm
from ourplan.panels import models as m
from ourplan.panels import services
from ourplan.panels.workflow import HardDecisionReason, ReferralStatus, SharedHow
from ourplan.people.forms import VersionField

OPTION_SLOTS = 4
OPTION_PARTS = {
    "description": ("Describe the option", "Describe option {n}"),
    "benefits": ("What it could make better for the person",
                 "Say what option {n} could make better for the person"),
    "risks": ("What could go wrong", "Say what could go wrong with option {n}, or that you know "
                                     "of no risks"),
}
NONE = "none"
ANY = "any"


def _text(label: str, *, required: str = "", limit: int = 2000, help_text: str = "") -> Any:
    return forms.CharField(
        label=label, widget=forms.Textarea, required=bool(required), max_length=limit,
        help_text=help_text,
        error_messages={"required": required,
                        "max_length": f"Keep it to {limit:,} characters or fewer"},
    )


class ReferralForm(NHSForm):
    question = _text("What is the panel asked to decide?", required=m.QUESTION_REQUIRED,
                     help_text="One question the panel can answer")
    reason = forms.ChoiceField(
        label="Why is this a hard decision?", widget=forms.RadioSelect,
        choices=HardDecisionReason.choices,
        error_messages={"required": m.REASON_REQUIRED,
                        "invalid_choice": m.REASON_REQUIRED},
        help_text="Panels are for hard decisions only. Decisions that can be made close to the "
                  "person are made there",
    )
    reason_details = _text("Tell the panel more about why it is hard",
                           help_text="Needed if you selected something else")
    person_view = _text("What does the person think?", required=m.PERSON_VIEW_REQUIRED,
                        help_text="In their words. If someone spoke for them, say who")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The first two options are needed; more are optional, each all or nothing.
        for n in range(1, OPTION_SLOTS + 1):
            for part, (label, missing) in OPTION_PARTS.items():
                self.fields[f"option_{n}_{part}"] = _text(
                    label, limit=1000 if part == "description" else 2000,
                    required=missing.format(n=n) if n <= services.FEWEST_OPTIONS else "")

    def option_slots(self) -> list[tuple[int, bool, list[forms.BoundField]]]:
        """Each option's number, whether it is needed, and its fields."""
        return [(n, n <= services.FEWEST_OPTIONS,
                 [self[f"option_{n}_{part}"] for part in OPTION_PARTS])
                for n in range(1, OPTION_SLOTS + 1)]

    def _used_slots(self) -> list[int]:
        cleaned = self.cleaned_data
        return [n for n in range(1, OPTION_SLOTS + 1)
                if n <= services.FEWEST_OPTIONS
                or any((cleaned.get(f"option_{n}_{part}") or "").strip()
                       for part in OPTION_PARTS)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n in self._used_slots():
            for part, (_, missing) in OPTION_PARTS.items():
                name = f"option_{n}_{part}"
                if name not in self.errors and not (cleaned.get(name) or "").strip():
                    self.add_error(name, missing.format(n=n))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            **{name: cleaned[name] for name in services.REFERRAL_FIELDS},
            "options": [{part: cleaned[f"option_{n}_{part}"] for part in OPTION_PARTS}
                        for n in self._used_slots()],
        }


class DecisionForm(NHSForm):
    version = VersionField()
    panel_date = NHSDateField(label="The date of the panel")
    member_users = forms.ModelMultipleChoiceField(
        label="Panel members who use Ourplan", queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": services.MEMBER_NOT_IN_ICB,
                        "invalid_pk_value": services.MEMBER_NOT_IN_ICB},
    )
    members = _text("Who else was on the panel",
                    help_text="One person a line: their name and role, for example "
                              "Asha Patel, clinical director")
    chosen_option = forms.ChoiceField(
        label="Which option did the panel choose?", widget=forms.RadioSelect,
        error_messages={"required": services.CHOICE_REQUIRED,
                        "invalid_choice": services.NOT_THIS_REFERRALS_OPTION},
    )
    none_reason = _text("Why did the panel choose none of them?",
                        help_text="Only if the panel chose none of these options")
    decision = _text("The decision, in plain words", required=services.DECISION_REQUIRED,
                     help_text="The person will read this")
    rationale = _text("Why the panel decided this", required=services.RATIONALE_REQUIRED,
                      limit=4000,
                      help_text="What the panel weighed up: the risks, the benefits and what "
                                "matters to the person")
    conditions = _text("Conditions of the decision",
                       help_text="For example, what must be in place for it to stand")
    review_date = NHSDateField(label="When should the decision be looked at again?",
                               required=False)

    def __init__(self, *args: Any, options: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen_option"].choices = [  # type: ignore[attr-defined]
            *[(str(o.pk), f"Option {o.position}: {o.description}") for o in options],
            (NONE, "None of these"),
        ]
        users = self.fields["member_users"]
        users.queryset = candidates  # type: ignore[attr-defined]
        users.label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u}, {u.job_title or u.get_role_display()}")

    def service_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        none = cleaned["chosen_option"] == NONE
        return {
            "panel_date": cleaned["panel_date"],
            "members": cleaned["members"],
            "member_users": list(cleaned["member_users"]),
            "chosen_option": None if none else cleaned["chosen_option"],
            # A reason left over from a change of mind is not kept.
            "none_reason": cleaned["none_reason"] if none else "",
            "decision": cleaned["decision"],
            "rationale": cleaned["rationale"],
            "conditions": cleaned["conditions"],
            "review_date": cleaned["review_date"],
        }


class _OnReferral(NHSForm):
    """A form about a saved referral: after a stale version, the page compares what was saved
    with what was entered (`instance`)."""

    version = VersionField()

    def __init__(self, *args: Any, instance: m.PanelReferral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance


class ShareForm(_OnReferral):
    shared_on = NHSDateField(label="The date it was shared with the person")
    shared_how = forms.ChoiceField(
        label="How was it shared?", widget=forms.RadioSelect, choices=SharedHow.choices,
        error_messages={"required": services.SHARED_HOW_REQUIRED,
                        "invalid_choice": services.SHARED_HOW_REQUIRED},
    )


class PrincipleForm(_OnReferral):
    principle_summary = _text(
        "The principle, in plain words", required=services.PRINCIPLE_REQUIRED, limit=1000,
        help_text="What others in the ICB can follow when a decision like this comes up again. "
                  "No names or anything else that could say who it was about",
    )


class SearchForm(NHSForm):
    q = forms.CharField(label="Search past decisions", required=False, max_length=200,
                        help_text="Words from the question, the decision, the reasons or the "
                                  "principle")
    # "any" rather than an empty choice, which the NHS.UK select would call "Select an option".
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[(ANY, "Any status"), *ReferralStatus.choices])
    reason = forms.ChoiceField(label="Why it was hard", required=False,
                               choices=[(ANY, "Any reason"), *HardDecisionReason.choices])
    principles_only = forms.BooleanField(label="Local principles only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "reason"):
            self.fields[name].error_messages["invalid_choice"] = "Select from the list"

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        cleaned = self.cleaned_data
        return {"query": cleaned["q"],
                "status": "" if cleaned["status"] == ANY else cleaned["status"],
                "reason": "" if cleaned["reason"] == ANY else cleaned["reason"],
                "principles_only": cleaned["principles_only"]}


class PrinciplesSearchForm(NHSForm):
    q = forms.CharField(label="Search the principles", required=False, max_length=200)

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_bound and self.is_valid() else ""
