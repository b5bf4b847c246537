"""Finding 8 of the parent-side review, under real concurrency on PostgreSQL: a double tap at
the end collection and two facilitators deciding one match at the same moment (LINK-8,
DATA-3)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from questionnaires.models import (
    GroupParticipant,
    Invitation,
    MatchReview,
    MatchStatus,
    Service,
    Timepoint,
)
from questionnaires.services import together_time

BABY = timezone.localdate() - timedelta(days=150)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL; .ci/run runs the whole suite on PostgreSQL as well",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(count: int, work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work` in `count` threads that start at the same moment, each on its own connection."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome = work()
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_a_double_tap_at_the_end_gives_one_invitation(service: Service) -> None:
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    sam = together_time.join_start(start, "Sam", "mother", BABY).participant
    end = together_time.open_collection(group, Timepoint.T2)

    results, errors = _together(6, lambda: together_time.return_for_end(end, sam).pk)

    assert errors == []
    assert len(set(results)) == 1
    assert Invitation.objects.filter(collection=end, episode=sam.episode).count() == 1


def test_two_facilitators_deciding_one_match_decide_it_once(service: Service) -> None:
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    sam = together_time.join_start(start, "Sam", "mother", BABY).participant
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Sam", "mother", BABY)
    review = MatchReview.objects.get()

    def decide(n: list[int] = [0]) -> str:  # noqa: B006 - a shared counter across threads
        n[0] += 1
        stale = MatchReview.objects.get(pk=review.pk)
        try:
            if n[0] % 2:
                together_time.confirm_match(stale, GroupParticipant.objects.get(pk=sam.pk))
                return "confirmed"
            together_time.reject_match(stale)
            return "rejected"
        except together_time.MatchAlreadyDecided:
            return "refused"

    results, errors = _together(4, decide)

    assert errors == []
    assert sorted(results).count("refused") == 3
    review.refresh_from_db()
    assert review.status in (MatchStatus.CONFIRMED, MatchStatus.REJECTED)
