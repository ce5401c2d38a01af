"""Page forms for consent to share. They shape input into the records the service takes; the
service decides what is allowed (dates, purpose, who may be chosen)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ourplan.consent.models import PURPOSE_REQUIRED, Grantee
from ourplan.consent.selectors import SharingChoices
from ourplan.consent.services import GRANTEE_REQUIRED, PURPOSE_TOO_LONG
from ourplan.core.forms import NHSDateField, NHSForm

CONFIRM_REQUIRED = "Confirm that the person (or their representative) agreed to this"
NOBODY_YET = "There is nobody to choose yet: search for an organisation above"

# grantee kind -> the service's keyword (and the choices' attribute) for the one target
TARGETS: dict[str, str] = {
    Grantee.CIRCLE: "contact",
    Grantee.STAFF: "staff",
    Grantee.TEAM: "team",
    Grantee.ORGANISATION: "organisation",
}
# grantee kind -> its list in SharingChoices
OFFERED: dict[str, str] = {
    Grantee.CIRCLE: "contacts",
    Grantee.STAFF: "staff",
    Grantee.TEAM: "teams",
    Grantee.ORGANISATION: "organisations",
}
GROUP_LABELS: dict[str, str] = {
    Grantee.CIRCLE: "People in your circle",
    Grantee.STAFF: "Staff involved in the care",
    Grantee.TEAM: "Teams involved in the care",
    Grantee.ORGANISATION: "Organisations",
}


def _describe(kind: str, record: Any) -> str:
    if kind == Grantee.CIRCLE:
        return f"{record.name} ({record.relationship})" if record.relationship else record.name
    if kind == Grantee.STAFF:
        return ", ".join(p for p in (
            record.get_full_name() or record.username,
            record.job_title or record.get_role_display(),
            record.organisation.name if record.organisation else "") if p)
    if kind == Grantee.TEAM:
        return f"{record.name}, {record.organisation.name}"
    return str(record.name)


class GrantForm(NHSForm):
    """One select, `who`, its options grouped by kind (an <optgroup> each) and valued
    "<kind>:<id>", instead of radios with conditional reveals."""

    group_labels = GROUP_LABELS

    who = forms.ChoiceField(
        label="Who do you want to share the plan with?", widget=forms.Select,
        error_messages={"required": GRANTEE_REQUIRED, "invalid_choice": GRANTEE_REQUIRED})
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
        # "<kind>:<id>" -> the record the service takes
        self.records: dict[str, Any] = {
            f"{kind}:{record.pk}": record
            for kind, name in OFFERED.items() for record in getattr(choices, name)}
        # Empty kinds are left out: no empty <optgroup>.
        self.groups: list[tuple[str, list[tuple[str, str]]]] = [
            (self.group_labels[kind],
             [(f"{kind}:{record.pk}", _describe(kind, record))
              for record in getattr(choices, name)])
            for kind, name in OFFERED.items() if getattr(choices, name)]
        who = self.fields["who"]
        who.choices = [("", "Select an option"), *self.groups]  # type: ignore[attr-defined]
        if not self.groups:
            who.help_text = NOBODY_YET

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        record = self.records.get(str(data.get("who") or ""))
        if record is None:
            if "who" not in self.errors:
                self.add_error("who", GRANTEE_REQUIRED)
            return data
        data["grantee"] = Grantee(str(data["who"]).split(":", 1)[0])
        data["target"] = record
        return data

    def service_data(self) -> dict[str, Any]:
        grantee = self.cleaned_data["grantee"]
        return {
            "grantee": grantee,
            TARGETS[grantee]: self.cleaned_data["target"],
            "purpose": self.cleaned_data["purpose"],
            "start_date": self.cleaned_data["start_date"],
            "end_date": self.cleaned_data["end_date"],
        }


class StaffGrantForm(GrantForm):
    """Staff record consent the person gave them, so they confirm it was given."""

    group_labels = {**GROUP_LABELS, Grantee.CIRCLE: "People in their circle"}

    confirmed = forms.BooleanField(
        label="The person (or their representative) agreed to share their plan like this",
        error_messages={"required": CONFIRM_REQUIRED})


class ConfirmForm(NHSForm):
    """Nothing to fill in: the button is the answer."""
