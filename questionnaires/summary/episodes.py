"""A family's episodes as the record and the PDF show them: the answers shown at each
timepoint, their change from start to end, the LOAF ratings and the clinical flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from questionnaires.models import Episode, Family, Invitation, Response, ResponseStatus, Timepoint
from questionnaires.statuses import awaits_matching
from questionnaires.summary.change_rows import MeasureChange, compare_measures
from questionnaires.summary.flag_words import ShownFlag
from questionnaires.summary.loaf_rows import LoafRow, summarise_loaf
from questionnaires.summary.measures import MeasureResult, summarise_measure
from questionnaires.summary.wording import local_datetime
from scoring.definitions import Definition

TIMEPOINTS = (Timepoint.T1, Timepoint.T2)


def sent_responses(episode: Episode) -> dict[str, list[Response]]:
    """An episode's sent responses by timepoint, oldest first, from the prefetched links. Answers
    waiting for a facilitator to confirm whose they are are not among them (LINK-8)."""
    found: dict[str, list[Response]] = {}
    for invitation in episode.invitations.all():
        response = getattr(invitation, "response", None)
        if response is None or response.status != ResponseStatus.SUBMITTED:
            continue
        if not awaits_matching(invitation):
            found.setdefault(invitation.timepoint, []).append(response)
    for responses in found.values():
        responses.sort(key=lambda r: r.submitted_at or r.started_at)
    return found


def awaiting_matching(episode: Episode) -> list[Invitation]:
    """Links whose answers came in by nickname and baby's date and wait for a facilitator."""
    return [invitation for invitation in episode.invitations.all() if awaits_matching(invitation)]


@dataclass(frozen=True)
class AnswerSet:
    """One set of answers sent at a timepoint, as the record lists them."""

    response_id: str
    submitted_at: str
    shown: bool  # the set whose scores are shown and compared


@dataclass(frozen=True)
class TimepointResult:
    timepoint: str
    label: str
    submitted_at: str
    measures: list[MeasureResult]
    earlier_sets: int  # other sets sent at this timepoint, kept but not the one shown
    sets: list[AnswerSet] = field(default_factory=list)
    baseline_chosen: bool = False  # a clinician chose this start (T1) set (services.baselines)


@dataclass(frozen=True)
class AwaitingMatch:
    """End answers that came in by nickname and baby's date: not clinical data until a
    facilitator confirms whose they are (LINK-8), so only this much is shown."""

    invitation: Invitation
    response: Response | None
    label: str
    given_as: str

    @property
    def sent(self) -> bool:
        return self.response is not None and self.response.status == ResponseStatus.SUBMITTED


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    timepoints: list[TimepointResult]
    changes: list[MeasureChange]
    loaf: list[LoafRow]
    # Flags of each measure's latest answers; a measure's flags from earlier answers (a T1
    # cut-off the T2 answers no longer cross) are history, never shown as current.
    clinical_flags: list[tuple[str, str, ShownFlag]] = field(default_factory=list)
    earlier_flags: list[tuple[str, str, ShownFlag]] = field(default_factory=list)
    awaiting_confirmation: list[AwaitingMatch] = field(default_factory=list)

    def timepoint(self, code: str) -> TimepointResult | None:
        return next((t for t in self.timepoints if t.timepoint == code), None)


def _changes(
    start: TimepointResult,
    end: TimepointResult,
    shown_end: Response,
    definitions: Mapping[int, Definition],
) -> list[MeasureChange]:
    earlier = {m.code: m for m in start.measures}
    by_code = {m.instrument.code: m for m in shown_end.measures.all()}
    return [
        compare_measures(
            earlier[result.code], result, definitions[by_code[result.code].instrument_id]
        )
        for result in end.measures
        if result.code in earlier
    ]


def shown_set(episode: Episode, code: str, sent: Sequence[Response]) -> Response:
    """The set a timepoint shows and compares. Start (T1): the baseline a clinician chose, else
    the first set sent, so a later set never silently replaces the baseline. End (T2): the
    latest set, the most recent picture at the end of care."""
    if code == Timepoint.T1:
        chosen = episode.baseline_response_id
        return next((r for r in sent if r.pk == chosen), sent[0])
    return sent[-1]


def summarise_episode(episode: Episode, definitions: Mapping[int, Definition]) -> EpisodeSummary:
    by_time = sent_responses(episode)
    timepoints: list[TimepointResult] = []
    shown_sent: dict[str, Response] = {}
    for code in TIMEPOINTS:
        sent = by_time.get(code, [])
        if not sent:
            continue
        shown = shown_sent[code] = shown_set(episode, code, sent)
        measures = [
            summarise_measure(m, definitions[m.instrument_id]) for m in shown.measures.all()
        ]
        timepoints.append(
            TimepointResult(
                code,
                Timepoint(code).label,
                local_datetime(shown.submitted_at),
                measures,
                len(sent) - 1,
                [AnswerSet(str(r.pk), local_datetime(r.submitted_at), r is shown) for r in sent],
                code == Timepoint.T1 and episode.baseline_response_id == shown.pk,
            )
        )
    awaiting = [
        AwaitingMatch(
            invitation,
            getattr(invitation, "response", None),
            Timepoint(invitation.timepoint).label,
            invitation.match_review.nickname,
        )
        for invitation in awaiting_matching(episode)
    ]
    summary = EpisodeSummary(
        episode,
        timepoints,
        [],
        summarise_loaf(episode.loaf_ratings.all()),
        awaiting_confirmation=awaiting,
    )
    start, end = summary.timepoint(Timepoint.T1), summary.timepoint(Timepoint.T2)
    if start and end:
        summary.changes.extend(_changes(start, end, shown_sent[Timepoint.T2], definitions))
    latest = {m.code: t.timepoint for t in timepoints for m in t.measures}  # later wins
    for t in timepoints:
        for m in t.measures:
            flags_list = (
                summary.clinical_flags if latest[m.code] == t.timepoint else summary.earlier_flags
            )
            flags_list.extend((t.label, m.short_name, flag) for flag in m.clinical_flags)
    return summary


@dataclass(frozen=True)
class FamilySummary:
    family: Family
    episodes: list[EpisodeSummary]

    @property
    def measures(self) -> list[MeasureResult]:
        return [m for e in self.episodes for t in e.timepoints for m in t.measures]

    @property
    def has_demo(self) -> bool:
        return any(m.is_demo for m in self.measures)

    @property
    def has_unverified(self) -> bool:
        return any(m.has_unverified_numbers for m in self.measures)

    @property
    def versions(self) -> list[tuple[str, str, str]]:
        """(questionnaire, definition version, scoring version), each once."""
        seen: dict[tuple[str, str, str], None] = {}
        for m in self.measures:
            seen[(m.short_name, m.definition_version, m.scoring_version)] = None
        return list(seen)


def summarise_family(
    family: Family, episodes: Sequence[Episode], definitions: Mapping[int, Definition]
) -> FamilySummary:
    return FamilySummary(family, [summarise_episode(e, definitions) for e in episodes])
