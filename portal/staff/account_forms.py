"""The staff sign-in form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class StaffLoginForm(AuthenticationForm):
    # AUTH-4: one generic message whatever was wrong, so it tells an attacker nothing.
    error_messages = {
        "invalid_login": _("The username or password is not right. Check them and try again."),
        "inactive": _("The username or password is not right. Check them and try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "nhsuk-input", "autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "nhsuk-input", "autocomplete": "current-password"}
        )
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")


class StaffPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Your current password is not right. Enter it again."),
        "password_mismatch": _("The two new passwords are not the same. Enter them again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, autocomplete in (
            ("old_password", "current-password"),
            ("new_password1", "new-password"),
            ("new_password2", "new-password"),
        ):
            self.fields[name].widget.attrs.update(
                {"class": "nhsuk-input", "autocomplete": autocomplete}
            )
        self.fields["old_password"].error_messages["required"] = _("Enter your current password")
        self.fields["new_password1"].error_messages["required"] = _("Enter a new password")
        self.fields["new_password2"].error_messages["required"] = _("Enter the new password again")
