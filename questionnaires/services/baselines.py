"""Which start (T1) answers change is measured from, when a parent sent more than one set.
The clinician chooses; the choice is audited (LOG-1), and a later set never replaces it."""

from __future__ import annotations

from django.db import transaction

from questionnaires.models import Episode, Response, ResponseStatus, StaffUser, Timepoint
from questionnaires.services import audit
from questionnaires.statuses import awaits_matching


class NotABaseline(Exception):
    """The answers are not sent start (T1) answers of this episode."""


@transaction.atomic
def choose_baseline(episode: Episode, response: Response, actor: StaffUser | None) -> None:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    invitation = response.invitation
    if (
        invitation is None
        or invitation.episode_id != episode.pk
        or invitation.timepoint != Timepoint.T1
        or response.status != ResponseStatus.SUBMITTED
        or awaits_matching(invitation)
    ):
        raise NotABaseline("These are not start (T1) answers sent in this episode.")
    previous = episode.baseline_response_id
    episode.baseline_response = response
    episode.save(update_fields=["baseline_response"])
    audit.record(
        "episode.baseline_chosen",
        actor,
        episode,
        response=str(response.pk),
        previous=str(previous) if previous else "",
    )
