"""`manage.py backup_database --to PATH` (DEP-7): a consistent copy of the live database, safe
while parents are answering. SQLite: the online backup API, one step, so the copy is a single
snapshot. PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`, docs/operations.md).

The copy holds parents' health data: it is created readable by its owner only, and it appears
at PATH only once complete, so a half-written file never passes for a backup."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from glob import glob
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def find_postgres_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: from PATH, else the newest in Debian's per-version layout
    (where the server packages install them without putting them on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not candidates:
        raise CommandError(f"{name} was not found on PATH: install the PostgreSQL client tools.")
    return max(candidates, key=lambda path: int(Path(path).parts[-3]))


def postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for the configured database, so no password appears in a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    sslmode = settings_dict.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _create_private(path: Path) -> None:
    """An empty file only its owner can read; refuses to replace anything."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup_sqlite(target: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    assert isinstance(source, sqlite3.Connection)
    destination = sqlite3.connect(target)
    try:
        # pages=-1: the whole database in one step, under one read lock, so the copy is one
        # moment's state even while answers are being written (WAL lets the writers carry on).
        source.backup(destination, pages=-1)
        # The copy is one self-contained file: no write-ahead log beside it to lose in transit.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def backup_postgres(target: Path) -> None:
    settings_dict = connection.settings_dict
    command = [find_postgres_tool("pg_dump"), "--format=custom", f"--file={target}"]
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        command, env=postgres_environment(settings_dict), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Copy the database to a new file, safely while the site is running (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="The new backup file.")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["to"]
        if target.exists():
            raise CommandError(f"{target} already exists: a backup never overwrites a file.")
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent}.")
        partial = target.with_name(target.name + ".partial")
        try:
            _create_private(partial)
        except FileExistsError as error:
            raise CommandError(
                f"{partial} is left from a backup that did not finish: check no backup is "
                "running, delete it and try again."
            ) from error
        try:
            if connection.vendor == "sqlite":
                backup_sqlite(partial)
            elif connection.vendor == "postgresql":
                backup_postgres(partial)
            else:
                raise CommandError(f"No backup method for the {connection.vendor} database.")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"backup: {target} ({target.stat().st_size} bytes)")
