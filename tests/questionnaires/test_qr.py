"""QR codes are inline SVG of the URL."""

from __future__ import annotations

from questionnaires import qr


def test_qr_is_an_inline_svg_of_the_url() -> None:
    first = qr.svg_for_url("https://portal.example.nhs.uk/p/aaaaaaaa")
    second = qr.svg_for_url("https://portal.example.nhs.uk/p/bbbbbbbb")
    assert first.startswith("<svg") and first.endswith("</svg>")
    assert "<path" in first and "<?xml" not in first
    assert 'role="img"' in first and "<title>QR code of the personal link</title>" in first
    assert first != second
    assert qr.svg_for_url("https://portal.example.nhs.uk/p/aaaaaaaa") == first
