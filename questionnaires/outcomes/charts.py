"""The outcomes charts (matplotlib, server-side): paired change per subscale with 95% CIs, the
engagement funnel and the LOAF shift. Each is drawn once as a figure and written as a CSP-safe
inline SVG for the page (through `questionnaires.charts`) or PNG for the PDF, and each has a
text alternative. Black, white and grey only, so they print in black and white."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from questionnaires import charts as base
from questionnaires.outcomes.statistics import Funnel, LoafShift, PairedChange


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    figure: Figure

    def svg(self) -> str:
        with base._lock:
            buffer = io.StringIO()
            self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            return base._clean(buffer.getvalue(), self.alt)

    def png(self, dpi: int = 130) -> bytes:
        with base._lock:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=dpi)
            return buffer.getvalue()


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def change_chart(rows: list[PairedChange]) -> Chart | None:
    """Mean difference (T2 − T1) with its 95% CI, one line per subscale shown (n ≥ 5), one
    panel per questionnaire: their scales differ, so each has its own axis."""
    shown = [r for r in rows if not r.suppressed and r.ci_low is not None]
    if not shown:
        return None
    instruments = list(dict.fromkeys(r.instrument for r in shown))
    with rc_context(base._rc()):
        heights = [sum(1 for r in shown if r.instrument == code) + 1.2 for code in instruments]
        figure = Figure(figsize=(6.4, 0.55 * sum(heights) + 0.6))
        panels = figure.subplots(len(instruments), 1, squeeze=False, height_ratios=heights)
        for axes, code in zip(panels[:, 0], instruments, strict=True):
            mine = [r for r in shown if r.instrument == code]
            ys = list(range(len(mine)))[::-1]
            for y, row in zip(ys, mine, strict=True):
                assert row.ci_low is not None and row.ci_high is not None
                axes.plot([row.ci_low, row.ci_high], [y, y], color="black", linewidth=1.5)
                axes.plot([row.mean_diff], [y], marker="s", color="black", markersize=7)
            axes.axvline(0, color="grey", linestyle="--", linewidth=1)
            axes.set_yticks(ys, [f"{r.name} (n={r.n})" for r in mine])
            axes.set_ylim(-0.6, len(mine) - 0.4)
        figure.supxlabel(_("Mean change (end − start) with 95% confidence interval"), fontsize=12)
        figure.tight_layout()
    alt = _("Chart of the mean change per subscale. ") + "; ".join(
        f"{r.name}: {_f(r.mean_diff)} (95% CI {_f(r.ci_low)} to {_f(r.ci_high)}), n {r.n}"
        for r in shown
    )
    return Chart(_("Paired change per subscale"), alt, figure)


def funnel_chart(funnel: Funnel) -> Chart:
    steps = [
        (_("Episodes"), funnel.episodes),
        (_("Invited"), funnel.invited),
        (_("Start (T1) sent"), funnel.t1_sent),
        (_("End (T2) sent"), funnel.t2_sent),
        (_("Paired T1 and T2"), funnel.paired),
    ]
    with rc_context(base._rc()):
        figure = Figure(figsize=(6.4, 3.2))
        axes = figure.add_subplot()
        ys = list(range(len(steps)))[::-1]
        axes.barh(ys, [v for _l, v in steps], color="lightgrey", edgecolor="black", hatch="//")
        for y, (_label, value) in zip(ys, steps, strict=True):
            axes.text(value, y, f" {value}", va="center")
        axes.set_yticks(ys, [label for label, _v in steps])
        axes.set_xlabel(_("Episodes"))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout()
    alt = _("Chart of the engagement funnel: ") + "; ".join(f"{name} {v}" for name, v in steps)
    return Chart(_("Engagement funnel"), alt, figure)


def loaf_chart(shift: LoafShift) -> Chart | None:
    if shift.suppressed:
        return None
    with rc_context(base._rc()):
        figure = Figure(figsize=(4.6, 4.0))
        axes = figure.add_subplot()
        top = max(max(row) for row in shift.table) or 1
        for i, row in enumerate(shift.table):
            for j, count in enumerate(row):
                shade = 1 - 0.6 * count / top
                axes.add_patch(
                    Rectangle((j + 0.5, i + 0.5), 1, 1, facecolor=str(shade), edgecolor="black")
                )
                axes.text(j + 1, i + 1, str(count), ha="center", va="center")
        axes.set_xlim(0.5, 4.5)
        axes.set_ylim(4.5, 0.5)
        axes.set_xticks([1, 2, 3, 4])
        axes.set_yticks([1, 2, 3, 4])
        axes.set_xlabel(_("Level at the end (T2)"))
        axes.set_ylabel(_("Level at the start (T1)"))
        figure.tight_layout()
    alt = _(
        "Chart of the LOAF shift table: %(improved)s improved, %(unchanged)s unchanged, "
        "%(worsened)s worsened, of %(n)s relationships."
    ) % {
        "improved": shift.improved,
        "unchanged": shift.unchanged,
        "worsened": shift.worsened,
        "n": shift.n,
    }
    return Chart(_("LOAF level at the start and the end"), alt, figure)
