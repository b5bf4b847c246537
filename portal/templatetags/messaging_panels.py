"""`{% messaging_panel family %}`: the family record's panel for contact details, the end (T2)
date and the messages sent (issue 14), included by the record page in one line."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from portal.staff.contact_page import shown
from questionnaires.models import ChannelChoice, Family
from questionnaires.selectors.messaging import messaging_panel as panel_for

register = template.Library()


@register.inclusion_tag("staff/includes/messaging_panel.html", takes_context=True)
def messaging_panel(context: template.Context, family: Family) -> dict[str, Any]:
    panel = panel_for(family)
    contact = panel.contact if panel else None
    return {
        "csrf_token": context.get("csrf_token"),
        "panel": panel,
        "messages_shown": [shown(row) for row in panel.messages] if panel else [],
        "channel": contact.channel if contact else ChannelChoice.NEITHER,
        "channels": [
            (ChannelChoice.TEXT.value, _("Text message")),
            (ChannelChoice.EMAIL.value, _("Email")),
            (ChannelChoice.NEITHER.value, _("Neither")),
        ],
    }
