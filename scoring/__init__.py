"""Pure-Python scoring for the parent-infant questionnaires. No Django here: the web app calls
`score()` and stores `Score.to_dict()`; every clinical number comes from a definition file."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scoring import asq_age, change, definitions, errors, flags, loaf, rules
from scoring.definitions import Definition, shipped_definition
from scoring.errors import DefinitionError, ScoringError
from scoring.flags import Flag, FlagKind, UnknownFlag
from scoring.rules import Score, asq_points, likert_mean, prorated_sum

__all__ = [
    "SCORING_CODES",
    "Definition",
    "DefinitionError",
    "Flag",
    "FlagKind",
    "Score",
    "ScoringError",
    "asq_age",
    "change",
    "definitions",
    "errors",
    "flags",
    "loaf",
    "rules",
    "score",
    "UnknownFlag",
]

# The order parents answer them; P-PRFQ is the pregnancy measure (scoring/plans decides who
# is asked what).
SCORING_CODES = ("prfq", "mors_sf", "asq_se2", "p_prfq")

Rule = Callable[[Definition, Mapping[str, object], Mapping[str, object]], Score]

RULES: dict[str, Rule] = {
    "likert_mean": likert_mean.score,
    "prorated_sum": prorated_sum.score,
    "asq_points": asq_points.score,
}

SCORING_VERSIONS = {
    "likert_mean": likert_mean.SCORING_VERSION,
    "prorated_sum": prorated_sum.SCORING_VERSION,
    "asq_points": asq_points.SCORING_VERSION,
}


def score(
    code: str,
    answers: Mapping[str, object],
    *,
    definition: Definition | None = None,
    **context: object,
) -> Score:
    if definition is None:
        if code not in SCORING_CODES:
            raise ScoringError(f"Unknown questionnaire code {code!r}")
        definition = shipped_definition(code)
    elif definition.code != code:
        raise ScoringError(f"The definition is for {definition.code!r}, not {code!r}")
    result = RULES[definition.scoring.rule](definition, answers, context)
    if definition.scoring.verify_against_licensed_materials:
        # The answers were checked against the options above; the numbers computed from
        # unverified keys are discarded, never stored or shown.
        return rules.refused(result, definition)
    return result
