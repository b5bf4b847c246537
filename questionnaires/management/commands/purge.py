"""RET-1, DATA-8: remove records past their retention period (questionnaires.retention).

    manage.py purge           # dry run: what would go, one line per kind
    manage.py purge --apply   # delete it

Safe to run daily while parents are answering (docs/retention.md has a cron line and a
systemd timer); running it twice deletes nothing the second time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from questionnaires.services import purge


class Command(BaseCommand):
    help = "Count, or with --apply delete, records past their retention period (RET-1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="Delete; without it nothing is changed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge.run(apply=options["apply"])
        if not report.applied:
            self.stdout.write("Dry run: nothing deleted. Run with --apply to delete.")
        for line in report.lines:
            self.stdout.write(line.words(report.applied))
