"""The clinician's family report: scores, zones, flags, change, LOAF and the parent's answers,
all read from questionnaires.summary, so numbers and labels match the record page exactly."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Image, KeepTogether, Spacer

from questionnaires import charts
from questionnaires.models import StaffUser, Timepoint
from questionnaires.pdf.styles import bold_cell, build, new_document, p, table
from questionnaires.summary.episodes import EpisodeSummary, FamilySummary, TimepointResult
from questionnaires.summary.measures import MeasureResult
from questionnaires.summary.wording import local_date, local_datetime


def _measure_block(measure: MeasureResult) -> list[Flowable]:
    story: list[Flowable] = [
        p(f"{measure.short_name} – {measure.name}", "h4"),
        p(
            f"Definition version {measure.definition_version}; "
            f"scoring version {measure.scoring_version}.",
            "small",
        ),
    ]
    if measure.is_demo:
        story.append(p("Demo wording – not for clinical use.", "small"))
    if measure.has_unverified_numbers:
        story.append(p("Some numbers in this definition are unverified.", "small"))
    if measure.asq is not None:
        asq = measure.asq
        story.append(
            table(
                ["Interval", "Total", "Range", "Zone", "Cut-off", "Missing", "Adjusted"],
                [
                    [
                        f"{asq.interval} months",
                        bold_cell(asq.shown),
                        asq.range,
                        bold_cell(asq.zone_label),
                        asq.cutoff_words,
                        str(asq.missing_count),  # the numbers are listed below the table
                        "Yes" if asq.adjusted else "No",
                    ]
                ],
                [20, 18, 22, 32, 38, 16, 18],
            )
        )
        story.append(p(f"{asq.direction}. {asq.interpretation}", "small"))
        if asq.not_scored_reason:
            story.append(p(f"Not scored: {asq.not_scored_reason}", "small"))
    else:
        rows = []
        for sub in measure.subscales:
            notes = []
            if sub.prorated:
                notes.append("Prorated (see below)")
            if sub.not_scored_reason:
                notes.append(sub.not_scored_reason)
            rows.append(
                [sub.name, bold_cell(sub.shown), sub.range, sub.direction, "; ".join(notes)]
            )
        story.append(
            table(["Subscale", "Score", "Range", "Direction", "Notes"], rows, [42, 18, 18, 52, 44])
        )
        if measure.has_prorated:
            story.append(p(measure.prorated_note, "small"))
        for sub in measure.subscales:
            story.append(p(f"{sub.name}: {sub.interpretation}", "small"))
    if measure.asq is not None and measure.asq.adjusted:
        story.append(p(measure.adjusted_note, "small"))
    if measure.missing_items:
        story.append(p(f"{measure.missing_words}.", "small"))
    if measure.shown_flags:
        labels = "; ".join(f.label for f in measure.shown_flags)
        story.append(p(f"Flags: {labels}.", "small"))
    # One questionnaire's result on one page: a heading never strands at a page foot, and a
    # page never holds only the last row or two of a table.
    return [KeepTogether(story), Spacer(1, 4 * mm)]


def _change_block(section: EpisodeSummary) -> list[Flowable]:
    heading = p("Change from start (T1) to end (T2)", "h3")
    unpaired = [p(line, "small") for line in section.unpaired]
    if not section.changes:
        return [
            heading,
            p("Change appears when both start (T1) and end (T2) answers are in."),
            *unpaired,
        ]
    story: list[Flowable] = [*unpaired]
    for number, change in enumerate(section.changes):
        rows = [
            [row.name, row.t1, row.t2, row.difference, row.words, row.reliable]
            for row in change.rows
        ]
        block: list[Flowable] = [
            p(change.short_name, "h4"),
            *([p(f"From: {change.baseline}.", "small")] if change.baseline else []),
            table(
                ["Measure", "Start (T1)", "End (T2)", "Difference", "In words", "Reliable change"],
                rows,
                [30, 24, 24, 21, 43, 32],
            ),
        ]
        for marker in change.markers:
            block.append(p(marker, "small"))
        crossings = [row for row in change.rows if row.crossing]
        if crossings:
            # A cut-off crossing is not a reliable-change verdict: it has its own heading.
            block.append(p("ASQ:SE-2 cut-off", "h4"))
            block += [p(f"{row.name}: {row.crossing}.") for row in crossings]
        if change.note:
            block.append(p(change.note, "small"))
        png = charts.measure_chart_png(change.chart)
        image = Image(io.BytesIO(png))
        # The chart is drawn narrow with large text (legible on a phone); 110 mm keeps its
        # text at about 10 pt in print.
        scale = 110 * mm / image.drawWidth
        image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
        block += [Spacer(1, 2 * mm), image, Spacer(1, 4 * mm)]
        # The section heading travels with the first measure: never alone at a page foot.
        story.append(KeepTogether([heading, *block] if number == 0 else block))
    return story


def _loaf_block(section: EpisodeSummary) -> list[Flowable]:
    story: list[Flowable] = [p("LOAF: DC:0-5 relationship levels (rated by the clinician)", "h3")]
    if not section.loaf:
        story.append(p("No LOAF ratings recorded."))
        return story

    def shown(rating: Any) -> str:
        if rating is None:
            return "Not rated"
        by = f", by {rating.rater}" if rating.rater else ""
        return f"{rating.label} ({rating.rated_on}{by})"

    rows = [[r.part, r.relationship, shown(r.t1), shown(r.t2), r.category] for r in section.loaf]
    story.append(
        table(
            ["Part", "Relationship", "Start (T1)", "End (T2)", "Change"], rows, [16, 34, 46, 46, 32]
        )
    )
    story.append(
        p("Level 1 is the healthiest. Levels are ordered, not measured: never averaged.", "small")
    )
    return story


def _sets_words(point: TimepointResult) -> str:
    others = ", ".join(s.submitted_at for s in point.sets if not s.shown)
    if point.timepoint == Timepoint.T1:
        which = "chosen by a clinician" if point.baseline_chosen else "the first set sent"
        return f"Baseline shown ({which}). Other start sets kept, sent {others}."
    return f"The latest set is shown. Earlier end sets kept, sent {others}."


def _episode_title(section: EpisodeSummary) -> str:
    episode = section.episode
    title = f"{episode.get_programme_display()}, from {local_date(episode.opened_on)}"
    if episode.closed_on:
        title += f" (closed {local_date(episode.closed_on)})"
    return title


def _appendix(summary: FamilySummary) -> list[Flowable]:
    # A new page only when little room is left: a forced break left a near-empty page.
    story: list[Flowable] = [CondPageBreak(80 * mm), p("Appendix: the parent's answers", "h2")]
    for section in summary.episodes:
        for point in section.timepoints:
            story.append(p(f"{_episode_title(section)} – {point.label}", "h3"))
            for measure in point.measures:
                rows = []
                for item in measure.items:
                    answer = item.answer
                    if item.points:
                        answer = f"{answer} ({item.points})"
                    if item.comment:
                        answer = f"{answer}. Comment: {item.comment}"
                    rows.append([item.number, item.text, answer, "Yes" if item.concern else ""])
                story.append(p(measure.short_name, "h4"))
                story.append(
                    table(["No.", "Question", "Answer", "Concern ticked"], rows, [18, 88, 50, 18])
                )
                story.append(Spacer(1, 3 * mm))
    return story


def family_report_pdf(summary: FamilySummary, user: StaffUser, now: datetime) -> bytes:
    family = summary.family
    service = family.service.name
    generated = f"Generated by {user.display_name} on {local_datetime(now)}"
    buffer = io.BytesIO()
    pdf = new_document(
        buffer,
        title=f"Questionnaire results – family {family.label}",
        header=f"{service} – confidential clinical record",
        footer=f"Family {family.label}. {generated}.",
    )
    story: list[Flowable] = [
        p(service, "h3"),
        p(f"Questionnaire results – family {family.label}", "title"),
        p(generated + " (times are UK time)."),
    ]
    if summary.has_demo:
        story.append(p("Demo wording – not for clinical use.", "warning"))
    if summary.has_unverified:
        story.append(
            p(
                "Some cut-offs or rules are unverified: check them against the licensed manuals.",
                "small",
            )
        )
    details = [
        ["Family label", family.label],
        ["Parent", family.parent_name],
        ["Relationship to the baby", family.get_relationship_display()],
        ["Baby's date of birth", local_date(family.infant_dob) or "Not born yet"],
    ]
    if family.due_date:
        details.append(["Due date", local_date(family.due_date)])
    details.append(["Weeks premature", str(family.weeks_premature)])
    story.append(table(["Detail", "Value"], details, [50, 124]))
    for section in summary.episodes:
        story += [Spacer(1, 5 * mm), p(_episode_title(section), "h2")]
        if section.episode.clinician:
            story.append(p(f"Clinician: {section.episode.clinician.display_name}"))
        if section.clinical_flags:
            story.append(p("Flags", "h3"))
            story.append(
                table(
                    ["When", "Questionnaire", "Flag"],
                    [[when, name, f.label] for when, name, f in section.clinical_flags],
                    [34, 30, 110],
                )
            )
        for awaiting in section.awaiting_confirmation:
            story.append(
                p(
                    f"Awaiting confirmation: {awaiting.label} answers from "
                    f"“{awaiting.given_as}” came in by nickname and baby's date. They are not "
                    "shown until a group facilitator confirms whose they are.",
                    "small",
                )
            )
        if not section.timepoints:
            story.append(p("No answers sent yet."))
        for point in section.timepoints:
            story.append(p(f"{point.label} – sent {point.submitted_at}", "h3"))
            if point.earlier_sets:
                story.append(p(_sets_words(point), "small"))
            for measure in point.measures:
                story += _measure_block(measure)
        story += _change_block(section)
        story.append(KeepTogether(_loaf_block(section)))  # no heading alone at a page foot
    versions = [
        p("Instrument and scoring versions", "h2"),
        table(
            ["Questionnaire", "Definition version", "Scoring version"],
            [list(v) for v in summary.versions] or [["None", "", ""]],
            [50, 62, 62],
        ),
    ]
    story.append(KeepTogether(versions))  # a short table: never split it over two pages
    story += _appendix(summary)
    build(pdf, story)
    return buffer.getvalue()
