from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.services import plans
from scoring import DefinitionError


class Command(BaseCommand):
    help = (
        "Validate a questionnaire plan file (which measures each programme asks, in pregnancy "
        "and after the birth) and store it as the current plan. Earlier versions are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="Only validate the file; store nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                plan = plans.load(options["file"])
                self.stdout.write(f"valid: plan {plan.name} version {plan.version}")
                return
            version = plans.import_plan(options["file"])
        except (DefinitionError, plans.PlanRefused) as error:
            raise CommandError(f"Not imported: {error}") from error
        self.stdout.write(f"imported: plan {version.name} version {version.version} (now current)")
