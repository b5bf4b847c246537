"""Instrument versions in the database: the current one per questionnaire, and their names."""

from __future__ import annotations

from collections.abc import Iterable

from questionnaires import scoring_adapter
from questionnaires.models import InstrumentVersion
from scoring.definitions import Definition


def current_instrument(code: str) -> InstrumentVersion:
    return InstrumentVersion.objects.get(code=code, is_current=True)


def current_definitions(codes: Iterable[str]) -> list[Definition]:
    return [scoring_adapter.definition_of(current_instrument(code)) for code in codes]


def questionnaire_names(codes: Iterable[str]) -> dict[str, str]:
    """Short names (PRFQ, MORS-SF, ASQ:SE-2) of the current instrument versions, by code."""
    versions = InstrumentVersion.objects.filter(code__in=list(codes), is_current=True)
    return {
        version.code: str(version.definition.get("short_name") or version.name)
        for version in versions
    }
