"""Every outcomes statistic, as pure functions from pandas DataFrames to frozen results.

No Django and no queries here: `questionnaires/selectors/outcomes.py` builds the frames in a
fixed number of queries and these functions work on whole columns (groupby), so the cost grows
with the data only inside pandas and numpy. scipy.stats computes the tests, so the numbers are
the ones an evaluator gets running scipy on the exported file.

Frames (column names are the contract with the selector and the exports):
- scores: one row per current score of a sent, confirmed response per subscale —
  episode_id, timepoint ("T1"/"T2"), response_id, submitted_at, baseline (bool: the episode's
  chosen baseline response), instrument, subscale, score (NaN: not scored), zone, interval.
- pairs (from `pair_scores`): one row per episode, instrument and subscale with both a T1 and a
  T2 score — episode_id, instrument, subscale, t1, t2, diff, zone_t1, zone_t2, interval_t1,
  interval_t2.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

# Cells counting fewer people than this are not shown (small-number suppression).
SUPPRESS_BELOW = 5
# Jacobson & Truax (1991): the two-tailed 95% point of the standard normal.
RCI_Z = 1.96
NOT_COMPUTABLE = "not computable"


@dataclass(frozen=True)
class MeasureInfo:
    """What the definition file says about one subscale (or a total)."""

    instrument: str
    subscale: str
    name: str
    better: str  # "higher", "lower" or "middle"
    unit: str
    range: tuple[float, float] | None = None
    sd: float | None = None
    reliability: float | None = None


@dataclass(frozen=True)
class PairedChange:
    instrument: str
    subscale: str
    name: str
    n: int
    suppressed: bool
    mean_t1: float | None
    sd_t1: float | None
    mean_t2: float | None
    sd_t2: float | None
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t_p: float | None
    wilcoxon_p: float | None
    cohen_d: float | None
    direction: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ReliableChange:
    instrument: str
    subscale: str
    name: str
    configured: bool
    threshold: float | None
    n: int
    improved: int
    no_change: int
    deteriorated: int
    suppressed: bool


@dataclass(frozen=True)
class CutoffChange:
    """ASQ:SE-2: above the cut-off at T1 and at T2, and recovery (above at T1, not at T2) with
    its own denominator (those above at T1)."""

    instrument: str
    n: int
    above_t1: int
    above_t2: int
    recovered: int
    different_intervals: int
    suppressed: bool


@dataclass(frozen=True)
class LoafShift:
    n: int
    table: tuple[tuple[int, ...], ...]  # table[t1_level - 1][t2_level - 1]
    improved: int
    unchanged: int
    worsened: int
    percent_t1: tuple[float | None, ...]  # at levels 1..4
    percent_t2: tuple[float | None, ...]
    suppressed: bool


@dataclass(frozen=True)
class Funnel:
    families: int
    episodes: int
    invited: int
    t1_sent: int
    t2_sent: int
    paired: int
    finished: int
    finished_paired: int
    dropped_out: int  # T1 sent, finished, no T2 sent
    median_days_to_send: float | None
    goal: float

    @property
    def paired_rate(self) -> float | None:
        return self.finished_paired / self.finished if self.finished else None

    @property
    def meets_goal(self) -> bool | None:
        rate = self.paired_rate
        return None if rate is None else rate >= self.goal


@dataclass(frozen=True)
class RateRow:
    label: str
    numerator: int
    denominator: int
    suppressed: bool

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int
    percent: float | None
    suppressed: bool


@dataclass(frozen=True)
class Completeness:
    label: str
    total: int
    missing: int
    prefer_not_to_say: int

    @property
    def percent_missing(self) -> float | None:
        return 100 * self.missing / self.total if self.total else None

    @property
    def percent_prefer_not(self) -> float | None:
        return 100 * self.prefer_not_to_say / self.total if self.total else None


def _float(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


# --- Pairing ----------------------------------------------------------------------------------

PAIR_COLUMNS = [
    "episode_id", "instrument", "subscale", "t1", "t2", "diff",
    "zone_t1", "zone_t2", "interval_t1", "interval_t2",
    "response_t1", "response_t2",
]  # fmt: skip


def pair_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """One T1 and one T2 score per episode, instrument and subscale, where both exist: the
    episode's chosen baseline (else its first sent T1) against its last sent T2. Only the same
    questionnaire pairs with itself, so a P-PRFQ is never differenced against a PRFQ, and only
    in the same definition language (an English start never against a Portuguese end)."""
    if scores.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    keys = ["episode_id", "instrument", "subscale"]
    scored = scores[scores["score"].notna()]
    if "definition_language" not in scored.columns:
        scored = scored.assign(definition_language="en")
    # Comparable versions only: the end score must come from a definition in the same
    # language as the start's (a translation is its own definition version, issue 16). The
    # start is chosen first; the end is the last sent one in that language.
    comparable = [*keys, "definition_language"]
    t1 = scored[scored["timepoint"] == "T1"].sort_values(
        ["baseline", "submitted_at"], ascending=[False, True]
    )
    t1 = t1.drop_duplicates(keys, keep="first")
    t2 = scored[scored["timepoint"] == "T2"].sort_values("submitted_at")
    t2 = t2.drop_duplicates(comparable, keep="last")
    kept = ["score", "zone", "interval", "response_id"]
    pairs = t1[comparable + kept].merge(
        t2[comparable + kept], on=comparable, suffixes=("_t1", "_t2")
    )
    pairs = pairs.rename(
        columns={
            "score_t1": "t1",
            "score_t2": "t2",
            "response_id_t1": "response_t1",
            "response_id_t2": "response_t2",
        }
    )
    pairs["diff"] = pairs["t2"] - pairs["t1"]
    return pairs[PAIR_COLUMNS].reset_index(drop=True)


# --- Paired change ----------------------------------------------------------------------------


def _direction(info: MeasureInfo, t1: pd.Series, t2: pd.Series, mean_diff: float) -> str:
    unit = "points" if info.unit == "points" else "points on the 1–7 scale"
    if info.better == "middle" and info.range is not None:
        middle = (info.range[0] + info.range[1]) / 2
        closer = float(((t1 - middle).abs() - (t2 - middle).abs()).mean())
        if math.isclose(closer, 0.0, abs_tol=1e-12):
            return f"{info.name}: no change in distance from the middle on average"
        towards = "towards" if closer > 0 else "away from"
        verdict = "better" if closer > 0 else "worse"
        return (
            f"{info.name} moved {towards} the middle of the range by {abs(closer):.2f} {unit} "
            f"on average — {verdict}"
        )
    if math.isclose(mean_diff, 0.0, abs_tol=1e-12):
        return f"{info.name} did not change on average"
    rose = mean_diff > 0
    verdict = "better" if rose == (info.better == "higher") else "worse"
    moved = "rose" if rose else "fell"
    return f"{info.name} {moved} by {abs(mean_diff):.2f} {unit} on average — {verdict}"


def paired_change_one(info: MeasureInfo, t1: pd.Series, t2: pd.Series) -> PairedChange:
    """n, mean (SD) at T1 and T2, mean difference (T2 − T1) with its 95% t confidence interval,
    paired t-test and Wilcoxon signed-rank p (scipy defaults: two-sided, zeros dropped,
    exact below 50 pairs without ties), and Cohen's d for paired data (mean difference ÷ SD of
    the differences). What cannot be computed is None, with a note saying why."""
    t1 = t1.astype(float).reset_index(drop=True)
    t2 = t2.astype(float).reset_index(drop=True)
    diff = t2 - t1
    n = len(diff)
    notes: list[str] = []
    none = None
    if n == 0:
        return PairedChange(
            info.instrument, info.subscale, info.name, 0, True,
            none, none, none, none, none, none, none, none, none, none,
            f"{info.name}: nobody with both a start and an end score", ("no pairs",),
        )  # fmt: skip
    mean_t1, mean_t2, mean_diff = float(t1.mean()), float(t2.mean()), float(diff.mean())
    sd_t1 = _float(t1.std(ddof=1)) if n > 1 else None
    sd_t2 = _float(t2.std(ddof=1)) if n > 1 else None
    sd_diff = float(diff.std(ddof=1)) if n > 1 else math.nan
    ci_low = ci_high = t_p = cohen_d = None
    if n < 2:
        notes.append(f"t-test, confidence interval and effect size {NOT_COMPUTABLE}: one pair")
    elif sd_diff == 0 or math.isnan(sd_diff):
        notes.append(
            f"t-test, confidence interval and effect size {NOT_COMPUTABLE}: "
            "every difference is the same"
        )
    else:
        half = float(stats.t.ppf(0.975, n - 1)) * sd_diff / math.sqrt(n)
        ci_low, ci_high = mean_diff - half, mean_diff + half
        t_p = _float(stats.ttest_rel(t2, t1).pvalue)
        cohen_d = mean_diff / sd_diff
    wilcoxon_p = None
    nonzero = int((diff != 0).sum())
    if nonzero == 0:
        notes.append(f"Wilcoxon test {NOT_COMPUTABLE}: no differences other than zero")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wilcoxon_p = _float(stats.wilcoxon(t2, t1).pvalue)
        if wilcoxon_p is None:
            notes.append(f"Wilcoxon test {NOT_COMPUTABLE}")
    return PairedChange(
        instrument=info.instrument,
        subscale=info.subscale,
        name=info.name,
        n=n,
        suppressed=n < SUPPRESS_BELOW,
        mean_t1=mean_t1,
        sd_t1=sd_t1,
        mean_t2=mean_t2,
        sd_t2=sd_t2,
        mean_diff=mean_diff,
        ci_low=ci_low,
        ci_high=ci_high,
        t_p=t_p,
        wilcoxon_p=wilcoxon_p,
        cohen_d=cohen_d,
        direction=_direction(info, t1, t2, mean_diff),
        notes=tuple(notes),
    )


def paired_change(pairs: pd.DataFrame, measures: Sequence[MeasureInfo]) -> list[PairedChange]:
    """One row per measure and subscale, in the order given; an absent subscale has n = 0."""
    groups = {key: frame for key, frame in pairs.groupby(["instrument", "subscale"], sort=False)}
    empty = pd.Series([], dtype=float)
    results = []
    for info in measures:
        frame = groups.get((info.instrument, info.subscale))
        if frame is None:
            results.append(paired_change_one(info, empty, empty))
        else:
            results.append(paired_change_one(info, frame["t1"], frame["t2"]))
    return results


# --- Individual change ------------------------------------------------------------------------


def rci_threshold(sd: float, reliability: float) -> float:
    """The smallest difference that is reliable: 1.96 × SD × √2 × √(1 − reliability)."""
    return RCI_Z * sd * math.sqrt(2) * math.sqrt(1 - reliability)


def reliable_change(pairs: pd.DataFrame, measures: Sequence[MeasureInfo]) -> list[ReliableChange]:
    """Reliable improvement, no reliable change and reliable deterioration per subscale, only
    where the definition carries a published SD and reliability; otherwise `configured` is
    False and nothing is counted as reliable."""
    results = []
    for info in measures:
        frame = pairs[
            (pairs["instrument"] == info.instrument) & (pairs["subscale"] == info.subscale)
        ]
        n = len(frame)
        if info.sd is None or info.reliability is None:
            results.append(
                ReliableChange(info.instrument, info.subscale, info.name, False, None, n, 0, 0, 0,
                               n < SUPPRESS_BELOW)
            )  # fmt: skip
            continue
        threshold = rci_threshold(info.sd, info.reliability)
        if info.better == "middle" and info.range is not None:
            middle = (info.range[0] + info.range[1]) / 2
            gain = (frame["t1"] - middle).abs() - (frame["t2"] - middle).abs()
        elif info.better == "lower":
            gain = -frame["diff"]
        else:
            gain = frame["diff"]
        improved = int((gain > threshold).sum())
        deteriorated = int((gain < -threshold).sum())
        results.append(
            ReliableChange(
                info.instrument, info.subscale, info.name, True, threshold, n, improved,
                n - improved - deteriorated, deteriorated, n < SUPPRESS_BELOW,
            )
        )  # fmt: skip
    return results


def cutoff_change(pairs: pd.DataFrame, instrument: str, subscale: str) -> CutoffChange:
    """Above the cut-off at T1 vs T2 from the stored zones (each against its own interval's
    cut-off); recovery = above at T1 and not above at T2, out of those above at T1."""
    frame = pairs[(pairs["instrument"] == instrument) & (pairs["subscale"] == subscale)]
    above_t1 = frame["zone_t1"] == "above"
    above_t2 = frame["zone_t2"] == "above"
    return CutoffChange(
        instrument=instrument,
        n=len(frame),
        above_t1=int(above_t1.sum()),
        above_t2=int(above_t2.sum()),
        recovered=int((above_t1 & ~above_t2).sum()),
        different_intervals=int((frame["interval_t1"] != frame["interval_t2"]).sum()),
        suppressed=len(frame) < SUPPRESS_BELOW,
    )


# --- LOAF -------------------------------------------------------------------------------------


def loaf_shift(ratings: pd.DataFrame) -> LoafShift:
    """ratings: episode_id, part, caregiver, timepoint, level. Each relationship rated at both
    timepoints is one pair; levels are ordinal (1 best), counted, never averaged."""
    keys = ["episode_id", "part", "caregiver"]
    t1 = ratings[ratings["timepoint"] == "T1"][keys + ["level"]]
    t2 = ratings[ratings["timepoint"] == "T2"][keys + ["level"]]
    pairs = t1.merge(t2, on=keys, suffixes=("_t1", "_t2"))
    n = len(pairs)
    counts = pd.crosstab(pairs["level_t1"], pairs["level_t2"]).reindex(
        index=range(1, 5), columns=range(1, 5), fill_value=0
    )
    table = tuple(tuple(int(v) for v in row) for row in counts.to_numpy())
    before = pairs["level_t1"].value_counts().reindex(range(1, 5), fill_value=0)
    after = pairs["level_t2"].value_counts().reindex(range(1, 5), fill_value=0)
    return LoafShift(
        n=n,
        table=table,
        improved=int((pairs["level_t2"] < pairs["level_t1"]).sum()),
        unchanged=int((pairs["level_t2"] == pairs["level_t1"]).sum()),
        worsened=int((pairs["level_t2"] > pairs["level_t1"]).sum()),
        percent_t1=tuple(100 * int(v) / n if n else None for v in before),
        percent_t2=tuple(100 * int(v) / n if n else None for v in after),
        suppressed=n < SUPPRESS_BELOW,
    )


# --- Engagement -------------------------------------------------------------------------------


def funnel(episodes: pd.DataFrame, families: int, goal: float) -> Funnel:
    """episodes: one row per episode with booleans invited, t1_sent, t2_sent, paired, finished,
    and days_to_send (median days from a link's issue to its answers, NaN: none sent)."""
    finished = episodes["finished"]
    days = episodes["days_to_send"].dropna()
    return Funnel(
        families=families,
        episodes=len(episodes),
        invited=int(episodes["invited"].sum()),
        t1_sent=int(episodes["t1_sent"].sum()),
        t2_sent=int(episodes["t2_sent"].sum()),
        paired=int(episodes["paired"].sum()),
        finished=int(finished.sum()),
        finished_paired=int((finished & episodes["paired"]).sum()),
        dropped_out=int((finished & episodes["t1_sent"] & ~episodes["t2_sent"]).sum()),
        median_days_to_send=_float(days.median()) if len(days) else None,
        goal=goal,
    )


def paired_rate_by(episodes: pd.DataFrame, column: str, labels: Mapping[Any, str]) -> list[RateRow]:
    """The paired-score rate of finished episodes, by one column (programme, clinician, …)."""
    finished = episodes[episodes["finished"]]
    grouped = finished.groupby(column, dropna=False)["paired"].agg(["sum", "count"])
    rows = [
        RateRow(labels.get(key, str(key)) if key == key else "Not recorded",
                int(row["sum"]), int(row["count"]), int(row["count"]) < SUPPRESS_BELOW)
        for key, row in grouped.iterrows()
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row.label)


# --- Reach and completeness -------------------------------------------------------------------

PREFER_NOT = "prefer_not_to_say"


def breakdown(values: pd.Series, labels: Mapping[str, str]) -> list[CountRow]:
    """Counts and percentages of each answer (missing → "Not recorded"; "Prefer not to say" is
    an answer of its own); counts under 5 (but not 0) are suppressed with their percentage."""
    filled = values.astype("object").where(values.notna(), "__missing__").astype(str)
    counts = filled.value_counts()
    total = int(counts.sum())
    rows = []
    order = [*labels, PREFER_NOT, "__missing__"]
    for key in order + sorted(set(counts.index) - set(order)):
        count = int(counts.get(key, 0))
        if count == 0 and key not in labels:
            continue
        label = labels.get(key, "Prefer not to say" if key == PREFER_NOT else
                           "Not recorded" if key == "__missing__" else key)  # fmt: skip
        suppressed = 0 < count < SUPPRESS_BELOW
        percent = 100 * count / total if total else None
        rows.append(CountRow(label, count, percent, suppressed))
    return rows


def completeness(values: pd.Series, label: str) -> Completeness:
    text = values.astype("object")
    missing = int((text.isna() | (text == "")).sum())
    return Completeness(label, len(values), missing, int((text == PREFER_NOT).sum()))


def quintile(decile: pd.Series) -> pd.Series:
    """IMD decile 1–10 → quintile 1–5 (1 most deprived); missing stays missing."""
    return np.ceil(decile.astype(float) / 2).astype("Int64").astype("string")
