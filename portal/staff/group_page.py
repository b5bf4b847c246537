"""What the facilitator's group pages show beyond the roster: each collection's state and the
addresses parents join from."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from questionnaires.credentials import spaced_code
from questionnaires.models import GroupCollection, ParentGroup, Timepoint
from questionnaires.selectors.roster import latest_collections
from questionnaires.statuses import CollectionState, collection_state

QR_LABEL = "QR code to join the group"
# How long the group questions take, as the join page tells parents (parents/group_notice.html).
GROUP_QUESTIONS_TAKE = "about 20 minutes"


def join_url(collection: GroupCollection) -> str:
    # Our own address, no shortener, and nothing about anyone in it (LINK-4).
    return settings.SITE_BASE_URL + reverse("parents:group_join", kwargs={"code": collection.code})


def start_url() -> str:
    return settings.SITE_BASE_URL + reverse("parents:code")


@dataclass(frozen=True)
class CollectionPanel:
    """The latest collection for one timepoint, as the group page shows it."""

    timepoint: Timepoint
    collection: GroupCollection | None
    state: CollectionState | None

    @property
    def is_open(self) -> bool:
        return self.state == CollectionState.OPEN

    @property
    def is_expired(self) -> bool:
        return self.state == CollectionState.EXPIRED

    @property
    def spaced_code(self) -> str:
        return spaced_code(self.collection.code) if self.collection else ""

    @property
    def shared_url(self) -> str:
        if self.collection is None:
            return ""
        return reverse("parents:group_join", kwargs={"code": self.collection.code}) + "?shared=1"


def collection_panels(group: ParentGroup) -> list[CollectionPanel]:
    latest = latest_collections(group)
    panels = []
    for timepoint in Timepoint:
        collection = latest.get(timepoint)
        state = collection_state(collection) if collection is not None else None
        panels.append(CollectionPanel(timepoint, collection, state))
    return panels
