"""What every PDF shares: fonts that can draw parents' names, paragraph styles, tables, and a
page header and footer. Paragraph text is markup: every text that is not our own literal goes
through `esc` (INJ-1). Meaning never rests on colour: zones and flags are words."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
GRID = colors.HexColor("#768692")
HEADER_FILL = colors.HexColor("#e8edee")  # light grey: still readable printed in black and white


@functools.cache
def fonts() -> None:
    # Helvetica cannot draw "−", "→" or many parents' names; DejaVu (shipped with matplotlib,
    # already a dependency) covers them, so nothing new is installed.
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    fonts()
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


def esc(text: object) -> str:
    return escape(str(text))


def p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(esc(text), styles()[style])


def table(
    header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]
) -> Table:
    data: list[list[Flowable]] = [[p(h, "cell") for h in header]]
    data += [[c if isinstance(c, Flowable) else p(c, "cell") for c in row] for row in rows]
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


def bold_cell(text: object) -> Paragraph:
    return Paragraph(f"<b>{esc(text)}</b>", styles()["cell"])


class DecoratedDocument(SimpleDocTemplate):
    """A document that carries its page header and footer (`decorate`) on to `build`."""

    decorate: Callable[[Any, Any], None]


def new_document(buffer: io.BytesIO, title: str, header: str, footer: str) -> DecoratedDocument:
    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, header)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.restoreState()

    document = DecoratedDocument(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=header,
    )
    document.decorate = decorate
    return document


def build(document: DecoratedDocument, story: list[Flowable]) -> None:
    fonts()
    decorate = document.decorate
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
