"""Tag colours, decided here once for every page. A tag always says its status in words; the
colour only repeats it (never colour alone, UX-22)."""

from __future__ import annotations

from django import template

from questionnaires.statuses import CollectionState, InvitationStatus, RosterStatus
from questionnaires.summary.flag_words import Severity

register = template.Library()

# By vocabulary: the same word can mean different things in two of them ("sent").
TAG_COLOURS: dict[str, dict[str, str]] = {
    "link": {
        InvitationStatus.SENT: "blue",
        InvitationStatus.OPENED: "aqua-green",
        InvitationStatus.IN_PROGRESS: "yellow",
        InvitationStatus.SENT_BACK: "green",
        InvitationStatus.DECLINED: "orange",
        InvitationStatus.EXPIRED: "grey",
        InvitationStatus.REVOKED: "grey",
    },
    "roster": {
        RosterStatus.NOT_STARTED: "white",
        RosterStatus.IN_PROGRESS: "yellow",
        RosterStatus.SENT: "green",
        RosterStatus.DECLINED: "orange",
        RosterStatus.WAITING_FOR_MATCHING: "purple",
    },
    "flag": {Severity.URGENT: "red", Severity.WATCH: "yellow", Severity.NOTICE: "grey"},
    "zone": {"above": "red", "monitoring": "yellow", "below": "green"},
    "collection": {
        CollectionState.OPEN: "green",
        CollectionState.EXPIRED: "grey",
        CollectionState.CLOSED: "grey",
    },
    # Markers that qualify something rather than report a status.
    "marker": {
        "mine": "white",
        "not_answered": "grey",
        "not_answered_parent": "yellow",
        "concern": "red",
        "concern_parent": "orange",
        "demo": "orange",
        "qualifier": "grey",
    },
}


@register.filter
def tag_colour(value: object, vocabulary: str) -> str:
    """`{{ status|tag_colour:"link" }}` → "blue"; anything unknown is plain grey."""
    return TAG_COLOURS[vocabulary].get(str(value) if value is not None else "", "grey")
