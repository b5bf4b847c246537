"""Every outcomes statistic against scipy.stats run directly on the same numbers, with the
edge cases: n = 0, 1, 2; every difference equal (zero variance); ties and zeros for
Wilcoxon; missing subscale scores; reliable change only where configured; recovery with its
own denominator; the LOAF shift table; small-number suppression."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from questionnaires.outcomes import statistics as st

WARMTH = st.MeasureInfo("mors_sf", "warmth", "MORS-SF Warmth", "higher", "points", (0, 35))
INVASIVE = st.MeasureInfo("mors_sf", "invasiveness", "Invasiveness", "lower", "points", (0, 35))
CMS = st.MeasureInfo("prfq", "CMS", "PRFQ CMS", "middle", "average", (1, 7))


def scipy_expected(t1: Sequence[float], t2: Sequence[float]) -> dict[str, float]:
    a, b = np.array(t1, float), np.array(t2, float)
    d = b - a
    n = len(d)
    sd = d.std(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return {
        "mean_t1": a.mean(),
        "sd_t1": a.std(ddof=1),
        "mean_t2": b.mean(),
        "sd_t2": b.std(ddof=1),
        "mean_diff": d.mean(),
        "ci_low": d.mean() - half,
        "ci_high": d.mean() + half,
        "t_p": stats.ttest_rel(b, a).pvalue,
        "wilcoxon_p": stats.wilcoxon(b, a).pvalue,
        "cohen_d": d.mean() / sd,
    }


def check(result: st.PairedChange, expected: dict[str, float]) -> None:
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_paired_change_matches_scipy() -> None:
    t1 = [20, 22, 18, 25, 19, 21, 23, 17]
    t2 = [24, 23, 22, 27, 18, 25, 26, 21]
    result = st.paired_change_one(WARMTH, pd.Series(t1), pd.Series(t2))
    assert result.n == 8 and not result.suppressed
    check(result, scipy_expected(t1, t2))
    assert result.direction == "MORS-SF Warmth rose by 2.62 points on average — better"


def test_lower_is_better_says_better_when_it_falls() -> None:
    result = st.paired_change_one(
        INVASIVE, pd.Series([10, 12, 9, 14, 11]), pd.Series([8, 9, 9, 10, 7])
    )
    assert result.direction.endswith("fell by 2.60 points on average — better")


def test_middle_is_better_reads_distance_from_the_middle() -> None:
    result = st.paired_change_one(CMS, pd.Series([6.5, 1.5, 6.0]), pd.Series([5.0, 3.0, 4.5]))
    assert "moved towards the middle" in result.direction and result.direction.endswith("better")


def test_wilcoxon_with_ties_and_zeros_matches_scipy() -> None:
    t1 = [3, 3, 4, 5, 2, 6, 4, 4, 5, 3]
    t2 = [4, 3, 5, 6, 2, 7, 6, 4, 4, 5]  # zeros and tied absolute differences
    result = st.paired_change_one(WARMTH, pd.Series(t1), pd.Series(t2))
    assert result.wilcoxon_p == pytest.approx(stats.wilcoxon(t2, t1).pvalue, rel=1e-12)
    check(result, scipy_expected(t1, t2))


def test_no_pairs() -> None:
    result = st.paired_change_one(WARMTH, pd.Series([], dtype=float), pd.Series([], dtype=float))
    assert result.n == 0 and result.suppressed and result.mean_diff is None
    assert "nobody" in result.direction


def test_one_pair_has_means_but_no_test() -> None:
    result = st.paired_change_one(WARMTH, pd.Series([10.0]), pd.Series([12.0]))
    assert (result.n, result.mean_t1, result.mean_t2, result.mean_diff) == (1, 10, 12, 2)
    assert result.sd_t1 is None and result.t_p is None and result.ci_low is None
    assert result.cohen_d is None and result.suppressed
    assert any("not computable" in note for note in result.notes)
    # scipy agrees there is nothing to test with one pair
    assert math.isnan(stats.ttest_rel([12.0], [10.0]).pvalue)


def test_two_pairs_match_scipy() -> None:
    t1, t2 = [10.0, 14.0], [13.0, 15.0]
    result = st.paired_change_one(WARMTH, pd.Series(t1), pd.Series(t2))
    check(result, scipy_expected(t1, t2))
    assert result.suppressed  # computed, but fewer than 5: not shown


def test_every_difference_equal_is_not_computable_for_t_and_d() -> None:
    t1, t2 = [10, 11, 12, 13, 14], [12, 13, 14, 15, 16]
    result = st.paired_change_one(WARMTH, pd.Series(t1), pd.Series(t2))
    assert result.mean_diff == 2 and result.t_p is None and result.cohen_d is None
    assert result.ci_low is None
    assert result.wilcoxon_p == pytest.approx(stats.wilcoxon(t2, t1).pvalue)
    assert any("every difference is the same" in note for note in result.notes)


def test_all_zero_differences_wilcoxon_not_computable() -> None:
    result = st.paired_change_one(WARMTH, pd.Series([5, 6, 7, 8, 9]), pd.Series([5, 6, 7, 8, 9]))
    assert result.wilcoxon_p is None and result.t_p is None
    assert result.direction == "MORS-SF Warmth did not change on average"


def scores_frame() -> pd.DataFrame:
    rows = []
    when = pd.Timestamp("2026-01-01", tz="UTC")
    data = {  # episode: (T1 warmth, T2 warmth); None = that subscale not scored
        "e1": (20, 24), "e2": (22, None), "e3": (18, 22), "e4": (None, 25), "e5": (19, 20),
    }  # fmt: skip
    for episode, (a, b) in data.items():
        for point, value, offset in (("T1", a, 0), ("T2", b, 60)):
            rows.append({
                "episode_id": episode, "timepoint": point, "response_id": f"{episode}{point}",
                "submitted_at": when + pd.Timedelta(days=offset), "baseline": False,
                "instrument": "mors_sf", "subscale": "warmth",
                "score": np.nan if value is None else float(value), "zone": None, "interval": None,
            })  # fmt: skip
    return pd.DataFrame(rows)


def test_missing_subscale_scores_leave_the_pair_out() -> None:
    pairs = st.pair_scores(scores_frame())
    assert sorted(pairs["episode_id"]) == ["e1", "e3", "e5"]
    result = st.paired_change(pairs, [WARMTH, INVASIVE])
    assert result[0].n == 3 and result[1].n == 0


def test_chosen_baseline_wins_over_the_first_start() -> None:
    frame = scores_frame()
    extra = frame.iloc[[0]].assign(
        response_id="e1T1b", submitted_at=pd.Timestamp("2026-01-10", tz="UTC"), baseline=True,
        score=10.0,
    )  # fmt: skip
    pairs = st.pair_scores(pd.concat([frame, extra]))
    assert pairs.set_index("episode_id").loc["e1", "t1"] == 10.0


def test_only_the_same_definition_language_pairs() -> None:
    """A translation is its own definition version (issue 16): an English start pairs only
    with an English end — a later Portuguese end is passed over, and a start with no end in
    its language has no pair. Frames without the column (older callers) count as English."""
    frame = scores_frame().assign(definition_language="en")
    later_pt = frame[(frame["episode_id"] == "e1") & (frame["timepoint"] == "T2")].assign(
        response_id="e1T2pt", submitted_at=pd.Timestamp("2026-04-01", tz="UTC"), score=40.0,
        definition_language="pt",
    )  # fmt: skip
    frame = pd.concat([frame, later_pt])
    only_pt = (frame["episode_id"] == "e3") & (frame["timepoint"] == "T2")
    frame.loc[only_pt, "definition_language"] = "pt"
    pairs = st.pair_scores(frame).set_index("episode_id")
    assert sorted(pairs.index) == ["e1", "e5"]
    assert pairs.loc["e1", "t2"] == 24.0 and pairs.loc["e1", "response_t2"] == "e1T2"
    plain = st.pair_scores(scores_frame().drop(columns=[], errors="ignore"))
    assert sorted(plain["episode_id"]) == ["e1", "e3", "e5"]


def test_reliable_change_only_where_configured() -> None:
    pairs = pd.DataFrame(
        {
            "instrument": "mors_sf",
            "subscale": "warmth",
            "t1": [10, 10, 10, 10, 10, 10],
            "t2": [20, 11, 2, 10, 16, 4],
        }
    )
    pairs["diff"] = pairs["t2"] - pairs["t1"]
    none = st.reliable_change(pairs, [WARMTH])[0]
    assert not none.configured and none.improved == 0 and none.threshold is None
    configured = st.MeasureInfo("mors_sf", "warmth", "Warmth", "higher", "points", None, 4.0, 0.8)
    result = st.reliable_change(pairs, [configured])[0]
    threshold = 1.96 * 4.0 * math.sqrt(2) * math.sqrt(1 - 0.8)
    assert result.threshold == pytest.approx(threshold)  # 4.96
    assert (result.improved, result.no_change, result.deteriorated) == (2, 2, 2)


def test_recovery_counts_only_those_above_at_the_start() -> None:
    pairs = pd.DataFrame(
        {
            "instrument": "asq_se2",
            "subscale": "total",
            "zone_t1": ["above", "above", "below", "monitoring", "above"],
            "zone_t2": ["below", "above", "above", "below", "monitoring"],
            "interval_t1": [6, 6, 12, 12, 6],
            "interval_t2": [12, 6, 12, 18, 12],
        }
    )
    result = st.cutoff_change(pairs, "asq_se2", "total")
    assert (result.n, result.above_t1, result.above_t2, result.recovered) == (5, 3, 2, 2)
    assert result.different_intervals == 3


def test_loaf_shift_table() -> None:
    ratings = pd.DataFrame(
        [("a", "A", "Mother", "T1", 3), ("a", "A", "Mother", "T2", 2),
         ("b", "A", "Mother", "T1", 2), ("b", "A", "Mother", "T2", 2),
         ("c", "B", "", "T1", 2), ("c", "B", "", "T2", 3),
         ("d", "A", "Mother", "T1", 1)],
        columns=["episode_id", "part", "caregiver", "timepoint", "level"],
    )  # fmt: skip
    shift = st.loaf_shift(ratings)
    assert shift.n == 3 and shift.table[2][1] == 1 and shift.table[1][1] == 1
    assert shift.table[1][2] == 1
    assert (shift.improved, shift.unchanged, shift.worsened) == (1, 1, 1)
    assert shift.percent_t1[1] == pytest.approx(200 / 3) and shift.suppressed


def test_breakdown_keeps_prefer_not_to_say_apart_from_missing_and_suppresses() -> None:
    values = pd.Series(["white"] * 6 + ["asian"] * 2 + ["prefer_not_to_say"] + [None, None])
    rows = {r.label: r for r in st.breakdown(values, {"white": "White", "asian": "Asian"})}
    assert rows["White"].count == 6 and not rows["White"].suppressed
    assert rows["Asian"].suppressed and rows["Prefer not to say"].count == 1
    assert rows["Not recorded"].count == 2
    done = st.completeness(values, "Ethnic group")
    assert (done.total, done.missing, done.prefer_not_to_say) == (11, 2, 1)


def test_funnel_and_paired_rate() -> None:
    episodes = pd.DataFrame({
        "invited": [True] * 6 + [False], "t1_sent": [True] * 5 + [False] * 2,
        "t2_sent": [True, True, True, False, False, False, False],
        "paired": [True, True, True, False, False, False, False],
        "finished": [True, True, True, True, False, True, False],
        "days_to_send": [1.0, 2.0, 3.0, 4.0, np.nan, np.nan, np.nan],
        "programme": ["psychotherapy"] * 7,
    })  # fmt: skip
    funnel = st.funnel(episodes, 7, 0.9)
    assert (funnel.finished, funnel.finished_paired, funnel.dropped_out) == (5, 3, 1)
    assert funnel.paired_rate == pytest.approx(0.6) and funnel.meets_goal is False
    assert funnel.median_days_to_send == 2.5
    (row,) = st.paired_rate_by(episodes, "programme", {"psychotherapy": "Psychotherapy"})
    assert (row.numerator, row.denominator, row.suppressed) == (3, 5, False)
