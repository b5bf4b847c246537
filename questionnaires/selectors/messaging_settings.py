"""A service's reminder and sending settings (MSG-5): the one place the scheduling code reads
them. A service without its own row gets the site-wide settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from questionnaires.models import MessagingSettings, Service


@dataclass(frozen=True)
class ReminderSettings:
    reminder_days: tuple[int, ...]
    max_reminders: int
    send_from_hour: int
    send_until_hour: int
    t2_weeks: int
    customised: bool = False

    @property
    def days_due(self) -> tuple[int, ...]:
        """The reminder days actually used: the first `max_reminders` of them."""
        return self.reminder_days[: self.max_reminders]


def site_defaults() -> ReminderSettings:
    days = tuple(settings.MESSAGE_REMINDER_DAYS)
    return ReminderSettings(
        reminder_days=days,
        max_reminders=len(days),
        send_from_hour=settings.MESSAGE_SEND_FROM_HOUR,
        send_until_hour=settings.MESSAGE_SEND_UNTIL_HOUR,
        t2_weeks=settings.T2_DEFAULT_WEEKS,
    )


def parse_days(text: str) -> tuple[int, ...]:
    """ "3, 7" → (3, 7). Raises ValueError for anything that is not whole numbers."""
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    return tuple(int(part) for part in parts if part)


def for_service(service: Service | None) -> ReminderSettings:
    row = MessagingSettings.objects.filter(service=service).first() if service is not None else None
    if row is None:
        return site_defaults()
    return ReminderSettings(
        reminder_days=parse_days(row.reminder_days),
        max_reminders=row.max_reminders,
        send_from_hour=row.send_from_hour,
        send_until_hour=row.send_until_hour,
        t2_weeks=row.t2_weeks,
        customised=True,
    )
