"""Outcomes test data through the real services: families with start and end answers."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from questionnaires.models import Episode, Service, StaffUser, Timepoint
from questionnaires.services import loaf_ratings, reach
from tests.questionnaires import factories

# MORS-SF answers 0–5 per item; PRFQ 1–7.


def mors(warmth: int, invasiveness: int) -> dict[str, str]:
    return factories.mors_answers(str(warmth), str(invasiveness))


def prfq(value: int) -> dict[str, str]:
    return {str(n): str(value) for n in range(1, 19)}


def paired_episode(
    service: Service,
    clinician: StaffUser | None,
    t1: tuple[int, int, int],
    t2: tuple[int, int, int] | None,
    close: bool = True,
    loaf: tuple[int, int] | None = None,
) -> Episode:
    """(warmth item value, invasiveness item value, PRFQ item value) at T1 and T2."""
    episode = factories.episode(service, clinician)
    factories.send(episode, Timepoint.T1, {"mors_sf": mors(t1[0], t1[1]), "prfq": prfq(t1[2])})
    if t2 is not None:
        factories.send(episode, Timepoint.T2, {"mors_sf": mors(t2[0], t2[1]), "prfq": prfq(t2[2])})
    if loaf is not None:
        today = timezone.localdate()
        loaf_ratings.record_loaf(episode, "T1", "B", loaf[0], today, clinician)
        loaf_ratings.record_loaf(episode, "T2", "B", loaf[1], today, clinician)
    if close:
        reach.close_episode(episode, timezone.localdate() + timedelta(days=1), clinician)
    return episode
