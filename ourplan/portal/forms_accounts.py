"""Forms for portal accounts: inviting someone, accepting an invitation, one-time codes, and
passwords (a new one when it is forgotten, and changing it)."""

from __future__ import annotations

from typing import Any

from django import forms

from ourplan.core.forms import NHSForm
from ourplan.people.models import PersonalContact
from ourplan.portal.models import Capacity

PASSWORDS_DIFFER = "The passwords do not match. Enter the same password twice"
CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 numbers, like 123456"


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.relationship})"


class InviteForm(NHSForm):
    """A coordinator invites someone to the person's portal."""

    capacity = forms.ChoiceField(
        label="Who are you inviting?", choices=Capacity.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who you are inviting"},
    )
    contact = ContactChoiceField(
        label="Who in their circle", queryset=PersonalContact.objects.none(), required=False,
        help_text="Not needed when inviting the person themselves",
        error_messages={"invalid_choice": "Select someone in their circle"},
    )
    email = forms.EmailField(
        label="Email address", required=False, max_length=254,
        help_text="Leave empty to use the email address on their record",
        error_messages={"invalid": "Enter an email address in the correct format, "
                                   "like name@example.com"},
    )

    def __init__(self, *args: Any, circle: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        if circle is not None:
            field.queryset = circle
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class CircleInviteForm(NHSForm):
    """The person invites someone they share their plan with."""

    email = forms.EmailField(
        label="Their email address", max_length=254,
        error_messages={"required": "Enter their email address",
                        "invalid": "Enter an email address in the correct format, "
                                   "like name@example.com"},
    )


def _passwords_match(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    """A new password is typed twice: say so beside the second if they differ."""
    first, second = data.get("password"), data.get("password_confirm")
    if first and second and first != second:
        form.add_error("password_confirm", PASSWORDS_DIFFER)
    return data


class AcceptForm(NHSForm):
    """Make a portal account from an invitation."""

    given_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter your first name"})
    family_name = forms.CharField(label="Last name", max_length=150,
                                  error_messages={"required": "Enter your last name"})
    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="You will use this to sign in",
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address in the correct format, "
                                   "like name@example.com"},
    )
    password = forms.CharField(
        label="Create a password", strip=False,
        help_text="At least 12 characters. A few words you will remember are a good choice",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password_confirm = forms.CharField(
        label="Enter the password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["family_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})

    def clean(self) -> dict[str, Any]:
        return _passwords_match(self, super().clean() or {})


class CodeForm(NHSForm):
    """A 6-digit code from an authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app", max_length=10,
        error_messages={"required": CODE_REQUIRED},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
        })

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data.get("code", "")).split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(CODE_FORMAT)
        return code


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
NEW_PASSWORD_HELP = "At least 12 characters. A few words you will remember are a good choice"


class ForgottenPasswordForm(NHSForm):
    """The address to send a link for a new password to."""

    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="The email address your Ourplan account uses",
        error_messages={"required": "Enter your email address", "invalid": EMAIL_FORMAT},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class NewPasswordForm(NHSForm):
    """A new password, typed twice."""

    password = forms.CharField(
        label="New password", strip=False, help_text=NEW_PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    password_confirm = forms.CharField(
        label="Enter the new password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    def clean(self) -> dict[str, Any]:
        return _passwords_match(self, super().clean() or {})


class PasswordChangeForm(NewPasswordForm):
    """The current password, then a new one typed twice."""

    current_password = forms.CharField(
        label="Current password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password"},
    )
    field_order = ["current_password", "password", "password_confirm"]
