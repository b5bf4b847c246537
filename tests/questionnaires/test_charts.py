"""The change chart's accessible label says the numbers."""

from __future__ import annotations

from questionnaires import charts
from questionnaires.summary import change_rows


def test_chart_label_says_the_numbers() -> None:
    series = change_rows.ChartSeries("mors_sf", "MORS-SF", ["Warmth"], [21.0], [None], 0, 35)
    assert (
        charts.chart_label(series) == "Chart of MORS-SF scores. Warmth: start 21, end not scored."
    )
