"""Small server-side charts (matplotlib, SVG) of start (T1) and end (T2) scores per measure.

The page's CSP allows no inline styles, and matplotlib writes its SVG styling as `style`
attributes and a `<style>` block, so the SVG is rewritten into plain presentation attributes
(`fill="#000"`), which need no CSP exception. Start and end differ by marker shape and fill, not
by colour, so the chart reads the same printed in black and white."""

from __future__ import annotations

import io
import itertools
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.typing import RcKeyType  # noqa: E402

from questionnaires.summary.change_rows import ChartSeries  # noqa: E402
from questionnaires.summary.wording import format_number  # noqa: E402

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

FONT_FAMILY = "Arial, Helvetica, sans-serif"
# Matplotlib's rcParams are global: one chart at a time per process keeps them consistent.
_lock = threading.Lock()
_ids = itertools.count(1)
_URL_REF = re.compile(r"url\(#([^)]+)\)")
SVG_CACHE_SIZE = 256
_svg_cache: OrderedDict[str, str] = OrderedDict()


def _rc() -> dict[RcKeyType, Any]:
    return {
        "svg.fonttype": "none",  # real <text>, readable by search and screen readers
        "svg.hashsalt": "chart",  # stable ids, so the same data gives the same SVG
        # Drawn narrow with large text: the SVG scales down to a 390 px phone, and 13 units
        # on a 5.2 inch figure stay about 10 px there (10 on 6.4 inches fell to 6 px).
        "font.size": 13,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _draw(series: ChartSeries) -> Figure:
    count = len(series.labels)
    figure = Figure(figsize=(5.2, 0.8 * count + 2.0))
    axes = figure.add_subplot()
    rows = list(range(count))[::-1]  # first subscale at the top
    pad = (series.high - series.low) * 0.03
    axes.set_xlim(series.low - pad, series.high + pad)
    axes.set_ylim(-0.7, count - 0.3)
    # Long subscale names (and a "(prorated)" marker) wrap rather than squeeze the plot.
    axes.set_yticks(rows, [textwrap.fill(label, 16) for label in series.labels])
    axes.set_xlabel(
        series.axis_label
        or f"Score (range {format_number(series.low)} to {format_number(series.high)})"
    )
    axes.grid(axis="x", color="#d8dde0", linewidth=0.8)
    axes.set_axisbelow(True)
    if series.monitoring is not None:
        axes.axvspan(
            *series.monitoring, facecolor="none", edgecolor="#4c6272", hatch="///", linewidth=0
        )
    if series.cutoff is not None:
        axes.axvline(series.cutoff, color="#212b32", linestyle="--", linewidth=1.2)
    for row, first, last in zip(rows, series.t1, series.t2, strict=True):
        if first is not None and last is not None:
            axes.plot([first, last], [row + 0.1, row - 0.1], color="#4c6272", linewidth=1.5)
        # Start sits a little above the line and end a little below, so equal scores still
        # show both markers.
        if first is not None:
            axes.plot(
                first, row + 0.1, marker="o", markersize=9, color="#212b32", mfc="white", mew=2
            )
        if last is not None:
            axes.plot(last, row - 0.1, marker="s", markersize=8, color="#212b32")
    handles: list[Line2D | Patch] = [
        Line2D([], [], marker="o", color="#212b32", mfc="white", mew=2, ls="", label="Start (T1)"),
        Line2D([], [], marker="s", color="#212b32", ls="", label="End (T2)"),
    ]
    if series.cutoff is not None:
        handles.append(Line2D([], [], color="#212b32", ls="--", label="Cut-off"))
    if series.monitoring is not None:
        handles.append(
            Patch(facecolor="none", edgecolor="#4c6272", hatch="///", label="Monitoring zone")
        )
    axes.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        frameon=False,
    )
    figure.tight_layout()
    return figure


def _style_to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name:
            continue
        if name == "font":
            # "font: 10px 'DejaVu Sans'" → size here; the family is set for the whole chart.
            element.set("font-size", value.split()[0])
        elif name != "font-family":
            element.set(name, value)


def _clean(svg: str, label: str) -> str:
    root = ET.fromstring(svg)
    prefix = f"chart{next(_ids)}-"
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        _style_to_attributes(element)
        # Ids must be unique on a page with several charts.
        if "id" in element.attrib:
            element.set("id", prefix + element.attrib["id"])
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
            elif name in ("href", f"{{{XLINK_NS}}}href") and value.startswith("#"):
                element.set(name, f"#{prefix}{value[1:]}")
    for name in ("width", "height"):
        root.attrib.pop(name, None)  # scale with the page; the viewBox keeps the shape
    root.set("class", "app-chart")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("font-family", FONT_FAMILY)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    # ElementTree's namespace prefixes are process-wide (the QR code library registers its own
    # for SVG), so write plain names and declare the namespaces ourselves.
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [n for n in element.attrib if n.startswith("{")]:
            value = element.attrib.pop(name)
            element.set(name.replace(f"{{{XLINK_NS}}}", "xlink:").rpartition("}")[2], value)
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def chart_label(series: ChartSeries) -> str:
    """The chart in words, for screen readers (the table beside it has the same numbers)."""
    parts = []
    for name, first, last in zip(series.labels, series.t1, series.t2, strict=True):
        start = "not scored" if first is None else format_number(round(first, 2))
        end = "not scored" if last is None else format_number(round(last, 2))
        parts.append(f"{name}: start {start}, end {end}")
    return f"Chart of {series.title} scores. " + "; ".join(parts) + "."


def measure_chart_svg(series: ChartSeries) -> str:
    """An inline SVG chart for one measure. Safe to put in a page as-is: every text in it is
    our own (numbers and the definition's subscale names), escaped by the XML writer."""
    # Drawing takes ~40 ms and scores never change once sent, so recent charts are kept.
    key = repr(series)
    with _lock:
        if key in _svg_cache:
            _svg_cache.move_to_end(key)
            return _svg_cache[key]
        with rc_context(_rc()):
            figure = _draw(series)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg = _svg_cache[key] = _clean(buffer.getvalue(), chart_label(series))
        while len(_svg_cache) > SVG_CACHE_SIZE:
            _svg_cache.popitem(last=False)
    return svg


def measure_chart_png(series: ChartSeries, dpi: int = 150) -> bytes:
    """The same chart as PNG, for the PDF report."""
    with _lock, rc_context(_rc()):
        figure = _draw(series)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
