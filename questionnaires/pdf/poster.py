"""The printable A4 poster for a group's room code: drawn with reportlab from a layout, with the
QR code drawn module by module from the `qrcode` library's matrix (so it is vector, and prints
sharp at any size)."""

from __future__ import annotations

import io
from datetime import datetime

import qrcode
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from questionnaires import credentials

NHS_BLUE = colors.HexColor("#005eb8")
TEXT = colors.HexColor("#212b32")


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone (border)
    module = size / len(matrix)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                canvas.rect(
                    x + col * module,
                    y + size - (row + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def until_words(expires_at: datetime) -> str:
    """When a room code stops working, as people in the room read it: "23:59 on 2 December"."""
    local = timezone.localtime(expires_at)
    return f"{local:%H:%M} on {local.day} {local:%B}"


def group_poster(
    group_name: str,
    join_url: str,
    start_url: str,
    code: str,
    contact_line: str,
    expires_at: datetime,
    takes: str,
) -> bytes:
    """`takes` is how long the questions take, in the words the join page uses (e.g. "about
    20 minutes"); a poster left up after the code stops says when that was."""
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{group_name} – join the questionnaires")
    margin = 20 * mm

    canvas.setFillColor(NHS_BLUE)
    canvas.rect(0, height - 35 * mm, width, 35 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    # Long group names shrink, then wrap onto a second line, rather than run off the page.
    size = 26
    lines = simpleSplit(group_name, "Helvetica-Bold", size, width - 2 * margin)
    while len(lines) > 2 and size > 14:
        size -= 2
        lines = simpleSplit(group_name, "Helvetica-Bold", size, width - 2 * margin)
    canvas.setFont("Helvetica-Bold", size)
    top = height - (22 if len(lines) == 1 else 16) * mm
    for index, line in enumerate(lines[:2]):
        canvas.drawString(margin, top - index * size * 1.1, line)

    canvas.setFillColor(TEXT)
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawString(margin, height - 52 * mm, "Answer the group questions on your phone")

    qr_size = 95 * mm
    qr_y = height - 60 * mm - qr_size
    _draw_qr(canvas, join_url, (width - qr_size) / 2, qr_y, qr_size)

    canvas.setFont("Helvetica", 14)
    canvas.drawCentredString(width / 2, qr_y - 10 * mm, "No camera? Go to")
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawCentredString(width / 2, qr_y - 18 * mm, start_url)
    canvas.setFont("Helvetica", 14)
    canvas.drawCentredString(width / 2, qr_y - 27 * mm, "and type this code:")
    canvas.setFont("Courier-Bold", 44)
    canvas.drawCentredString(width / 2, qr_y - 45 * mm, credentials.spaced_code(code))
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawCentredString(
        width / 2, qr_y - 55 * mm, f"This code works until {until_words(expires_at)}."
    )

    steps = [
        "1. Point your phone's camera at the square code. Tap the link that appears.",
        "2. Give your first name and your baby's date of birth (or due date).",
        f"3. Answer the questions. They take {takes}.",
        "    Only your team sees your answers.",
    ]
    canvas.setFont("Helvetica", 13)
    y = qr_y - 66 * mm
    for step in steps:
        canvas.drawString(margin, y, step)
        y -= 8 * mm
    if contact_line:
        canvas.setFont("Helvetica-Oblique", 11)
        canvas.drawString(margin, 15 * mm, contact_line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
