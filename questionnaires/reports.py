"""PDFs drawn with reportlab's platypus: the clinician's family report and the parent's plain
copy of their own answers. Both read questionnaires.clinical_summary, so numbers and labels match
the pages exactly.

Paragraph text is markup: every text that is not our own literal goes through `_esc` (INJ-1).
Meaning never rests on colour: zones and flags are words, charts use marker shapes."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from questionnaires import charts
from questionnaires.clinical_summary import (
    NOT_ANSWERED,
    EpisodeSummary,
    FamilySummary,
    MeasureResult,
    local_date,
    local_datetime,
    summarise_measure,
)
from questionnaires.models import Response, ResponseStatus

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
GRID = colors.HexColor("#768692")
HEADER_FILL = colors.HexColor("#e8edee")  # light grey: still readable printed in black and white


@functools.cache
def _fonts() -> None:
    # Helvetica cannot draw "−", "→" or many parents' names; DejaVu (shipped with matplotlib,
    # already a dependency) covers them, so nothing new is installed.
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = getSampleStyleSheet()

    def style(name: str, parent: str, **kwargs: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base[parent], **{"fontName": FONT, **kwargs})

    return {
        "title": style("title", "Title", fontName=FONT_BOLD, fontSize=18, leading=22),
        "h2": style("h2", "Heading2", fontName=FONT_BOLD, fontSize=14, leading=18),
        "h3": style("h3", "Heading3", fontName=FONT_BOLD, fontSize=12, leading=15),
        "h4": style("h4", "Heading4", fontName=FONT_BOLD, fontSize=10.5, leading=13),
        "body": style("body", "BodyText", fontSize=9.5, leading=12.5),
        "small": style("small", "BodyText", fontSize=8.5, leading=11),
        "cell": style("cell", "BodyText", fontSize=8.5, leading=10.5),
        "warning": style(
            "warning",
            "BodyText",
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            borderColor=colors.black,
            borderWidth=1.5,
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=10,
        ),
    }


def _esc(text: object) -> str:
    return escape(str(text))


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(_esc(text), _styles()[style])


def _table(
    header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]
) -> Table:
    data = [[_p(h, "cell") for h in header]]
    data += [[c if isinstance(c, Flowable) else _p(c, "cell") for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _bold_cell(text: object) -> Paragraph:
    return Paragraph(f"<b>{_esc(text)}</b>", _styles()["cell"])


def _document(buffer: io.BytesIO, title: str, header: str, footer: str) -> SimpleDocTemplate:
    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, header)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=header,
    )
    document.decorate = decorate  # type: ignore[attr-defined]
    return document


def _build(document: SimpleDocTemplate, story: list[Flowable]) -> None:
    _fonts()
    decorate = document.decorate  # type: ignore[attr-defined]
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)


# --- The clinician's family report ---------------------------------------------------------------


def _user_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _measure_block(measure: MeasureResult) -> list[Flowable]:
    story: list[Flowable] = [
        _p(f"{measure.short_name} – {measure.name}", "h4"),
        _p(
            f"Definition version {measure.definition_version}; "
            f"scoring version {measure.scoring_version}.",
            "small",
        ),
    ]
    if measure.is_demo:
        story.append(_p("Demo wording – not for clinical use.", "small"))
    if measure.has_unverified_numbers:
        story.append(_p("Some numbers in this definition are unverified.", "small"))
    if measure.asq is not None:
        asq = measure.asq
        story.append(
            _table(
                ["Interval", "Total", "Range", "Zone", "Cut-off", "Missing", "Adjusted"],
                [
                    [
                        f"{asq.interval} months",
                        _bold_cell(asq.shown),
                        asq.range,
                        _bold_cell(asq.zone_label),
                        asq.cutoff_words,
                        str(asq.missing_count),
                        "Yes" if asq.adjusted else "No",
                    ]
                ],
                [20, 18, 22, 32, 38, 16, 18],
            )
        )
        story.append(_p(f"{asq.direction}. {asq.interpretation}", "small"))
        if asq.not_scored_reason:
            story.append(_p(f"Not scored: {asq.not_scored_reason}", "small"))
    else:
        rows = []
        for sub in measure.subscales:
            notes = []
            if sub.prorated:
                notes.append("Prorated (up to 2 questions not answered)")
            if sub.not_scored_reason:
                notes.append(sub.not_scored_reason)
            rows.append(
                [sub.name, _bold_cell(sub.shown), sub.range, sub.direction, "; ".join(notes)]
            )
        story.append(
            _table(["Subscale", "Score", "Range", "Direction", "Notes"], rows, [42, 18, 18, 52, 44])
        )
        for sub in measure.subscales:
            story.append(_p(f"{sub.name}: {sub.interpretation}", "small"))
    if measure.missing_items:
        numbers = ", ".join(str(n) for n in measure.missing_items)
        story.append(_p(f"Questions not answered: {numbers}.", "small"))
    if measure.shown_flags:
        labels = "; ".join(f.label for f in measure.shown_flags)
        story.append(_p(f"Flags: {labels}.", "small"))
    story.append(Spacer(1, 4 * mm))
    return story


def _change_block(section: EpisodeSummary) -> list[Flowable]:
    story: list[Flowable] = [_p("Change from start (T1) to end (T2)", "h3")]
    if not section.changes:
        story.append(_p("Change appears when both start (T1) and end (T2) answers are in."))
        return story
    for change in section.changes:
        rows = [
            [row.name, row.t1, row.t2, row.difference, row.words, row.crossing or row.reliable]
            for row in change.rows
        ]
        block: list[Flowable] = [
            _p(change.short_name, "h4"),
            _table(
                ["Measure", "Start (T1)", "End (T2)", "Difference", "In words", "Reliable change"],
                rows,
                [30, 24, 24, 21, 43, 32],
            ),
        ]
        if any(row.crossing for row in change.rows):
            block.append(
                _p("; ".join(f"{row.name}: {row.reliable}" for row in change.rows), "small")
            )
        if change.note:
            block.append(_p(change.note, "small"))
        png = charts.measure_chart_png(change.chart)
        image = Image(io.BytesIO(png))
        scale = 150 * mm / image.drawWidth
        image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
        block += [Spacer(1, 2 * mm), image, Spacer(1, 4 * mm)]
        story.append(KeepTogether(block))
    return story


def _loaf_block(section: EpisodeSummary) -> list[Flowable]:
    story: list[Flowable] = [_p("LOAF: DC:0-5 relationship levels (rated by the clinician)", "h3")]
    if not section.loaf:
        story.append(_p("No LOAF ratings recorded."))
        return story

    def shown(rating: Any) -> str:
        if rating is None:
            return "Not rated"
        by = f", by {rating.rater}" if rating.rater else ""
        return f"{rating.label} ({rating.rated_on}{by})"

    rows = [[r.part, r.relationship, shown(r.t1), shown(r.t2), r.category] for r in section.loaf]
    story.append(
        _table(
            ["Part", "Relationship", "Start (T1)", "End (T2)", "Change"], rows, [16, 34, 46, 46, 32]
        )
    )
    story.append(
        _p("Level 1 is the healthiest. Levels are ordered, not measured: never averaged.", "small")
    )
    return story


def _episode_title(section: EpisodeSummary) -> str:
    episode = section.episode
    title = f"{episode.get_programme_display()}, from {local_date(episode.opened_on)}"
    if episode.closed_on:
        title += f" (closed {local_date(episode.closed_on)})"
    return title


def _appendix(summary: FamilySummary) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Appendix: the parent's answers", "h2")]
    for section in summary.episodes:
        for point in section.timepoints:
            story.append(_p(f"{_episode_title(section)} – {point.label}", "h3"))
            for measure in point.measures:
                rows = []
                for item in measure.items:
                    answer = item.answer
                    if item.comment:
                        answer = f"{answer}. Comment: {item.comment}"
                    rows.append([item.number, item.text, answer, "Yes" if item.concern else ""])
                story.append(_p(measure.short_name, "h4"))
                story.append(
                    _table(["No.", "Question", "Answer", "Concern ticked"], rows, [18, 88, 50, 18])
                )
                story.append(Spacer(1, 3 * mm))
    return story


def family_report_pdf(summary: FamilySummary, user: Any, now: datetime) -> bytes:
    family = summary.family
    service = family.service.name
    generated = f"Generated by {_user_name(user)} on {local_datetime(now)}"
    buffer = io.BytesIO()
    document = _document(
        buffer,
        title=f"Questionnaire results – family {family.label}",
        header=f"{service} – confidential clinical record",
        footer=f"Family {family.label}. {generated}.",
    )
    story: list[Flowable] = [
        _p(service, "h3"),
        _p(f"Questionnaire results – family {family.label}", "title"),
        _p(generated + " (times are UK time)."),
    ]
    if summary.has_demo:
        story.append(_p("Demo wording – not for clinical use.", "warning"))
    if summary.has_unverified:
        story.append(
            _p(
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
    story.append(_table(["Detail", "Value"], details, [50, 124]))
    for section in summary.episodes:
        story += [Spacer(1, 5 * mm), _p(_episode_title(section), "h2")]
        if section.episode.clinician:
            story.append(_p(f"Clinician: {_user_name(section.episode.clinician)}"))
        if section.clinical_flags:
            story.append(_p("Flags", "h3"))
            story.append(
                _table(
                    ["When", "Questionnaire", "Flag"],
                    [[when, name, f.label] for when, name, f in section.clinical_flags],
                    [34, 30, 110],
                )
            )
        if not section.timepoints:
            story.append(_p("No answers sent yet."))
        for point in section.timepoints:
            story.append(_p(f"{point.label} – sent {point.submitted_at}", "h3"))
            if point.earlier_sets:
                story.append(
                    _p(f"{point.earlier_sets} earlier set(s) at this timepoint not shown.", "small")
                )
            for measure in point.measures:
                story += _measure_block(measure)
        story += _change_block(section)
        story += _loaf_block(section)
    story.append(_p("Instrument and scoring versions", "h2"))
    story.append(
        _table(
            ["Questionnaire", "Definition version", "Scoring version"],
            [list(v) for v in summary.versions] or [["None", "", ""]],
            [50, 62, 62],
        )
    )
    story += _appendix(summary)
    _build(document, story)
    return buffer.getvalue()


# --- The parent's copy of their own answers ------------------------------------------------------


def _plain_answer(measure_options: Sequence[str], answer: str) -> str:
    # PRFQ's middle answers are bare numbers; say what the numbers run between.
    if answer.isdigit() and measure_options:
        return f"{answer} (on a scale from {measure_options[0]} to {measure_options[-1]})"
    return answer


def parent_copy_pdf(response: Response) -> bytes:
    """The parent's own answers in plain words: the questions and what they chose. No scores,
    no flags, nothing the clinician adds."""
    from questionnaires import scores  # the Django adapter; imported here to keep this light

    if response.status != ResponseStatus.SUBMITTED:
        raise ValueError("Only sent answers have a copy")
    invitation = response.invitation
    service = invitation.episode.family.service.name if invitation else ""
    buffer = io.BytesIO()
    document = _document(
        buffer,
        title="Your answers",
        header=service,
        footer="Your answers. Keep this copy safe: it is private to you.",
    )
    story: list[Flowable] = [
        _p("Your answers", "title"),
        _p(f"You sent these answers to {service} on {local_datetime(response.submitted_at)}."),
        _p("This is your own copy. Only you and your team can see your answers."),
    ]
    measures = response.measures.select_related("instrument").prefetch_related("answers")
    for measure in measures:
        definition = scores.definition_of(measure.instrument)
        options = [option.label for option in definition.options]
        story.append(_p(definition.explainer.title, "h2"))
        for item in summarise_measure(measure, definition).items:
            lines = [_p(item.text, "h4")]
            if item.answer == NOT_ANSWERED:
                lines.append(_p("You did not answer this question."))
            else:
                lines.append(_p(f"Your answer: {_plain_answer(options, item.answer)}"))
            if item.concern:
                lines.append(_p("You ticked: this is a worry for you."))
            if item.comment:
                lines.append(_p(f"What you wrote: {item.comment}"))
            story.append(KeepTogether(lines))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(f"Made on {local_datetime(timezone.now())}.", "small"))
    _build(document, story)
    return buffer.getvalue()
