from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.definitions import shipped_definition

PRFQ = shipped_definition("prfq")
MORS = shipped_definition("mors_sf")
ASQ = shipped_definition("asq_se2")
ASQ_OPTIONS = [str(o.value) for o in ASQ.options]


def maybe(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.just("absent"), st.none(), values)


def responses(
    count: int, values: st.SearchStrategy[object]
) -> st.SearchStrategy[dict[str, object]]:
    return st.lists(maybe(values), min_size=count, max_size=count).map(
        lambda picks: {str(n): v for n, v in enumerate(picks, start=1) if v != "absent"}
    )


PRFQ_ANSWERS = responses(18, st.integers(1, 7))
MORS_ANSWERS = responses(14, st.integers(0, 5))


@st.composite
def asq_case(draw: st.DrawFn) -> tuple[int, dict[str, object], set[int]]:
    interval = draw(st.sampled_from(ASQ.intervals))
    answers = draw(responses(interval.item_count, st.sampled_from(ASQ_OPTIONS)))
    concerns = draw(st.sets(st.integers(1, interval.item_count)))
    return interval.months, answers, concerns


def answered(answers: dict[str, object]) -> set[int]:
    return {int(k) for k, v in answers.items() if v is not None}


@given(PRFQ_ANSWERS)
def test_prfq_range_missing_and_determinism(answers: dict[str, object]) -> None:
    result = scoring.score("prfq", answers)
    for value in result.subscales.values():
        assert value is None or 1 <= value <= 7
    assert set(result.missing) == set(range(1, 19)) - answered(answers)
    assert list(result.missing) == sorted(result.missing)
    assert scoring.score("prfq", answers) == result
    assert scoring.score("prfq", dict(reversed(list(answers.items())))) == result


@given(st.lists(st.integers(1, 7), min_size=18, max_size=18), st.sampled_from([11, 18]))
def test_prfq_reversal_symmetry(values: list[int], item: int) -> None:
    answers = {str(n): v for n, v in enumerate(values, start=1)}
    flipped = answers | {str(item): 8 - answers[str(item)]}
    code = "CMS" if item == 11 else "IC"
    before = scoring.score("prfq", answers).subscales[code]
    after = scoring.score("prfq", flipped).subscales[code]
    assert before is not None and after is not None
    # Item counts as 8 - answer: flipping x to 8 - x moves the sum by 2x - 8.
    assert (after - before) * 6 == pytest.approx(2 * answers[str(item)] - 8)


@given(MORS_ANSWERS)
def test_mors_range_missing_and_determinism(answers: dict[str, object]) -> None:
    result = scoring.score("mors_sf", answers)
    for value in result.subscales.values():
        assert value is None or 0 <= value <= 35
    assert set(result.missing) == set(range(1, 15)) - answered(answers)
    assert scoring.score("mors_sf", dict(reversed(list(answers.items())))) == result


@given(MORS_ANSWERS)
def test_mors_prorating_equals_filling_with_the_mean(answers: dict[str, object]) -> None:
    result = scoring.score("mors_sf", answers)
    for subscale in MORS.subscales:
        given_values = [answers.get(str(n)) for n in subscale.items]
        present = [Fraction(v) for v in given_values if isinstance(v, int)]
        missing = len(subscale.items) - len(present)
        value = result.subscales[subscale.code]
        if missing > MORS.scoring.params["max_missing"]:
            assert value is None
            continue
        mean = sum(present) / len(present)
        filled = sum(present) + mean * missing
        assert value == pytest.approx(float(filled))


@given(asq_case())
def test_asq_properties(case: tuple[int, dict[str, object], set[int]]) -> None:
    months, answers, concerns = case
    interval = ASQ.interval(months)
    assert interval is not None
    result = scoring.score("asq_se2", answers, interval=months, concerns=concerns)
    assert set(result.missing) == set(range(1, interval.item_count + 1)) - answered(answers)
    if result.total is None:
        assert len(result.missing) > 3 and result.zone is None
    else:
        assert 0 <= result.total <= 15 * interval.item_count
        if not result.adjusted:
            assert result.total % 5 == 0
        assert result.zone in {"below", "monitoring", "above"}
    shuffled = dict(reversed(list(answers.items())))
    again = scoring.score(
        "asq_se2", shuffled, interval=months, concerns=set(reversed(list(concerns)))
    )
    assert again == result
