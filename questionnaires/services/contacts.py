"""A parent's contact details and their choice of text, email or neither (issue 14, MSG-2), and
an episode's planned end (T2) date. Contact details are kept only while the episode is open:
the worker deletes them once it is closed (`remove_closed_contacts`). The audit trail names
what changed, never the number or address (LOG-2)."""

from __future__ import annotations

from datetime import date

import phonenumbers
from django.db import transaction
from django.utils import timezone

from questionnaires.models import (
    ChannelChoice,
    Contact,
    Episode,
    MessageKind,
    MessageState,
    OutboundMessage,
    StaffUser,
    T2Plan,
)
from questionnaires.services import audit


class InvalidMobile(ValueError):
    """Not a UK mobile number."""


def normalise_uk_mobile(text: str) -> str:
    """A UK mobile in E.164 (+447…), or InvalidMobile."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise InvalidMobile(text) from error
    if (
        number.country_code != 44
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise InvalidMobile(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def record_contact(
    episode: Episode,
    *,
    mobile: str,
    email: str,
    channel: ChannelChoice | str,
    actor: StaffUser | None = None,
    by_parent: bool = False,
) -> Contact:
    """Set the episode's contact. Choosing "neither" (or removing the chosen detail) stops
    every message still waiting at once."""
    mobile = normalise_uk_mobile(mobile) if mobile else ""
    contact, _ = Contact.objects.select_for_update().get_or_create(episode=episode)
    contact.mobile, contact.email, contact.channel = mobile, email, str(channel)
    contact.consent_at = timezone.now() if channel != ChannelChoice.NEITHER else None
    contact.recorded_by = actor
    contact.save()
    audit.record(
        "contact.recorded",
        actor,
        episode,
        channel=str(channel),
        has_mobile=bool(mobile),
        has_email=bool(email),
        **({"by": "parent"} if by_parent else {}),
    )
    if channel == ChannelChoice.NEITHER:
        stopped = OutboundMessage.objects.filter(
            invitation__episode=episode, state=MessageState.QUEUED
        ).exclude(kind=MessageKind.ALERT)
        count = stopped.update(state=MessageState.CANCELLED, note="The parent opted out.")
        if count:
            audit.record("message.cancelled", actor, episode, count=count, why="opted_out")
    return contact


@transaction.atomic
def record_parent_contact(episode: Episode, *, mobile: str, email: str, channel: str) -> Contact:
    """The parent's own choice, from the confirmation page (MSG-2). The parent never sees what
    is stored, so a detail they leave blank keeps the one already held; "neither" keeps the
    details but stops every message at once."""
    stored = Contact.objects.select_for_update().filter(episode=episode).first()
    if stored is not None:
        mobile = mobile or stored.mobile
        email = email or stored.email
    return record_contact(
        episode, mobile=mobile, email=email, channel=channel, actor=None, by_parent=True
    )


def remove_closed_contacts() -> int:
    """Retention: contact details go when their episode closes."""
    with transaction.atomic():
        closed = Contact.objects.filter(episode__closed_on__isnull=False)
        episodes = list(closed.select_related("episode__family").values_list("episode", flat=True))
        count, _ = closed.delete()
        for episode in Episode.objects.filter(pk__in=episodes).select_related("family"):
            audit.record("contact.removed", None, episode, why="episode_closed")
    return count


@transaction.atomic
def plan_t2(episode: Episode, on: date, actor: StaffUser | None = None) -> T2Plan:
    plan, _ = T2Plan.objects.update_or_create(episode=episode, defaults={"planned_on": on})
    audit.record("episode.t2_planned", actor, episode, planned_on=on.isoformat())
    return plan
