"""The background worker (MSG-3): sends what the outbox holds, plans T2 links, reminders and
clinician alerts, and asks GOV.UK Notify for delivery statuses. Run one or more anywhere that
reaches the database: on PostgreSQL they share the queue without sending anything twice.

    manage.py run_worker               # loop until stopped (SIGTERM/SIGINT finish the pass)
    manage.py run_worker --once        # one pass, then exit (cron, tests)
    manage.py run_worker --until-empty # passes until nothing is due, then exit
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from questionnaires.services import outbox


def _nap(seconds: float, stopping: Callable[[], bool]) -> None:
    """Sleep between passes, waking at once when asked to stop."""
    deadline = time.monotonic() + seconds
    while not stopping() and time.monotonic() < deadline:
        time.sleep(0.2)


class Command(BaseCommand):
    help = "Send queued messages (invitations, reminders, T2, alerts) and refresh statuses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--until-empty", action="store_true", help="Passes until nothing is due, then exit."
        )
        parser.add_argument("--name", default="", help="This worker's name (host:pid).")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"] or f"{socket.gethostname()}:{os.getpid()}"
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        total = 0
        while not stopping:
            close_old_connections()
            try:
                result = outbox.run_once(name)
            except Exception as error:  # noqa: BLE001 - a database blip must not end the loop
                self.stderr.write(f"worker pass failed: {type(error).__name__}")
                if options["once"] or options["until_empty"]:
                    raise
                _nap(settings.OUTBOX_POLL_SECONDS, lambda: stopping)
                continue
            total += result.handled
            if options["once"] or (options["until_empty"] and result.handled == 0):
                break
            if not options["until_empty"]:
                _nap(settings.OUTBOX_POLL_SECONDS, lambda: stopping)
        self.stdout.write(f"worker {name} handled {total} message(s)")
