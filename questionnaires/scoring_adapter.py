"""The thin Django adapter around the pure `scoring` package: turns stored instrument
versions and saved answers into scoring calls (healthchecks' validators do the same job)."""

from __future__ import annotations

import functools
from typing import Any

import scoring
from questionnaires.models import InstrumentVersion, ResponseMeasure
from questionnaires.questions import questions_asked
from scoring.definitions import Definition, parse_definition


@functools.lru_cache(maxsize=64)
def cached_definition(pk: int, sha256: str) -> Definition:
    """An instrument version's parsed definition by (id, fingerprint), for readers that hold
    only those two values (as caseload rows do)."""
    version = InstrumentVersion.objects.get(pk=pk)
    return parse_definition(dict(version.definition), source=f"{version.code} {version.version}")


def definition_of(version: InstrumentVersion) -> Definition:
    # Versions are immutable, so (pk, fingerprint) is a safe cache key across requests.
    return cached_definition(version.pk, version.sha256)


def stored_to_value(definition: Definition, raw: str) -> int | str:
    """Answers are stored as text; give them back in the type of the definition's options."""
    for option in definition.options:
        if str(option.value) == raw:
            return option.value
    raise scoring.ScoringError(f"stored answer {raw!r} is not an option", item=None)


def scoring_inputs(measure: ResponseMeasure) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers and context for `scoring.score` from a measure's saved answers."""
    definition = definition_of(measure.instrument)
    overall_ids = questions_asked(definition, measure.asq_interval).overall_ids
    answers: dict[str, Any] = {}
    concerns: set[int] = set()
    overall: dict[str, str | None] = {}
    for answer in measure.answers.all():
        if answer.item in overall_ids:
            overall[answer.item] = answer.value or None
            continue
        answers[answer.item] = stored_to_value(definition, answer.value) if answer.value else None
        if answer.concern:
            concerns.add(int(answer.item))
    context: dict[str, Any] = {"definition": definition}
    if measure.asq_interval is not None:
        context.update(interval=measure.asq_interval, concerns=concerns, overall=overall)
    return answers, context


def score_measure(measure: ResponseMeasure) -> scoring.Score:
    answers, context = scoring_inputs(measure)
    return scoring.score(measure.instrument.code, answers, **context)
