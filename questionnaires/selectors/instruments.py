"""Instrument versions in the database: the current one per questionnaire, and their names."""

from __future__ import annotations

from collections.abc import Iterable

from questionnaires import scoring_adapter
from questionnaires.models import InstrumentVersion
from scoring.definitions import Definition

ENGLISH = "en"


def current_instrument(code: str) -> InstrumentVersion:
    """The current source (English) version: every link is issued with it."""
    return InstrumentVersion.objects.get(code=code, language=ENGLISH, is_current=True)


def current_translation(
    code: str, language: str, *, allow_unvalidated: bool
) -> InstrumentVersion | None:
    """The current version of a questionnaire in a language, if there is one the parent may be
    shown: a validated translation, or (demo mode only) a demo one (I18N-3)."""
    if language == ENGLISH:
        return current_instrument(code)
    version = InstrumentVersion.objects.filter(
        code=code, language=language, is_current=True
    ).first()
    if version is None:
        return None
    if (
        not allow_unvalidated
        and not scoring_adapter.definition_of(version).is_validated_translation
    ):
        return None
    return version


def current_definitions(codes: Iterable[str]) -> list[Definition]:
    return [scoring_adapter.definition_of(current_instrument(code)) for code in codes]


def questionnaire_names(codes: Iterable[str]) -> dict[str, str]:
    """Short names (PRFQ, MORS-SF, ASQ:SE-2) of the current instrument versions, by code."""
    versions = InstrumentVersion.objects.filter(
        code__in=list(codes), language=ENGLISH, is_current=True
    )
    return {
        version.code: str(version.definition.get("short_name") or version.name)
        for version in versions
    }
