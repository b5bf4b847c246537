"""The interface every sender implements, and what it is given and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message, composed: `template` names the Notify template (sms_invitation, …);
    `fields` are its personalisation; `subject` and `body` the same words in full, for SMTP."""

    channel: str  # "sms" or "email"
    to: str
    template: str
    reference: str
    subject: str
    body: str
    fields: dict[str, str] = field(default_factory=dict)
    # The language the words are in (MSG-8): Notify uses the template made in it, if any.
    language: str = "en"


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    status: str  # Notify's vocabulary: created, sending, delivered, …


class TemporaryFailure(Exception):
    """The provider could not be reached or said "try later": the message stays queued."""


class PermanentFailure(Exception):
    """The provider refused the message (a bad number, a bad key): retrying will not help."""


class Sender(Protocol):
    name: str
    # At-most-once providers cannot be asked whether a handed-over message went.
    can_look_up: bool

    def send(self, message: Outgoing) -> Receipt: ...

    def find(self, reference: str) -> Receipt | None:
        """The message handed over with this reference, if the provider has it."""
        ...

    def status(self, provider_id: str) -> Receipt | None:
        """The latest delivery status, or None when the provider cannot tell."""
        ...
