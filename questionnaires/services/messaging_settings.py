"""Saving a service's reminder and sending settings (MSG-5), checked and audited. The rules
are here, in plain words, so that the lead's page and any other caller say the same."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from questionnaires.models import MessagingSettings, Service, StaffUser
from questionnaires.selectors.messaging_settings import ReminderSettings
from questionnaires.services import audit

MAX_REMINDERS = 3
EARLIEST_HOUR, LATEST_HOUR = 7, 21
MAX_T2_WEEKS = 104


class InvalidSettings(Exception):
    def __init__(self, problems: dict[str, StrPromise]) -> None:
        super().__init__("invalid messaging settings")
        self.problems = problems


def problems(chosen: ReminderSettings) -> dict[str, StrPromise]:
    """What is wrong with these settings, by field, in plain words (empty when all is well)."""
    found: dict[str, StrPromise] = {}
    days = chosen.reminder_days
    if any(day < 1 for day in days):
        found["reminder_days"] = _("Reminder days must be 1 or more")
    elif any(later <= earlier for earlier, later in zip(days, days[1:], strict=False)):
        found["reminder_days"] = _("Put the reminder days in order, smallest first, like 3, 7")
    elif len(days) > MAX_REMINDERS:
        found["reminder_days"] = _("Enter at most 3 reminder days")
    if not 0 <= chosen.max_reminders <= MAX_REMINDERS:
        found["max_reminders"] = _("The number of reminders must be between 0 and 3")
    elif chosen.max_reminders > len(days) and "reminder_days" not in found:
        found["max_reminders"] = _("Enter a reminder day for each reminder")
    for field, hour in (("send_from_hour", chosen.send_from_hour),
                        ("send_until_hour", chosen.send_until_hour)):  # fmt: skip
        if not EARLIEST_HOUR <= hour <= LATEST_HOUR:
            found[field] = _("Sending hours must be between 7 (7am) and 21 (9pm)")
    if not found.keys() & {"send_from_hour", "send_until_hour"} and (
        chosen.send_from_hour >= chosen.send_until_hour
    ):
        found["send_until_hour"] = _("The sending hours must end after they start")
    if not 1 <= chosen.t2_weeks <= MAX_T2_WEEKS:
        found["t2_weeks"] = _("The weeks to the end questionnaire must be between 1 and 104")
    return found


@transaction.atomic
def save_settings(service: Service, chosen: ReminderSettings, actor: StaffUser) -> None:
    """Store the service's settings (MSG-5); the audit event names what changed, not why."""
    found = problems(chosen)
    if found:
        raise InvalidSettings(found)
    values = {
        "reminder_days": ",".join(str(day) for day in chosen.reminder_days),
        "max_reminders": chosen.max_reminders,
        "send_from_hour": chosen.send_from_hour,
        "send_until_hour": chosen.send_until_hour,
        "t2_weeks": chosen.t2_weeks,
    }
    before = MessagingSettings.objects.select_for_update().filter(service=service).first()
    changed = sorted(
        field
        for field, value in values.items()
        if before is None or getattr(before, field) != value
    )
    MessagingSettings.objects.update_or_create(
        service=service, defaults=values | {"updated_by": actor}
    )
    audit.record("messaging_settings.changed", actor, service, fields=",".join(changed), **values)
