"""Page forms for consent to share. They shape input into the records the service takes; the
service decides what is allowed (dates, purpose, who may be chosen)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ourplan.consent.models import PURPOSE_REQUIRED, Grantee
from ourplan.consent.selectors import SharingChoices
from ourplan.consent.services import (
    CONTACT_REQUIRED,
    GRANTEE_REQUIRED,
    ORGANISATION_REQUIRED,
    PURPOSE_TOO_LONG,
    STAFF_REQUIRED,
    TEAM_REQUIRED,
)
from ourplan.core.forms import NHSDateField, NHSForm

CONFIRM_REQUIRED = "Confirm that the person (or their representative) agreed to this"

# grantee value -> (form field, label, message when nobody is selected)
TARGETS: dict[str, tuple[str, str, str]] = {
    Grantee.CIRCLE: ("contact", "Which family member, friend or carer?", CONTACT_REQUIRED),
    Grantee.STAFF: ("staff", "Which member of staff?", STAFF_REQUIRED),
    Grantee.TEAM: ("team", "Which team?", TEAM_REQUIRED),
    Grantee.ORGANISATION: ("organisation", "Which organisation?", ORGANISATION_REQUIRED),
}
GRANTEE_LABELS = {
    Grantee.CIRCLE: "A family member, friend or carer",
    Grantee.STAFF: "A named member of staff involved in the care",
    Grantee.TEAM: "A team involved in the care",
    Grantee.ORGANISATION: "An organisation",
}


def _choice(label: str, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, widget=forms.Select,
                             error_messages={"invalid_choice": message})


class GrantForm(NHSForm):
    grantee = forms.ChoiceField(
        label="Who do you want to share the plan with?", widget=forms.RadioSelect,
        error_messages={"required": GRANTEE_REQUIRED, "invalid_choice": GRANTEE_REQUIRED})
    contact = _choice(TARGETS[Grantee.CIRCLE][1], CONTACT_REQUIRED)
    staff = _choice(TARGETS[Grantee.STAFF][1], STAFF_REQUIRED)
    team = _choice(TARGETS[Grantee.TEAM][1], TEAM_REQUIRED)
    organisation = _choice(TARGETS[Grantee.ORGANISATION][1], ORGANISATION_REQUIRED)
    org_q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    purpose = forms.CharField(
        label="What may they see the plan for?", max_length=300,
        help_text="For example, to help me at my appointments",
        error_messages={"required": PURPOSE_REQUIRED, "max_length": PURPOSE_TOO_LONG})
    start_date = NHSDateField(label="Date sharing starts",
                              help_text="For example, 15 3 2026. Today or later")
    end_date = NHSDateField(label="Date sharing stops", required=False,
                            help_text="Leave it empty to share until you stop it. "
                                      "For example, 15 3 2027")

    def __init__(self, data: Any = None, *, choices: SharingChoices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.choices = choices
        self.records: dict[str, dict[str, Any]] = {
            "contact": {str(c.pk): c for c in choices.contacts},
            "staff": {str(u.pk): u for u in choices.staff},
            "team": {str(t.pk): t for t in choices.teams},
            "organisation": {str(o.pk): o for o in choices.organisations},
        }
        describe = {
            "contact": lambda c: f"{c.name} ({c.relationship})" if c.relationship else c.name,
            "staff": lambda u: ", ".join(p for p in (
                u.get_full_name() or u.username, u.job_title or u.get_role_display(),
                u.organisation.name if u.organisation else "") if p),
            "team": lambda t: f"{t.name}, {t.organisation.name}",
            "organisation": lambda o: o.name,
        }
        for name, records in self.records.items():
            self.fields[name].choices = [("", "")] + [  # type: ignore[attr-defined]
                (pk, describe[name](record)) for pk, record in records.items()]
        # Offer a kind only when there is someone to choose (organisations can be searched for).
        offered = [value for value, (name, _, _) in TARGETS.items()
                   if self.records[name] or value == Grantee.ORGANISATION]
        self.fields["grantee"].choices = [  # type: ignore[attr-defined]
            (value, GRANTEE_LABELS[Grantee(value)]) for value in offered]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        grantee = data.get("grantee")
        if grantee in TARGETS:
            name, _, message = TARGETS[grantee]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_data(self) -> dict[str, Any]:
        grantee = self.cleaned_data["grantee"]
        name = TARGETS[grantee][0]
        return {
            "grantee": grantee,
            name: self.records[name].get(self.cleaned_data[name]),
            "purpose": self.cleaned_data["purpose"],
            "start_date": self.cleaned_data["start_date"],
            "end_date": self.cleaned_data["end_date"],
        }


class StaffGrantForm(GrantForm):
    """Staff record consent the person gave them, so they confirm it was given."""

    confirmed = forms.BooleanField(
        label="The person (or their representative) agreed to share their plan like this",
        error_messages={"required": CONFIRM_REQUIRED})


class ConfirmForm(NHSForm):
    """Nothing to fill in: the button is the answer."""
