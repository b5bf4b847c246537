"""Parents read the explainers: UX-15 sets the measured limits."""

import re

import pytest
import textstat

import scoring
from scoring.definitions import shipped_definition

MAX_SMOG = 9
MAX_GRADE = 6
MAX_SENTENCE_WORDS = 20

BLOCKS = [
    (code, name, text)
    for code in scoring.SCORING_CODES
    for name, text in shipped_definition(code).explainer.texts().items()
]


@pytest.mark.parametrize(("code", "name", "text"), BLOCKS, ids=[f"{c}.{n}" for c, n, _ in BLOCKS])
def test_explainer_block_is_plain(code: str, name: str, text: str) -> None:
    assert textstat.smog_index(text) <= MAX_SMOG
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        assert len(sentence.split()) <= MAX_SENTENCE_WORDS, sentence


@pytest.mark.parametrize("code", scoring.SCORING_CODES)
def test_explainer_speaks_to_the_parent(code: str) -> None:
    explainer = shipped_definition(code).explainer
    assert re.search(r"\byour?\b", explainer.about, re.IGNORECASE)
    assert "no right or wrong answers" in explainer.how_to_answer
    assert "minutes" in explainer.time
