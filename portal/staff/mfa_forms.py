"""Typing a code from an authenticator app (or a recovery code) (AUTH-3)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=(
            _("The 6-digit code your authenticator app shows now, or one of your recovery codes.")
        ),
        max_length=20,
        error_messages={
            "required": _("Enter the code from your authenticator app"),
            "max_length": _("Enter the 6-digit code from your authenticator app"),
        },
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input nhsuk-input--width-10",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )


class SetupCodeForm(CodeForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["code"]
        field.help_text = _("The 6-digit code your authenticator app shows for this account.")
