"""Every outcomes number in words, formatted once, here, so the page, the PDF and the tests
agree on what "2 decimal places" means."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from questionnaires.outcomes import statistics as st


def number(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def p_value(value: float | None) -> str:
    if value is None:
        return _("not computable")
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def percent(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}%"


@dataclass(frozen=True)
class PairedRow:
    name: str
    n: int
    suppressed: bool
    t1: str
    t2: str
    diff: str
    t_p: str
    wilcoxon_p: str
    cohen_d: str
    direction: str
    notes: str


def paired_rows(results: list[st.PairedChange]) -> list[PairedRow]:
    rows = []
    for r in results:
        if r.suppressed:
            rows.append(PairedRow(r.name, r.n, True, "", "", "", "", "", "", "", ""))
            continue
        rows.append(
            PairedRow(
                name=r.name,
                n=r.n,
                suppressed=False,
                t1=f"{number(r.mean_t1)} ({number(r.sd_t1)})",
                t2=f"{number(r.mean_t2)} ({number(r.sd_t2)})",
                diff=f"{number(r.mean_diff)} ({number(r.ci_low)} to {number(r.ci_high)})",
                t_p=p_value(r.t_p),
                wilcoxon_p=p_value(r.wilcoxon_p),
                cohen_d=number(r.cohen_d),
                direction=r.direction,
                notes="; ".join(r.notes),
            )
        )
    return rows


def count(value: int, suppressed: bool) -> str:
    return _("fewer than 5") if suppressed else str(value)


def rate_words(row: st.RateRow) -> str:
    if row.suppressed:
        return _("fewer than 5 finished episodes")
    rate = percent(None if row.rate is None else 100 * row.rate)
    return f"{rate} ({row.numerator} of {row.denominator})"
