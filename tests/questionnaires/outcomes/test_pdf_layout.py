"""The commissioners' PDF never leaves a heading alone at a page foot: a heading is kept with
the table it introduces (reportlab KeepTogether)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import Flowable, KeepTogether, Spacer

from questionnaires.pdf.outcomes_report import keep_headings_with_tables
from questionnaires.pdf.styles import build, new_document, p, table


def _story(gap_mm: float) -> list[Flowable]:
    from reportlab.lib.units import mm

    return [
        p("Opening line"),
        Spacer(1, gap_mm * mm),
        p("Who is reached", "h3"),
        p("A line of explanation.", "small"),
        table(["Answer", "Families"], [["White British", "120"], ["Asian", "40"]], [60, 30]),
        p("After the table"),
    ]


def _pages(story: list[Flowable]) -> list[str]:
    buffer = io.BytesIO()
    document = new_document(buffer, title="t", header="h", footer="f")
    build(document, story)
    return [page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages]


def test_heading_grouped_with_its_table() -> None:
    kept = keep_headings_with_tables(_story(10))
    assert len(kept) == 4
    group = kept[2]
    assert isinstance(group, KeepTogether)
    assert len(vars(group)["_content"]) == 3  # heading, explanation, table


def test_heading_moves_to_the_next_page_with_its_table() -> None:
    # A gap that leaves just room for the heading at the foot of page 1, not the table.
    for gap in range(225, 262, 3):
        plain = _pages(_story(gap))
        if len(plain) > 1 and "Who is reached" in plain[0] and "White British" not in plain[0]:
            break
    else:
        raise AssertionError("no gap left the heading alone at the foot of the page")
    kept = _pages(keep_headings_with_tables(_story(gap)))
    assert "Who is reached" not in kept[0]
    assert "Who is reached" in kept[1] and "White British" in kept[1]
