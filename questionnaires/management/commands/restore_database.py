"""`manage.py restore_database --from PATH` (DEP-7), SQLite only: checks the backup file and
copies it into the configured database, which must be empty (a new file), so a restore never
mixes with or silently replaces live data. PostgreSQL restores with `pg_restore`
(docs/operations.md)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def check_backup(path: Path) -> sqlite3.Connection:
    """The backup, opened read-only, once SQLite finds it whole and it holds this app's tables."""
    if not path.is_file():
        raise CommandError(f"There is no file {path}.")
    try:
        backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        (verdict,) = backup.execute("PRAGMA integrity_check").fetchone()
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is not an SQLite database: {error}") from error
    if verdict != "ok":
        backup.close()
        raise CommandError(f"{path} is damaged: {verdict}")
    if "django_migrations" not in tables:
        backup.close()
        raise CommandError(f"{path} is not a backup of this site: it has no migrations table.")
    return backup


class Command(BaseCommand):
    help = "Restore an SQLite backup into the configured (empty) database. Stop the site first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("On PostgreSQL, restore with pg_restore (docs/operations.md).")
        backup = check_backup(options["source"])
        existing = connection.introspection.table_names()
        if existing:
            backup.close()
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already has "
                f"{len(existing)} tables: restore into a new, empty database file."
            )
        try:
            connection.ensure_connection()
            target = connection.connection
            assert isinstance(target, sqlite3.Connection)
            backup.backup(target, pages=-1)
        finally:
            backup.close()
        restored = connection.introspection.table_names()
        self.stdout.write(f"restored: {len(restored)} tables from {options['source']}")
