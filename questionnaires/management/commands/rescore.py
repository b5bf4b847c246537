from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from questionnaires.services import score_records


class Command(BaseCommand):
    help = "Recompute the scores of every submitted response and report what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", help="Only this instrument (prfq, mors_sf, asq_se2).")

    def handle(self, *args: Any, **options: Any) -> None:
        count, changes = score_records.rescore(code=options["code"])
        for change in changes:
            self.stdout.write(
                f"changed: measure {change.measure_id} ({change.code}): "
                f"{change.before} -> {change.after}"
            )
        self.stdout.write(f"rescored: {count}")
        self.stdout.write(f"changed: {len(changes)}")
