"""Instrument versions: importing licensed definitions and storing the shipped ones."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from questionnaires.models import InstrumentVersion, StaffUser
from questionnaires.services import audit
from scoring import definitions as scoring_definitions


class ImportRefused(Exception):
    """An instrument file that cannot be imported; the message says why in plain words."""


def _has_unverified(data: Any) -> bool:
    if isinstance(data, dict):
        if data.get("verify_against_licensed_materials") is True:
            return True
        return any(_has_unverified(value) for value in data.values())
    if isinstance(data, list):
        return any(_has_unverified(value) for value in data)
    return False


def _fingerprint(raw: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def _save_version(
    definition: scoring_definitions.Definition,
    source: str,
    actor: StaffUser | None,
    make_current: bool,
) -> InstrumentVersion:
    raw = definition.raw
    version = InstrumentVersion.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name,
        definition=raw,
        sha256=_fingerprint(raw),
        source=source,
        # An unvalidated (demo) translation is demo wording too (I18N-3).
        is_demo=bool(raw.get("licence", {}).get("wording_is_demo"))
        or not definition.is_validated_translation,
        language=definition.language,
        has_unverified_numbers=_has_unverified(raw),
        imported_by=actor,
    )
    if make_current:
        InstrumentVersion.objects.filter(
            code=definition.code, language=definition.language, is_current=True
        ).update(is_current=False)
        version.is_current = True
        version.save(update_fields=["is_current"])
    return version


@transaction.atomic
def import_instrument(path: Path, actor: StaffUser | None = None) -> InstrumentVersion:
    """Validate a definition file and store it as the instrument's new current version.
    Earlier versions stay, so responses keep the version they were collected with."""
    definition = scoring_definitions.load_definition(path)
    existing = InstrumentVersion.objects.filter(
        code=definition.code, version=definition.version
    ).first()
    if existing is not None:
        if existing.sha256 == _fingerprint(definition.raw):
            raise ImportRefused(
                f"{definition.code} version {definition.version} is already imported."
            )
        raise ImportRefused(
            f"{definition.code} version {definition.version} already exists with different "
            "content. Give the new file a new version number."
        )
    version = _save_version(definition, path.name, actor, make_current=True)
    audit.record("instrument.imported", actor, version, code=version.code, version=version.version)
    return version


@transaction.atomic
def sync_shipped_instruments(verbosity: int = 1) -> list[InstrumentVersion]:
    """Store any shipped definition version the database lacks. A shipped file becomes
    current only when the instrument has no current version, so an imported licensed
    version is never replaced by a demo file."""
    created = []
    paths = [
        *scoring_definitions.shipped_paths().values(),
        *scoring_definitions.shipped_translation_paths().values(),
    ]
    for path in paths:
        definition = scoring_definitions.load_definition(path)
        if InstrumentVersion.objects.filter(
            code=definition.code, version=definition.version
        ).exists():
            continue
        has_current = InstrumentVersion.objects.filter(
            code=definition.code, language=definition.language, is_current=True
        ).exists()
        version = _save_version(definition, path.name, None, make_current=not has_current)
        audit.record(
            "instrument.shipped_version_stored",
            None,
            version,
            code=version.code,
            version=version.version,
        )
        created.append(version)
    return created
