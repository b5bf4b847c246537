from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.services import instruments
from scoring import DefinitionError


class Command(BaseCommand):
    help = (
        "Validate an instrument definition file (e.g. a service's licensed ASQ:SE-2 wording) and "
        "store it as the instrument's new current version. Earlier versions are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = instruments.import_instrument(options["file"])
        except DefinitionError as error:
            raise CommandError(f"Not imported: {error}") from error
        except instruments.ImportRefused as error:
            raise CommandError(f"Not imported: {error}") from error
        flags = []
        if version.is_demo:
            flags.append("DEMO WORDING – not for clinical use")
        if version.has_unverified_numbers:
            flags.append("has numbers to verify against licensed materials")
        self.stdout.write(
            f"imported: {version.code} version {version.version} (now current)"
            + (f" [{'; '.join(flags)}]" if flags else "")
        )
