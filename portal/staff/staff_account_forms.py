"""The administrator's staff-account forms: a new member of staff, and an account's roles. The
service is always the administrator's own (AZ-4); no form here can make a superuser."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from questionnaires.models import StaffUser
from questionnaires.roles import ROLE_LABELS, Role
from questionnaires.selectors.staff import username_taken

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Roles"),
            help_text=_(
                "Select all that apply. An administrator runs staff accounts and reads "
                "the audit trail, but sees no answers."
            ),
            choices=ROLE_CHOICES,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Select at least one role")},
            **kwargs,
        )

    def roles(self, values: list[str]) -> list[Role]:
        return [Role(value) for value in values]


class RolesForm(forms.Form):
    roles = RolesField()


class NewStaffForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={
            "required": _("Enter their first name"),
            "max_length": _("First name must be 150 characters or fewer"),
        },
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={
            "required": _("Enter their last name"),
            "max_length": _("Last name must be 150 characters or fewer"),
        },
    )
    username = forms.RegexField(
        label=_("Username"),
        help_text=_("What they type to sign in. Letters, numbers and . @ + - _ only."),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "required": _("Enter a username"),
            "invalid": _("Username must use only letters, numbers and . @ + - _"),
            "max_length": _("Username must be 150 characters or fewer"),
        },
    )
    roles = RolesField()
    password = forms.CharField(
        label=_("First password"),
        help_text=_(
            "At least 12 characters. Give it to them in person; they choose their own "
            "after signing in, and set up an authenticator app."
        ),
        strip=False,
        error_messages={"required": _("Enter a first password")},
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if username_taken(username):
            raise ValidationError(_("That username is taken. Choose another"))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = StaffUser(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(password, candidate)  # AUTH-1: the same rules everywhere
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned
