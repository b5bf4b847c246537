"""DEP-7: a backup taken while parents are answering restores to a working site. The backup is
made with `manage.py backup_database` while a thread keeps saving answers through the real
service; the copy is restored into a fresh database and compared with the live one: rows per
table, a sent response's answers and scores, a snapshot that holds whole transactions only, and
a parent's personal link that resumes at the next question on the restored site."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from questionnaires.management.commands.backup_database import (
    find_postgres_tool,
    postgres_environment,
)
from questionnaires.models import Answer, AuditEvent, Response, ResponseStatus, Service, Timepoint
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import responses
from tests.questionnaires import factories
from tests.questionnaires.management.restored_site import snapshot

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
# The writer saves this many answers before the backup may start, and waits at this many until
# it has finished, so the copy is always taken part-way through the parent's questions.
BEFORE_BACKUP = 3
WAIT_AT = 30
AFTER_BACKUP = 3


@dataclass
class Writer:
    """A parent answering question after question through the service, in its own thread and
    database connection, as gunicorn's workers would."""

    response: Response
    items: list[Step]
    saved: int = 0
    errors: list[BaseException] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    backed_up: threading.Event = field(default_factory=threading.Event)
    progressed: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def run(self) -> None:
        try:
            saved_at_backup: int | None = None
            for step in self.items:
                if self.saved == WAIT_AT:
                    assert self.backed_up.wait(timeout=15), "the backup did not finish"
                if self.backed_up.is_set() and saved_at_backup is None:
                    saved_at_backup = self.saved
                assert step.measure is not None and step.definition is not None
                value = str(step.definition.options[0].value)
                responses.save_answer(step.measure, step.answer_key, value)
                self.saved += 1
                if self.saved == BEFORE_BACKUP:
                    self.started.set()
                if saved_at_backup is not None and self.saved >= saved_at_backup + AFTER_BACKUP:
                    self.progressed.set()
                    return
                time.sleep(0.005)
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            self.errors.append(error)
        finally:
            self.started.set()
            self.progressed.set()
            connection.close()

    def __enter__(self) -> Writer:
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        assert self.started.wait(timeout=15)
        return self

    def __exit__(self, *exc: object) -> None:
        self.backed_up.set()
        assert self.thread is not None
        self.thread.join(timeout=30)
        assert not self.errors, self.errors


@dataclass
class Scene:
    known: Response
    writer: Writer
    token: str


def _scene(service: Service) -> Scene:
    known = factories.send(
        factories.episode(service),
        Timepoint.T1,
        {
            "prfq": factories.PRFQ_ALL,
            "mors_sf": factories.mors_answers("4", "2"),
            "asq_se2": factories.asq_answers(23),
        },
    )
    assert known.status == ResponseStatus.SUBMITTED
    issued, response = factories.invited_response(service)
    responses.record_consent(response, True)
    steps = ResponseSteps(response).steps
    for step in steps:
        if step.kind == Kind.EXPLAIN:
            responses.mark_step_seen(response, step.name)
    items = [step for step in steps if step.kind == Kind.ITEM]
    assert len(items) > WAIT_AT + AFTER_BACKUP
    return Scene(known, Writer(response, items), issued.token)


def _restored_site(scene: Scene, database_url: str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [
            sys.executable,
            "-m",
            "tests.questionnaires.management.restored_site",
            str(scene.known.pk),
            str(scene.writer.response.pk),
            scene.token,
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def _backup_while_answering(scene: Scene, target: Path) -> dict[str, Any]:
    """Back up mid-way through the writer's answers; the live snapshot after it has carried on."""
    out = io.StringIO()
    with scene.writer as writer:
        call_command("backup_database", "--to", str(target), stdout=out)
        writer.backed_up.set()
        assert writer.progressed.wait(timeout=15)
    assert out.getvalue().startswith(f"backup: {target} (")
    assert target.stat().st_mode & 0o077 == 0, "the backup is readable by its owner only"
    return snapshot(scene.known.pk, scene.writer.response.pk)


def _assert_restored(scene: Scene, live: dict[str, Any], restored: dict[str, Any]) -> None:
    copy, page = restored["snapshot"], restored["page"]
    items = [step.name for step in scene.writer.items]

    # The copy holds whole transactions only: a prefix of the writer's answers, each with its
    # audit event, taken part-way (some answers before it, some after it are missing).
    in_copy = len(copy["writer_answers"])
    assert BEFORE_BACKUP <= in_copy <= WAIT_AT
    assert sorted(items[:in_copy]) == copy["writer_answers"]
    assert copy["writer_audit_events"] == in_copy
    missing = len(live["writer_answers"]) - in_copy
    assert missing >= AFTER_BACKUP
    assert live["writer_audit_events"] - copy["writer_audit_events"] == missing

    # Every table has the live rows, less only the writer's answers saved after the backup.
    expected = dict(live["counts"])
    expected[Answer._meta.db_table] -= missing
    expected[AuditEvent._meta.db_table] -= missing
    assert copy["counts"] == expected
    assert copy["counts"][Answer._meta.db_table] > 0

    # The sent response: every answer and score exactly as they were.
    assert copy["known_status"] == ResponseStatus.SUBMITTED
    assert len(copy["known_answers"]) == 18 + 14 + 23
    assert copy["known_answers"] == live["known_answers"]
    assert len(copy["known_scores"]) == 3
    assert copy["known_scores"] == live["known_scores"]

    # The restored site serves the parent's link, and resumes at the first unsaved question.
    next_step = scene.writer.items[in_copy].name
    assert page["status"] == 200
    assert page["path"] == reverse("parents:step", kwargs={"step": next_step})
    assert "Welcome back." in page["html"] and "<legend" in page["html"]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's backup; the PostgreSQL test covers this run",
)
def test_sqlite_backup_taken_while_answering_restores_whole(
    service: Service, tmp_path: Path
) -> None:
    scene = _scene(service)
    backup = tmp_path / "backup.sqlite3"
    live = _backup_while_answering(scene, backup)

    restored_file = tmp_path / "restored.sqlite3"
    restore = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "restore_database", "--from", str(backup)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{restored_file}",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restore.returncode == 0, restore.stderr
    assert restore.stdout.startswith("restored: ")
    _assert_restored(scene, live, _restored_site(scene, f"sqlite:///{restored_file}"))


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """An empty database beside the test one, dropped afterwards whatever happens."""
    name = f"restore_drill_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL's pg_dump and pg_restore; the SQLite test covers this run",
)
def test_postgres_dump_taken_while_answering_restores_whole(
    service: Service, tmp_path: Path, fresh_postgres_database: str
) -> None:
    scene = _scene(service)
    dump = tmp_path / "backup.dump"
    live = _backup_while_answering(scene, dump)

    settings_dict = connection.settings_dict
    env = {**postgres_environment(settings_dict), "PGDATABASE": fresh_postgres_database}
    restore = subprocess.run(  # noqa: S603 - fixed arguments
        [
            find_postgres_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={fresh_postgres_database}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restore.returncode == 0, restore.stderr
    user = settings_dict["USER"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    url = f"postgres://{user}{password}@{host}:{port}/{fresh_postgres_database}"
    _assert_restored(scene, live, _restored_site(scene, url))


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "backup.db"
    existing.write_text("last night's backup")
    with pytest.raises(CommandError, match="already exists: a backup never overwrites"):
        call_command("backup_database", "--to", str(existing))
    assert existing.read_text() == "last night's backup"
    assert not (tmp_path / "backup.db.partial").exists()


def test_restore_refuses_a_bad_file_and_a_database_with_tables(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="restore with pg_restore"):
            call_command("restore_database", "--from", str(tmp_path / "backup.dump"))
        return
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database " * 100)
    with pytest.raises(CommandError, match="is not an SQLite database"):
        call_command("restore_database", "--from", str(not_a_backup))
    backup = tmp_path / "backup.sqlite3"
    call_command("backup_database", "--to", str(backup), stdout=io.StringIO())
    # The live (test) database has tables: a restore must not mix into it.
    with pytest.raises(CommandError, match="already has .* tables: restore into a new"):
        call_command("restore_database", "--from", str(backup))
