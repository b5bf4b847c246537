"""LOG-3: who saw or changed a family, and when, for a breach report (72 hours).

    manage.py audit_trail --family RV-0042 [--service "Riverside parent–infant team"]

Prints every event about the family, its episodes, links, responses, LOAF ratings, group join,
match reviews and reports, the lists that showed it (caseload pages, audit pages) and its group's
roster and match queue: one line each, oldest first, with the time in Europe/London, who, what
and which record, and the short session and device codes the audit page shows."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.models import AuditEvent, Service
from questionnaires.selectors.audit_trail import families_labelled, family_trail

LONDON = ZoneInfo("Europe/London")


def event_line(event: AuditEvent) -> str:
    when = event.at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S %Z")
    actor = event.actor
    who = "no staff user"
    if actor is not None:
        username, name = actor.get_username(), actor.display_name
        who = username if name == username else f"{username} ({name})"
    what = f"{event.object_type.rpartition('.')[2]} {event.object_id}".strip() or "-"
    codes = " ".join(
        f"{name} {value[:8]}"
        for name, value in (("session", event.session_hash), ("device", event.client_hash))
        if value
    )
    return "  ".join(part for part in (when, who, event.action, what, codes) if part)


class Command(BaseCommand):
    help = "Print who saw or changed a family, and when (LOG-3), one event a line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--family", required=True, help="The family's label, e.g. RV-0042.")
        parser.add_argument("--service", help="The service's name, if the label is in several.")

    def handle(self, *args: Any, **options: Any) -> None:
        service = None
        if options["service"]:
            service = Service.objects.filter(name=options["service"]).first()
            if service is None:
                raise CommandError(f"No service is called {options['service']!r}.")
        families = families_labelled(options["family"], service)
        if not families:
            raise CommandError(f"No family has the label {options['family']!r}.")
        if len(families) > 1:
            names = ", ".join(repr(family.service.name) for family in families)
            raise CommandError(
                f"Families in several services have that label ({names}): give --service."
            )
        family = families[0]
        self.stdout.write(f"Audit trail of family {family.label} in {family.service.name}")
        self.stdout.write("Times are UK time (Europe/London), oldest first.")
        count = 0
        for event in family_trail(family).iterator(chunk_size=1000):
            self.stdout.write(event_line(event))
            count += 1
        self.stdout.write(f"{count} event{'s' if count != 1 else ''}.")
