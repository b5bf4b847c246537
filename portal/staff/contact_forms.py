"""The parent's contact details and choice, and the end (T2) date, on the family record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import ChannelChoice
from questionnaires.services import contacts

INVALID_MOBILE = _("Enter a UK mobile number, like 07700 900 982")
NEEDS_MOBILE = _("Enter a mobile number, or choose another way")
NEEDS_EMAIL = _("Enter an email address, or choose another way")


class ContactForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), required=False, max_length=20)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.com")},
    )
    channel = forms.ChoiceField(
        label=_("How the parent agreed to get their links and reminders"),
        choices=[
            (ChannelChoice.TEXT, _("Text message")),
            (ChannelChoice.EMAIL, _("Email")),
            (ChannelChoice.NEITHER, _("Neither")),
        ],
        widget=forms.RadioSelect,
    )

    def clean_mobile(self) -> str:
        mobile = str(self.cleaned_data.get("mobile", "")).strip()
        if not mobile:
            return ""
        try:
            return contacts.normalise_uk_mobile(mobile)
        except contacts.InvalidMobile:
            raise forms.ValidationError(INVALID_MOBILE) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("channel")
        if channel == ChannelChoice.TEXT and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", NEEDS_MOBILE)
        if channel == ChannelChoice.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", NEEDS_EMAIL)
        return data


class T2Form(forms.Form):
    planned_on = forms.DateField(
        label=_("End (T2) date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the end (T2) date"),
            "invalid": _("Enter a real date"),
        },
    )
    action = forms.ChoiceField(choices=[("plan", "plan"), ("schedule", "schedule")])
