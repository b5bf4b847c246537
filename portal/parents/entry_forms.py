"""What a parent types to get in: a code at /start, or their details to join a group (or to be
matched when they come back at the end)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.date_input import DateInputField
from questionnaires import baby_dates
from questionnaires.models import Relationship


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enter your code"),
        help_text=_(
            "It is on your letter, text message or the screen in your group. "
            "For example, K7QP-M2XD."
        ),
        max_length=20,
        error_messages={
            "required": _("Enter the code you were given"),
            "max_length": _("Enter the code you were given. It has 6 or 8 letters and numbers"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class JoinForm(forms.Form):
    nickname = forms.CharField(
        label=_("Your first name or a nickname"),
        help_text=_("Only your group leader and your team will see it."),
        max_length=40,
        error_messages={
            "required": _("Enter your first name or a nickname"),
            "max_length": _("Your name must be 40 characters or fewer"),
        },
    )
    relationship = forms.ChoiceField(
        label=_("Who are you to the baby?"),
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who you are to the baby"),
            "invalid_choice": _("Select who you are to the baby"),
        },
    )
    baby_date = DateInputField(
        label=_("Your baby's date of birth"),
        help_text=_("If your baby is not born yet, give the due date. For example, 27 3 2026."),
    )

    def clean_nickname(self) -> str:
        return " ".join(self.cleaned_data["nickname"].split())

    def clean_baby_date(self) -> date:
        value: date | None = self.cleaned_data.get("baby_date")
        if value is None:
            raise forms.ValidationError(_("Enter your baby's date of birth, or their due date"))
        today = timezone.localdate()
        if value > baby_dates.latest_due_date(today):
            raise forms.ValidationError(_("The due date must be within the next 10 months"))
        if value < baby_dates.oldest_birth_date(today):
            raise forms.ValidationError(_("Check the year of your baby's date of birth"))
        return value


class GroupNoticeForm(forms.Form):
    """The group's privacy notice: the parent agrees before giving any details."""

    consent = forms.ChoiceField(
        label=_("Do you agree to answer the questions?"),
        choices=[("yes", _("Yes, I agree")), ("no", _("No, I do not agree"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if you agree to answer the questions"),
            "invalid_choice": _("Select yes if you agree to answer the questions"),
        },
    )
