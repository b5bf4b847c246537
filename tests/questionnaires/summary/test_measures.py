"""The clinical summary's measure results equal scoring.score on the stored answers."""

from __future__ import annotations

import scoring
from questionnaires import scoring_adapter
from questionnaires.models import (
    Family,
    ResponseMeasure,
)
from questionnaires.selectors import family_record
from questionnaires.summary import wording


def test_summary_values_equal_scoring_score_on_the_stored_answers(
    demo_families: dict[str, Family],
) -> None:
    checked = 0
    for family in demo_families.values():
        found = family_record.family_summary(family)
        for section in found.episodes:
            for point in section.timepoints:
                for result in point.measures:
                    measure = ResponseMeasure.objects.get(
                        response__invitation__episode=section.episode,
                        response__invitation__timepoint=point.timepoint,
                        instrument__code=result.code,
                    )
                    answers, context = scoring_adapter.scoring_inputs(measure)
                    expected = scoring.score(result.code, answers, **context)
                    unit = {s.code: s.unit for s in context["definition"].subscales}
                    for sub in result.subscales:
                        value = expected.subscales[sub.code]
                        assert sub.value == value
                        assert sub.shown == wording.format_score(value, unit[sub.code])
                    if result.asq is not None:
                        assert result.asq.total == expected.total
                        assert result.asq.zone == expected.zone
                        assert result.asq.missing_count == len(expected.missing)
                        assert result.asq.adjusted == expected.adjusted
                    checked += 1
    assert checked == 6 * 2 * 3  # six families, T1 and T2, three questionnaires each
