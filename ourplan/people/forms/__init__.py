"""Forms for a person, their circle and their care team, rendered as NHS.UK components.

Field rules live on the models and in the services; these forms only shape the input (widgets,
labels, the date boxes, which teams and practices may be chosen)."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.accounts.models import Organisation, OrganisationKind, Role, Team, User
from ourplan.core.forms import NHSDateField, NHSForm, NHSModelForm
from ourplan.people.choices import ContactType, InformationFormat, RepresentativeBasis
from ourplan.people.models import CareTeamMember, Person, PersonalContact
from ourplan.people.services import CARE_TEAM_FIELDS, CONTACT_FIELDS, PERSON_FIELDS

SEX_REQUIRED = "Select their sex"
GIVEN_NAME_REQUIRED = "Enter their first name"
FAMILY_NAME_REQUIRED = "Enter their last name"
TEAM_REQUIRED = "Select the team whose caseload they join"
NAME_REQUIRED = "Enter their full name"
RELATIONSHIP_REQUIRED = "Enter their relationship to the person, for example wife or neighbour"
ROLE_REQUIRED = "Enter their role, for example GP or district nurse"


class VersionField(forms.IntegerField):
    """The version of the record the form was opened on (detects concurrent edits)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class PersonForm(NHSModelForm):
    date_of_birth = NHSDateField(label="Date of birth")
    information_formats = forms.MultipleChoiceField(
        label="Formats they need information in",
        choices=InformationFormat.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The Accessible Information Standard. Select all that apply",
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "sex": forms.RadioSelect,
            "gender_same_as_sex_at_birth": forms.RadioSelect,
            "disability": forms.RadioSelect,
            "communication_needs": forms.Textarea,
        }
        error_messages = {
            "sex": {"required": SEX_REQUIRED},
            "given_name": {"required": GIVEN_NAME_REQUIRED},
            "family_name": {"required": FAMILY_NAME_REQUIRED},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practice = self.fields["gp_practice"]
        practice.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.GP_PRACTICE
        )
        practice.empty_label = "Select a GP practice"  # type: ignore[attr-defined]
        practice.error_messages["invalid_choice"] = "Select a GP practice from the list"
        self.fields["sex"].choices = [c for c in self.fields["sex"].choices if c[0]]  # type: ignore[attr-defined]
        for name in ("gender_same_as_sex_at_birth", "disability"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class PersonAddForm(PersonForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Whose caseload are they joining?",
        error_messages={"required": TEAM_REQUIRED, "invalid_choice": TEAM_REQUIRED},
        empty_label=None, widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = user.teams.all()  # type: ignore[attr-defined]


class PersonEditForm(PersonForm):
    version = VersionField()


class PersonalContactForm(NHSModelForm):
    contact_types = forms.MultipleChoiceField(
        label="What are they to the person?", choices=ContactType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply",
    )

    class Meta:
        model = PersonalContact
        fields = CONTACT_FIELDS
        widgets = {"representative_basis": forms.RadioSelect, "address": forms.Textarea,
                   "notes": forms.Textarea}
        error_messages = {
            "name": {"required": NAME_REQUIRED},
            "relationship": {"required": RELATIONSHIP_REQUIRED},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["representative_basis"].choices = RepresentativeBasis.choices  # type: ignore[attr-defined]
        self.fields["representative_basis"].help_text = "Only if they are a representative"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}


class PersonalContactEditForm(PersonalContactForm):
    version = VersionField()


class RemoveForm(NHSForm):
    version = VersionField()


class CareTeamMemberForm(NHSModelForm):
    start_date = NHSDateField(label="Start date")
    end_date = NHSDateField(label="End date", required=False,
                            help_text="Leave empty while they are still on the care team")

    class Meta:
        model = CareTeamMember
        fields = CARE_TEAM_FIELDS
        labels = {"user": "Member of staff",
                  "is_named_coordinator": "This is their named coordinator"}
        error_messages = {"role": {"required": ROLE_REQUIRED}}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = user.organisation
        staff = self.fields["user"]
        staff.queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True).exclude(role=Role.PERSON).order_by("last_name"))
        staff.empty_label = "Not an Ourplan user"  # type: ignore[attr-defined]
        staff.help_text = "Choose them if they use Ourplan, or type their name below"
        self.fields["name"].help_text = "If they do not use Ourplan"
        self.fields["team"].queryset = (  # type: ignore[attr-defined]
            Team.objects.filter(organisation=org) if org else Team.objects.all()
        )
        self.fields["organisation"].queryset = Organisation.objects.all()  # type: ignore[attr-defined]
        self.fields["is_named_coordinator"].help_text = (
            "The one person the person chose as their consistent contact"
        )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CARE_TEAM_FIELDS}


class CareTeamMemberEditForm(CareTeamMemberForm):
    version = VersionField()


class CaseloadSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or NHS number", required=False, max_length=100)
