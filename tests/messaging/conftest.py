from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import LazySettings

from tests.messaging import fake_notify

TEMPLATES = {
    "sms_invitation": "11111111-1111-1111-1111-111111111111",
    "sms_reminder": "22222222-2222-2222-2222-222222222222",
    "email_invitation": "33333333-3333-3333-3333-333333333333",
    "email_reminder": "44444444-4444-4444-4444-444444444444",
    "email_alert": "55555555-5555-5555-5555-555555555555",
}


@pytest.fixture
def notify(settings: LazySettings) -> Iterator[fake_notify.FakeNotify]:
    """The local Notify, with the settings pointing at it."""
    state, server = fake_notify.start()
    settings.NOTIFY_API_KEY = fake_notify.API_KEY
    settings.NOTIFY_BASE_URL = state.url
    settings.NOTIFY_TEMPLATES = TEMPLATES
    yield state
    server.shutdown()
    server.server_close()
