from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from ourplan.core.forms import error_summary

SIGN_IN_FAILED = "Enter a correct username and password. Both are case-sensitive"
USERNAME_REQUIRED = "Enter your username"
PASSWORD_REQUIRED = "Enter your password"


class SignInForm(AuthenticationForm):
    label_suffix = ""
    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": "This account has been switched off. Ask your administrator",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = USERNAME_REQUIRED
        self.fields["password"].error_messages["required"] = PASSWORD_REQUIRED
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )

    def error_summary(self) -> list[dict[str, str]]:
        items = error_summary(self)
        # A failed sign-in belongs to the username field.
        return [{**i, "href": "#id_username"} if i["href"] == "#main-form" else i for i in items]
