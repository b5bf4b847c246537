"""The LOAF writer validates with scoring.loaf, corrects in place with an audit entry, and the
summary names the change category."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    LoafRating,
    StaffUser,
)
from questionnaires.services import loaf_ratings
from questionnaires.summary import loaf_rows
from tests.questionnaires import factories


def test_record_loaf_service_validates_with_scoring_loaf(clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    today = timezone.localdate()
    for level in (0, 5, "x", 2.0, True):
        with pytest.raises(loaf_ratings.LoafInvalid):
            loaf_ratings.record_loaf(
                episode,
                "T1",
                "A",
                level,  # type: ignore[arg-type]  # wrong types on purpose: the service checks
                today,
                clinician,
                "Mother",
            )
    with pytest.raises(loaf_ratings.LoafInvalid):
        loaf_ratings.record_loaf(episode, "T1", "B", 2, today, clinician, "Mother")
    with pytest.raises(loaf_ratings.LoafInvalid):
        loaf_ratings.record_loaf(
            episode, "T1", "A", 2, today + timedelta(days=1), clinician, "Mother"
        )
    first = loaf_ratings.record_loaf(episode, "T1", "A", 2, today, clinician, "Mother")
    corrected = loaf_ratings.record_loaf(episode, "T1", "A", "3", today, clinician, " MOTHER ")
    assert corrected.pk == first.pk and corrected.level == 3
    assert AuditEvent.objects.filter(action="loaf.corrected").get().detail["previous_level"] == 2
    rows = loaf_rows.summarise_loaf(LoafRating.objects.all())
    assert rows[0].category == "Needs both start (T1) and end (T2)"
