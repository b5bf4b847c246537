"""Everything one family's record shows, fetched in a fixed number of queries whatever the
number of episodes, links, answers or scores (so nothing queries in a loop afterwards)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from questionnaires import scoring_adapter
from questionnaires.models import (
    Answer,
    Episode,
    Family,
    Invitation,
    LoafRating,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
)
from scoring.definitions import Definition


def fetch_episodes(family: Family) -> list[Episode]:
    """Every episode with its links, submitted answers, current scores and LOAF ratings."""
    measures = (
        ResponseMeasure.objects.select_related("instrument")
        # The definition JSON is large; `definitions_for` reads it once per version, cached.
        .defer("instrument__definition")
        .order_by("position")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("pk")),
            Prefetch(
                "scores",
                queryset=ScoreRecord.objects.filter(is_current=True),
                to_attr="current_scores",
            ),
        )
    )
    return list(
        Episode.objects.filter(family=family)
        .select_related("clinician")
        .order_by("-opened_on", "-pk")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("response").order_by("created_at"),
            ),
            Prefetch("invitations__response__measures", queryset=measures),
            Prefetch(
                "loaf_ratings",
                queryset=LoafRating.objects.select_related("rater").order_by("created_at"),
            ),
        )
    )


def sent_responses(episode: Episode) -> dict[str, list[Response]]:
    """An episode's sent responses by timepoint, oldest first, from the prefetched links."""
    found: dict[str, list[Response]] = {}
    for invitation in episode.invitations.all():
        response = getattr(invitation, "response", None)
        if response is not None and response.status == ResponseStatus.SUBMITTED:
            found.setdefault(invitation.timepoint, []).append(response)
    for responses in found.values():
        responses.sort(key=lambda r: r.submitted_at or r.started_at)
    return found


def definitions_for(episodes: Iterable[Episode]) -> dict[int, Definition]:
    """Parsed definitions by instrument version id (cached across requests)."""
    found: dict[int, Definition] = {}
    for episode in episodes:
        for responses in sent_responses(episode).values():
            for response in responses:
                for measure in response.measures.all():
                    if measure.instrument_id not in found:
                        found[measure.instrument_id] = scoring_adapter.definition_of(
                            measure.instrument
                        )
    return found
