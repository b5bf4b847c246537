"""QR codes drawn on the server as inline SVG: no image files, no third-party service, and
nothing for the page's Content-Security-Policy to allow."""

from __future__ import annotations

import qrcode
import qrcode.constants
from qrcode.compat.etree import ET  # the same ElementTree the library builds its image with
from qrcode.image.svg import SvgPathFillImage

# Drawn size on screen, in CSS pixels: big enough to scan across a room, small enough to fit
# a 390-pixel-wide phone screen with the page's margins.
DISPLAY_PIXELS = 280
DEFAULT_LABEL = "QR code of the personal link"


def svg_for_url(url: str, label: str = DEFAULT_LABEL) -> str:
    """An inline <svg> of a QR code for `url`, described for screen readers by `label`."""
    # Medium error correction survives a glare or a smudge on a screen without making the
    # code so dense that an older phone camera struggles with a long link.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    # The filled variant paints a white background, so the code still scans on a dark screen.
    image = code.make_image(image_factory=SvgPathFillImage)
    svg = image.get_image()
    # The library sizes the image in millimetres; pixels keep it the same size on every screen.
    svg.set("width", str(DISPLAY_PIXELS))
    svg.set("height", str(DISPLAY_PIXELS))
    svg.set("role", "img")
    svg.set("aria-label", label)
    svg.set("focusable", "false")
    for path in svg.iter("path"):
        # One QR per page today, but a fixed id would clash if a page ever showed two.
        path.attrib.pop("id", None)
    title = ET.Element("title")
    title.text = label
    svg.insert(0, title)
    # Serialising the element itself (not the document) leaves out the XML declaration,
    # which has no place inside an HTML page.
    return ET.tostring(svg, encoding="unicode")
