"""The current questionnaire plan (services.plans stores it)."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from questionnaires.models import PlanVersion, Programme
from scoring import SCORING_CODES, plans


@functools.lru_cache(maxsize=8)
def _parsed(pk: int, sha256: str) -> plans.Plan:
    # Versions are immutable, so (pk, fingerprint) is a safe cache key across requests.
    stored = PlanVersion.objects.get(pk=pk)
    return plans.parse_plan(stored.plan, f"plan {stored.version}", SCORING_CODES, Programme.values)


def current_plan() -> plans.Plan:
    """The plan new links follow: the current stored version, else the shipped default (a
    database migrated before plans were stored)."""
    stored = PlanVersion.objects.filter(is_current=True).values_list("pk", "sha256").first()
    if stored is None:
        return plans.default_plan()
    return _parsed(*stored)


def postnatal_baseline_from(born_on: date) -> date:
    """The first day the plan wants postnatal baseline answers (e.g. 6 weeks after the birth)."""
    return born_on + timedelta(weeks=current_plan().postnatal_baseline.from_weeks)
