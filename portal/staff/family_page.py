"""What the family record page shows beyond the clinical summary: each episode's links with
their status and actions, its charts, and its LOAF form."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from portal.staff.family_forms import LoafForm, RecordBirthForm
from questionnaires import charts
from questionnaires.models import Episode, Family, Invitation, Stage, Timepoint
from questionnaires.selectors.instruments import questionnaire_names
from questionnaires.selectors.plans import postnatal_baseline_from
from questionnaires.statuses import REVOCABLE, InvitationStatus, can_resend, invitation_status
from questionnaires.summary.change_rows import MeasureChange
from questionnaires.summary.episodes import EpisodeSummary, FamilySummary


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: InvitationStatus
    questionnaires: str

    @property
    def can_revoke(self) -> bool:
        return self.status in REVOCABLE

    @property
    def can_resend(self) -> bool:
        return can_resend(self.status)


@dataclass(frozen=True)
class ChartShown:
    change: MeasureChange
    svg: SafeString


@dataclass(frozen=True)
class IssueAction:
    timepoint: str
    label: str
    primary: bool
    warning: str = ""


@dataclass(frozen=True)
class BirthPanel:
    """For an episode that began in pregnancy: record the birth (form), then offer the
    postnatal baseline from the day the plan times it, until one is offered."""

    form: RecordBirthForm | None
    available_from: date | None
    offered: bool


@dataclass(frozen=True)
class EpisodeSection:
    episode: Episode
    invitations: list[InvitationRow]
    summary: EpisodeSummary
    charts: list[ChartShown]
    loaf_form: LoafForm
    actions: list[IssueAction]
    birth: BirthPanel | None = None


def issue_actions(summary: EpisodeSummary) -> list[IssueAction]:
    """The next sensible link is the primary button: start (T1) until start answers are in,
    then end (T2). An end link before any start answers stays secondary, with a warning (and
    the issue view asks to confirm it)."""
    has_start = summary.timepoint(Timepoint.T1) is not None
    has_end = summary.timepoint(Timepoint.T2) is not None
    if not has_start:
        return [
            IssueAction(Timepoint.T1, "Issue start link (T1)", primary=True),
            IssueAction(
                Timepoint.T2,
                "Issue end link (T2)",
                primary=False,
                warning="No start (T1) answers yet: change cannot be measured without them.",
            ),
        ]
    end = IssueAction(
        Timepoint.T2,
        "Issue another end link (T2)" if has_end else "Issue end link (T2)",
        primary=not has_end,
    )
    start = IssueAction(Timepoint.T1, "Issue another start link (T1)", primary=False)
    return [end, start]


def birth_prefix(episode: Episode) -> str:
    return f"birth-{episode.pk.hex[:8]}"


def birth_panel(
    episode: Episode, family: Family, form: RecordBirthForm | None
) -> BirthPanel | None:
    starts = [i for i in episode.invitations.all() if i.timepoint == Timepoint.T1]
    if episode.closed_on or not any(i.stage == Stage.ANTENATAL for i in starts):
        return None
    dob = family.infant_dob
    if dob is None or dob > timezone.localdate():
        return BirthPanel(form or RecordBirthForm(prefix=birth_prefix(episode)), None, False)
    offered = any(i.stage == Stage.POSTNATAL and i.revoked_at is None for i in starts)
    return BirthPanel(None, postnatal_baseline_from(dob), offered)


def loaf_prefix(episode: Episode) -> str:
    # Several episodes' forms can share a page: their field ids must not clash.
    return f"loaf-{episode.pk.hex[:8]}"


def episode_sections(
    summary: FamilySummary,
    loaf_forms: dict[uuid.UUID, LoafForm],
    birth_forms: dict[uuid.UUID, RecordBirthForm] | None = None,
) -> list[EpisodeSection]:
    episodes = [section.episode for section in summary.episodes]
    codes = {code for ep in episodes for inv in ep.invitations.all() for code in inv.instruments}
    names = questionnaire_names(codes)
    now = timezone.now()
    today = timezone.localdate()
    sections = []
    for episode_summary in summary.episodes:
        episode = episode_summary.episode
        rows = [
            InvitationRow(
                invitation,
                invitation_status(invitation, now),
                ", ".join(names.get(code, code) for code in invitation.instruments),
            )
            for invitation in list(episode.invitations.all())[::-1]  # newest link first
        ]
        # Safe to mark: the SVG is drawn by matplotlib from numbers and the definition's own
        # subscale names, XML-escaped by its writer; no parent-entered text goes into it.
        shown = [
            ChartShown(change, mark_safe(charts.measure_chart_svg(change.chart)))
            for change in episode_summary.changes
        ]
        form = loaf_forms.get(episode.pk) or LoafForm(
            prefix=loaf_prefix(episode), initial={"rated_on": today}
        )
        sections.append(
            EpisodeSection(
                episode,
                rows,
                episode_summary,
                shown,
                form,
                issue_actions(episode_summary),
                birth_panel(episode, summary.family, (birth_forms or {}).get(episode.pk)),
            )
        )
    return sections
