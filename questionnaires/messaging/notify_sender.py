"""GOV.UK Notify through its official client. The reference Notify keeps is the outbox row's
idempotency key, so a message handed over before a crash is found again, not sent twice."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from questionnaires.messaging.base import Outgoing, PermanentFailure, Receipt, TemporaryFailure


def configured() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def _raise_for(error: Exception) -> None:
    status = getattr(error, "status_code", None)
    if isinstance(error, HTTPError) and status is not None and 400 <= status < 500:
        if status == 429:
            raise TemporaryFailure("Notify: too many requests") from error
        raise PermanentFailure(f"Notify refused the message ({status})") from error
    raise TemporaryFailure("Notify could not be reached") from error


def template_for(message: Outgoing) -> str:
    """Notify keeps each template's words, so a message in another language (MSG-8) uses the
    template the service made in it (NOTIFY_TEMPLATES["sms_invitation_pt"], …), else the
    English one: the personalisation fields are the same in every language."""
    templates = settings.NOTIFY_TEMPLATES
    if message.language and message.language != "en":
        translated = templates.get(f"{message.template}_{message.language}", "")
        if translated:
            return str(translated)
    return str(templates.get(message.template, ""))


class NotifySender:
    name = "notify"
    can_look_up = True

    def __init__(self) -> None:
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=10
        )

    def send(self, message: Outgoing) -> Receipt:
        template_id = template_for(message)
        if not template_id:
            raise PermanentFailure(f"No Notify template is set for {message.template}")
        try:
            if message.channel == "sms":
                answer: dict[str, Any] = self.client.send_sms_notification(
                    phone_number=message.to,
                    template_id=template_id,
                    personalisation=message.fields,
                    reference=message.reference,
                )
            else:
                answer = self.client.send_email_notification(
                    email_address=message.to,
                    template_id=template_id,
                    personalisation=message.fields,
                    reference=message.reference,
                )
        except (HTTPError, requests.RequestException) as error:
            _raise_for(error)
            raise  # unreachable: _raise_for always raises
        return Receipt(str(answer["id"]), "created")

    def find(self, reference: str) -> Receipt | None:
        try:
            answer = self.client.get_all_notifications(reference=reference)
        except (HTTPError, requests.RequestException) as error:
            raise TemporaryFailure("Notify could not be reached") from error
        found = answer.get("notifications") or []
        if not found:
            return None
        return Receipt(str(found[0]["id"]), str(found[0].get("status", "created")))

    def status(self, provider_id: str) -> Receipt | None:
        try:
            answer = self.client.get_notification_by_id(provider_id)
        except (HTTPError, requests.RequestException) as error:
            raise TemporaryFailure("Notify could not be reached") from error
        return Receipt(provider_id, str(answer.get("status", "")))
