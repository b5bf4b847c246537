"""Questionnaire plan versions: importing a service's plan file and storing the shipped one.
Stored like instrument versions (validated, versioned, audited, the old kept) so a link can
name the plan it was made with and a bad file never reaches a parent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.db import transaction

from questionnaires.models import PlanVersion, Programme, StaffUser
from questionnaires.services import audit
from scoring import SCORING_CODES, plans


class PlanRefused(Exception):
    """A plan file that cannot be imported; the message says why in plain words."""


def load(path: Path) -> plans.Plan:
    """Validate a plan file against the questionnaires and programmes this portal has."""
    return plans.load_plan(path, SCORING_CODES, Programme.values)


def _fingerprint(plan: plans.Plan) -> str:
    return hashlib.sha256(json.dumps(plan.raw, sort_keys=True).encode()).hexdigest()


def _save(plan: plans.Plan, source: str, actor: StaffUser | None, current: bool) -> PlanVersion:
    version = PlanVersion.objects.create(
        name=plan.name,
        version=plan.version,
        plan=plan.raw,
        sha256=_fingerprint(plan),
        source=source,
        imported_by=actor,
    )
    if current:
        PlanVersion.objects.filter(is_current=True).update(is_current=False)
        version.is_current = True
        version.save(update_fields=["is_current"])
    return version


@transaction.atomic
def import_plan(path: Path, actor: StaffUser | None = None) -> PlanVersion:
    plan = load(path)
    existing = PlanVersion.objects.filter(version=plan.version).first()
    if existing is not None:
        if existing.sha256 == _fingerprint(plan):
            raise PlanRefused(f"Plan version {plan.version} is already imported.")
        raise PlanRefused(
            f"Plan version {plan.version} already exists with different content. "
            "Give the new file a new version."
        )
    version = _save(plan, path.name, actor, current=True)
    audit.record("plan.imported", actor, version, version=version.version)
    return version


@transaction.atomic
def sync_shipped_plan() -> PlanVersion | None:
    """Store the shipped default plan if the database lacks its version; it becomes current
    only when no plan is current, so a service's imported plan is never replaced."""
    plan = load(plans.DEFAULT_PLAN_PATH)
    if PlanVersion.objects.filter(version=plan.version).exists():
        return None
    has_current = PlanVersion.objects.filter(is_current=True).exists()
    version = _save(plan, plans.DEFAULT_PLAN_PATH.name, None, current=not has_current)
    audit.record("plan.shipped_version_stored", None, version, version=version.version)
    return version
