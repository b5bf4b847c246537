"""Two worker processes on PostgreSQL share the queue and never send a message twice (MSG-3):
`manage.py run_worker --until-empty` twice at once against the test database, counting what
the local Notify received."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.db import connection
from django.utils import timezone

from questionnaires.models import ChannelChoice, MessageState, OutboundMessage, Service, StaffUser
from questionnaires.services import contacts, outbox
from tests.messaging.conftest import TEMPLATES
from tests.messaging.fake_notify import API_KEY, FakeNotify
from tests.questionnaires import factories

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 12

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
    reason="needs PostgreSQL (SKIP LOCKED); CI runs it with DATABASE_URL=postgres://…",
)


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_send_twice(
    notify: FakeNotify, service: Service, clinician: StaffUser, settings: LazySettings
) -> None:
    assert connection.vendor == "postgresql"
    settings.MESSAGE_SEND_FROM_HOUR, settings.MESSAGE_SEND_UNTIL_HOUR = 0, 24  # any time of day
    for _ in range(MESSAGES):
        episode = factories.episode(service, clinician)
        contacts.record_contact(
            episode, mobile="07911 123456", email="", channel=ChannelChoice.TEXT
        )
        outbox.schedule_t2(episode, timezone.localdate(), actor=clinician)
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
            f"/{settings_dict['NAME']}"
        ),
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": notify.url,
        "MESSAGE_SEND_FROM_HOUR": "0",
        "MESSAGE_SEND_UNTIL_HOUR": "24",
        **{f"NOTIFY_TEMPLATE_{name.upper()}": value for name, value in TEMPLATES.items()},
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--until-empty", "--name", f"w{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    references = Counter(n["reference"] for n in notify.sent)
    assert len(references) == MESSAGES
    assert set(references.values()) == {1}, "a message was sent twice"
    assert OutboundMessage.objects.filter(state=MessageState.SENT).count() == MESSAGES
    # Both workers took part (the queue was shared, not drained by one).
    handled = [int(out.split("handled ")[1].split()[0]) for out, _ in outputs]
    assert sum(handled) == MESSAGES
