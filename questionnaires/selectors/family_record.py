"""Everything one family's record shows, fetched in a fixed number of queries whatever the
number of episodes, links, answers or scores (so nothing queries in a loop afterwards), and
summarised by questionnaires.summary."""

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
    ScoreRecord,
)
from questionnaires.summary.episodes import FamilySummary, sent_responses, summarise_family
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
                queryset=Invitation.objects.select_related(
                    "response", "match_review__proposed"
                ).order_by("created_at"),
            ),
            Prefetch("invitations__response__measures", queryset=measures),
            Prefetch(
                "loaf_ratings",
                queryset=LoafRating.objects.select_related("rater").order_by("created_at"),
            ),
        )
    )


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


def family_summary(family: Family) -> FamilySummary:
    """Fetch and summarise: the one call the record page and the PDF make."""
    episodes = fetch_episodes(family)
    return summarise_family(family, episodes, definitions_for(episodes))


def sent_sets(episode: Episode) -> dict[str, list[Response]]:
    """An episode's sent answer sets by timepoint, oldest first (what issuing another link
    would add to)."""
    fresh = Episode.objects.prefetch_related(
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("response", "match_review"),
        )
    ).get(pk=episode.pk)
    return sent_responses(fresh)
