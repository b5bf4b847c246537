"""The typed flag vocabulary: every flag the rules emit survives storage as text and comes back
the same; text outside the vocabulary is refused rather than guessed at."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.flags import TARGETS, Flag, FlagKind, Target, UnknownFlag, dump_all, parse_all


def test_every_kind_says_what_its_detail_names() -> None:
    assert set(TARGETS) == set(FlagKind)


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        (Flag(FlagKind.ADJUSTED), "adjusted"),
        (Flag(FlagKind.NOT_SCORED), "not_scored"),
        (Flag(FlagKind.NOT_SCORED, subscale="CMS"), "not_scored:CMS"),
        (Flag(FlagKind.PRORATED, subscale="warmth"), "prorated:warmth"),
        (Flag(FlagKind.OVERALL_YES, item="overall_1"), "overall_yes:overall_1"),
        (Flag(FlagKind.CONCERN_WITHOUT_ANSWER, item="23"), "concern_without_answer:23"),
    ],
)
def test_flags_are_stored_as_text_and_read_back(flag: Flag, text: str) -> None:
    assert str(flag) == text
    assert Flag.parse(text) == flag


@pytest.mark.parametrize(
    "text",
    [
        "overall_1",  # a bare overall-question id: the old implicit grammar
        "brand_new_kind",
        "brand_new_kind:PM",
        "prorated",  # needs its subscale
        "overall_yes",  # needs its question
        "adjusted:PM",  # takes no detail
        "prorated:",
        "",
    ],
)
def test_text_outside_the_vocabulary_is_refused(text: str) -> None:
    with pytest.raises(UnknownFlag):
        Flag.parse(text)


def test_a_flag_cannot_be_built_with_the_wrong_detail() -> None:
    with pytest.raises(ValueError, match="names its subscale"):
        Flag(FlagKind.PRORATED)
    with pytest.raises(ValueError, match="names no subscale"):
        Flag(FlagKind.ADJUSTED, subscale="PM")
    with pytest.raises(ValueError, match="without ':'"):
        Flag(FlagKind.OVERALL_YES, item="a:b")


def test_stored_flags_must_be_a_list() -> None:
    with pytest.raises(UnknownFlag):
        parse_all("adjusted")


@given(
    st.sampled_from(list(FlagKind)),
    st.text(alphabet=st.characters(blacklist_characters=":"), min_size=1, max_size=12),
)
def test_any_valid_flag_round_trips(kind: FlagKind, detail: str) -> None:
    target = TARGETS[kind]
    if target == Target.ITEM:
        flag = Flag(kind, item=detail)
    elif target in (Target.SUBSCALE, Target.OPTIONAL_SUBSCALE):
        flag = Flag(kind, subscale=detail)
    else:
        flag = Flag(kind)
    assert parse_all(dump_all((flag,))) == (flag,)


def test_scores_keep_typed_flags_through_their_stored_form() -> None:
    answers: dict[str, str | None] = {str(n): None for n in range(1, 24)}
    answers.update({str(n): "often_always" for n in range(1, 20)})
    result = scoring.score(
        "asq_se2", answers, interval=6, concerns={22}, overall={"overall_1": "yes"}
    )
    assert all(isinstance(flag, Flag) for flag in result.flags)
    assert scoring.Score.from_dict(result.to_dict()) == result
    assert all(isinstance(text, str) for text in result.to_dict()["flags"])
