from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.services import reach


class Command(BaseCommand):
    help = (
        "Import the service's postcode → Index of Multiple Deprivation decile lookup from a "
        "CSV (columns postcode, decile). Replaces the previous lookup. Nothing is downloaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = reach.import_imd(path)
        except UnicodeDecodeError as error:
            raise CommandError("Not imported: the file is not UTF-8 text") from error
        self.stdout.write(f"imported: {result.imported} postcodes; skipped: {result.skipped} rows")
