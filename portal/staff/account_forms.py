"""The staff sign-in form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm


class StaffLoginForm(AuthenticationForm):
    # AUTH-4: one generic message whatever was wrong, so it tells an attacker nothing.
    error_messages = {
        "invalid_login": "The username or password is not right. Check them and try again.",
        "inactive": "The username or password is not right. Check them and try again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "nhsuk-input", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "nhsuk-input", "autocomplete": "current-password"}
        )
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
