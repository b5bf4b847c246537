"""MSG-4: GOV.UK Notify's delivery receipts through `/notify/callback`, with the real client
sending a message to the local Notify first (so the provider id is Notify's own)."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import LazySettings
from django.test import Client
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    ChannelChoice,
    MessageState,
    OutboundMessage,
    Service,
    StaffUser,
)
from questionnaires.services import contacts, outbox
from tests.messaging.fake_notify import FakeNotify
from tests.questionnaires import factories

TOKEN = "a-long-callback-token-shared-with-notify"
URL = "/notify/callback"


@pytest.fixture
def sent(
    notify: FakeNotify, service: Service, clinician: StaffUser, settings: LazySettings
) -> OutboundMessage:
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    settings.MESSAGE_SEND_FROM_HOUR, settings.MESSAGE_SEND_UNTIL_HOUR = 0, 24
    episode = factories.episode(service, clinician)
    contacts.record_contact(
        episode, mobile="07911 123456", email="", channel=ChannelChoice.TEXT, actor=clinician
    )
    message = outbox.schedule_t2(episode, timezone.localdate(), actor=clinician)
    outbox.process(outbox.claim("w1")[0], "w1")
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.provider_id
    return message


def post(client: Client, body: object, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    answer = client.post(URL, data, content_type="application/json", headers=headers)
    return answer.status_code, answer.content.decode()


def receipt(message: OutboundMessage, status: str = "delivered") -> dict[str, object]:
    return {
        "id": message.provider_id,
        "reference": message.idempotency_key,
        "to": "+447911123456",
        "status": status,
        "notification_type": "sms",
    }


def test_a_receipt_updates_the_status_once_and_is_audited_without_the_number(
    sent: OutboundMessage, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(enforce_csrf_checks=True)  # Notify has no CSRF token
    with caplog.at_level(logging.DEBUG):
        assert post(client, receipt(sent, "sending"))[0] == 200
        assert post(client, receipt(sent))[0] == 200
        assert post(client, receipt(sent))[0] == 200  # Notify retries: nothing changes
        assert post(client, receipt(sent, "sending"))[0] == 200  # late: a final status stays
    sent.refresh_from_db()
    assert sent.delivery_status == "delivered"
    events = AuditEvent.objects.filter(action="message.status", detail__via="callback")
    assert [event.detail["status"] for event in events.order_by("at")] == ["sending", "delivered"]
    logged = caplog.text
    assert "7911" not in logged and sent.provider_id not in logged
    assert sent.idempotency_key not in logged


def test_a_receipt_is_found_by_reference_when_the_id_is_unknown(sent: OutboundMessage) -> None:
    body = receipt(sent, "permanent-failure") | {"id": "00000000-0000-0000-0000-000000000000"}
    assert post(Client(), body)[0] == 200
    sent.refresh_from_db()
    assert sent.delivery_status == "permanent-failure"


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x"])
def test_without_the_token_nothing_changes(sent: OutboundMessage, token: str | None) -> None:
    status, text = post(Client(), receipt(sent), token)
    assert status == 401 and "bearer token" in text
    sent.refresh_from_db()
    assert sent.delivery_status == "created"


def test_no_token_configured_refuses_everything(
    sent: OutboundMessage, settings: LazySettings
) -> None:
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert post(Client(), receipt(sent), "")[0] == 401
    assert post(Client(), receipt(sent), "anything")[0] == 401


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({"id": "x"}, "no status"),
        ({"status": "delivered"}, "no id"),
        ({"id": 5, "status": "delivered"}, "no id"),
        ({"id": "x", "status": "exploded"}, "not one Notify sends"),
        ({"id": "x", "reference": 3, "status": "delivered"}, "reference must be text"),
    ],
)
def test_bad_receipts_get_a_plain_400(sent: OutboundMessage, body: object, words: str) -> None:
    status, text = post(Client(), body)
    assert status == 400 and words in text
    sent.refresh_from_db()
    assert sent.delivery_status == "created"


def test_a_receipt_for_a_message_we_do_not_hold_is_acknowledged(sent: OutboundMessage) -> None:
    body = {"id": "11111111-2222-3333-4444-555555555555", "reference": "t2:nope", "status": "sent"}
    assert post(Client(), body | {"status": "delivered"})[0] == 200
    sent.refresh_from_db()
    assert sent.delivery_status == "created"


def test_only_post(sent: OutboundMessage) -> None:
    assert Client().get(URL).status_code == 405
