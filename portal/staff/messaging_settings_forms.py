"""The service lead's reminder and sending settings (MSG-5). The rules live in
`services.messaging_settings.problems`; this form turns the page's text into numbers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.selectors.messaging_settings import ReminderSettings, parse_days
from questionnaires.services import messaging_settings

HOURS = [(hour, f"{hour}:00") for hour in range(7, 22)]


def _hour_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=HOURS,
        coerce=int,
        error_messages={
            "required": _("Choose an hour"),
            "invalid_choice": _("Sending hours must be between 7 (7am) and 21 (9pm)"),
        },
    )


class MessagingSettingsForm(forms.Form):
    reminder_days = forms.CharField(
        label=_("Reminder days"),
        help_text=_(
            "Days after the link is sent, smallest first, separated by commas. For example, 3, 7"
        ),
        required=False,
        max_length=20,
    )
    max_reminders = forms.IntegerField(
        label=_("Most reminders to send"),
        help_text=_("0 to 3. 0 means no reminders."),
        error_messages={
            "required": _("Enter the most reminders to send, from 0 to 3"),
            "invalid": _("Enter a whole number, from 0 to 3"),
        },
    )
    send_from_hour = _hour_field(_("Send messages from"))
    send_until_hour = _hour_field(_("Send messages until"))
    t2_weeks = forms.IntegerField(
        label=_("Psychotherapy: weeks from the start to the end questionnaire"),
        help_text=_("Clinicians can still change the date for each family."),
        error_messages={
            "required": _("Enter the number of weeks"),
            "invalid": _("Enter a whole number of weeks, like 20"),
        },
    )

    def clean_reminder_days(self) -> tuple[int, ...]:
        try:
            return parse_days(str(self.cleaned_data.get("reminder_days", "")))
        except ValueError:
            raise forms.ValidationError(
                _("Enter the reminder days as whole numbers separated by commas, like 3, 7")
            ) from None

    def chosen(self) -> ReminderSettings:
        data = self.cleaned_data
        return ReminderSettings(
            reminder_days=data["reminder_days"],
            max_reminders=data["max_reminders"],
            send_from_hour=data["send_from_hour"],
            send_until_hour=data["send_until_hour"],
            t2_weeks=data["t2_weeks"],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for field, problem in messaging_settings.problems(self.chosen()).items():
                self.add_error(field, problem)
        return data
