"""A family's episodes as the record and the PDF show them: the answers shown at each
timepoint, their change from start to end, the LOAF ratings and the clinical flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext

from questionnaires.language_names import ENGLISH, language_name
from questionnaires.models import (
    Episode,
    Family,
    Invitation,
    Response,
    ResponseStatus,
    Stage,
    Timepoint,
)
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
    stage: str = ""  # the plan stage its links followed ("" before plans had stages)
    # I18N-2: the language the parent answered in ("Portuguese"), empty for English.
    answered_in: str = ""


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

    # What could not be compared, and why (a pregnancy P-PRFQ has no postnatal P-PRFQ).
    unpaired: list[str] = field(default_factory=list)

    @property
    def several_baselines(self) -> bool:
        """Start answers both in pregnancy and after the birth: each change names its own."""
        return sum(t.timepoint == Timepoint.T1 for t in self.timepoints) > 1

    def timepoint(self, code: str) -> TimepointResult | None:
        return next((t for t in self.timepoints if t.timepoint == code), None)


# Start sets in the order they were asked: pregnancy, unstated (before plans had stages), then
# the postnatal baseline; end sets after them.
_STAGE_ORDER = {Stage.ANTENATAL: 0, "": 1, Stage.POSTNATAL: 2}


def _sent_by_group(episode: Episode) -> dict[tuple[str, str], list[Response]]:
    """Sent sets by (timepoint, plan stage), oldest first within each."""
    found: dict[tuple[str, str], list[Response]] = {}
    for timepoint, responses in sent_responses(episode).items():
        for response in responses:
            invitation = response.invitation
            stage = invitation.stage if invitation is not None else ""
            found.setdefault((timepoint, stage), []).append(response)
    return dict(
        sorted(
            found.items(),
            key=lambda item: (TIMEPOINTS.index(Timepoint(item[0][0])), _STAGE_ORDER[item[0][1]]),
        )
    )


def timepoint_label(timepoint: str, stage: str, has_pregnancy_start: bool) -> str:
    """ "Start (T1)", or with the stage when the episode began in pregnancy: both baselines
    are shown, and each change names which one it uses."""
    label = Timepoint(timepoint).label
    if stage == Stage.ANTENATAL:
        return gettext("%(label)s, in pregnancy") % {"label": label}
    if stage == Stage.POSTNATAL and has_pregnancy_start:
        return (
            gettext("Postnatal baseline (T1)")
            if timepoint == Timepoint.T1
            else gettext("%(label)s, after the birth") % {"label": label}
        )
    return label


def _changes(
    starts: Sequence[TimepointResult],
    end: TimepointResult,
    shown_end: Response,
    definitions: Mapping[int, Definition],
) -> tuple[list[MeasureChange], list[str]]:
    """Each end measure against the latest start set holding the same questionnaire: change
    pairs like with like only (a pregnancy P-PRFQ is never differenced against a PRFQ), and
    names the baseline it uses. Measures with no partner are listed with the reason."""
    by_code = {m.instrument.code: m for m in shown_end.measures.all()}
    baseline: dict[str, tuple[TimepointResult, MeasureResult]] = {}
    for start in starts:  # later start sets win: the postnatal baseline over pregnancy
        for measure in start.measures:
            baseline[measure.code] = (start, measure)
    changes: list[MeasureChange] = []
    unpaired: list[str] = []
    for result in end.measures:
        found = baseline.get(result.code)
        if found is None:
            unpaired.append(
                gettext(
                    "%(short_name)s at %(label)s: no start answers to the same questionnaire, so "
                    "no change is shown."
                )
                % {"short_name": result.short_name, "label": end.label}
            )
            continue
        start, earlier = found
        change = compare_measures(earlier, result, definitions[by_code[result.code].instrument_id])
        changes.append(replace(change, baseline=f"{start.label}, sent {start.submitted_at}"))
    ended = {m.code for m in end.measures}
    for start in starts:
        for measure in start.measures:
            if measure.code not in ended and baseline[measure.code][0] is start:
                unpaired.append(
                    gettext(
                        "%(short_name)s at %(label)s: the end answers have no %(short_name)s, so "
                        "no change is shown. Different questionnaires are never compared."
                    )
                    % {"short_name": measure.short_name, "label": start.label}
                )
    return changes, unpaired


def shown_set(episode: Episode, code: str, sent: Sequence[Response]) -> Response:
    """The set a timepoint shows and compares. Start (T1): the baseline a clinician chose, else
    the first set sent, so a later set never silently replaces the baseline. End (T2): the
    latest set, the most recent picture at the end of care."""
    if code == Timepoint.T1:
        chosen = episode.baseline_response_id
        return next((r for r in sent if r.pk == chosen), sent[0])
    return sent[-1]


def summarise_episode(episode: Episode, definitions: Mapping[int, Definition]) -> EpisodeSummary:
    groups = _sent_by_group(episode)
    pregnancy_start = (Timepoint.T1, Stage.ANTENATAL) in groups
    timepoints: list[TimepointResult] = []
    shown_sent: dict[tuple[str, str], Response] = {}
    for (code, stage), sent in groups.items():
        shown = shown_sent[(code, stage)] = shown_set(episode, code, sent)
        measures = [
            summarise_measure(m, definitions[m.instrument_id]) for m in shown.measures.all()
        ]
        timepoints.append(
            TimepointResult(
                code,
                timepoint_label(code, stage, pregnancy_start),
                local_datetime(shown.submitted_at),
                measures,
                len(sent) - 1,
                [AnswerSet(str(r.pk), local_datetime(r.submitted_at), r is shown) for r in sent],
                code == Timepoint.T1 and episode.baseline_response_id == shown.pk,
                stage,
                "" if shown.language == ENGLISH else language_name(shown.language),
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
    starts = [t for t in timepoints if t.timepoint == Timepoint.T1]
    ends = [(key, t) for key, t in zip(groups, timepoints, strict=True) if key[0] == Timepoint.T2]
    if starts and ends:
        # The latest end set: after the birth when there is one.
        key, end = ends[-1]
        changes, unpaired = _changes(starts, end, shown_sent[key], definitions)
        summary.changes.extend(changes)
        summary.unpaired.extend(unpaired)
    latest = {m.code: index for index, t in enumerate(timepoints) for m in t.measures}
    for index, t in enumerate(timepoints):
        for m in t.measures:
            flags_list = (
                summary.clinical_flags if latest[m.code] == index else summary.earlier_flags
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
