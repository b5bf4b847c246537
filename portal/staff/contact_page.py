"""View models for the family record's messaging panel: a message's status in plain words
("Text delivered 2 Dec 10:14"), and what to do when it failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.models import DeliveryStatus, MessageKind, MessageState
from questionnaires.selectors.messaging import MessageRow


@dataclass(frozen=True)
class ShownMessage:
    what: str
    status: str
    advice: str
    problem: bool


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%-d %b %H:%M") if value else ""


def _what(row: MessageRow) -> str:
    if row.kind == MessageKind.REMINDER:
        return _("Reminder")
    if row.kind == MessageKind.T2:
        return _("End (T2) link")
    return _("Link")


def shown(row: MessageRow) -> ShownMessage:
    medium = {"sms": _("Text"), "email": _("Email")}.get(row.channel, _("Message"))
    words = {"medium": medium, "when": _when(row.status_at or row.sent_at)}
    what = _what(row)
    if row.state == MessageState.SENT:
        status = row.delivery_status
        if status == DeliveryStatus.DELIVERED:
            return ShownMessage(what, _("%(medium)s delivered %(when)s") % words, "", False)
        if status == DeliveryStatus.PERMANENT_FAILURE:
            return ShownMessage(
                what,
                _("%(medium)s could not be delivered") % words,
                _(
                    "Check the mobile number or email address with the parent, correct it, "
                    "and send the link again."
                ),
                True,
            )
        if status == DeliveryStatus.TEMPORARY_FAILURE:
            return ShownMessage(
                what,
                _("%(medium)s not delivered") % words,
                _(
                    "The phone may be off or the inbox full. Try again later, or give the "
                    "link in person."
                ),
                True,
            )
        if status == DeliveryStatus.TECHNICAL_FAILURE:
            return ShownMessage(
                what,
                _("%(medium)s not delivered") % words,
                _("There was a problem at the sending service. Send the link again."),
                True,
            )
        words["when"] = _when(row.sent_at)
        return ShownMessage(what, _("%(medium)s sent %(when)s") % words, "", False)
    if row.stopped:
        return ShownMessage(what, _("Not needed"), row.stopped, False)
    if row.state in (MessageState.QUEUED, MessageState.HANDED_OVER):
        # A try that failed (the provider down) leaves a note: still "not sent yet" to staff.
        if row.note:
            return ShownMessage(
                what,
                _("Not sent yet"),
                _("The sending service could not be reached. It will be tried again."),
                False,
            )
        if row.state == MessageState.HANDED_OVER:
            return ShownMessage(what, _("Being sent"), "", False)
        return ShownMessage(
            what, _("Not sent yet: due %(when)s") % {"when": _when(row.due_at)}, "", False
        )
    if row.state == MessageState.CANCELLED:
        return ShownMessage(what, _("Not needed"), row.note, False)
    if row.state == MessageState.UNKNOWN:
        return ShownMessage(
            what,
            _("Unknown — check"),
            _("It may have been sent. Check with the parent before sending the link again."),
            True,
        )
    return ShownMessage(
        what,
        _("Could not be sent"),
        row.note or _("Check the contact details and send the link again."),
        True,
    )
