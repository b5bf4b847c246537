"""Concurrent writes to one response (DATA-3): the row lock lets one submit score it, and two
starts open one response. Row locks need PostgreSQL, so these run there only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from questionnaires import scoring_adapter
from questionnaires.models import (
    AuditEvent,
    Response,
    ResponseStatus,
    ScoreRecord,
    Service,
)
from questionnaires.services import families, invitations, responses
from tests.questionnaires import factories


def issue(service: Service, infant_age_days: int = 200) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=infant_age_days)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1")


def _in_threads(count: int, work: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work` in `count` threads that start together; each closes its own connection."""
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
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            with lock:
                errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


PRFQ = {str(i): str(i % 7 + 1) for i in range(1, 19)}


MORS = {str(i): str(i % 6) for i in range(1, 15)}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run runs the whole suite on PostgreSQL as well",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_score_exactly_once(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DATA-3: several threads send the same response at the same moment: the row lock lets one
    score it; exactly one set of ScoreRecords, status SUBMITTED, one response.submitted event."""
    _, response = factories.invited_response(service)
    factories.answer_all(response, {"prfq": PRFQ, "mors_sf": MORS})
    asq = response.measures.get(instrument__code="asq_se2")
    for item in factories_asq_items(asq):
        responses.save_answer(asq, item, "sometimes")
    measures = response.measures.count()

    # Widen the race: scoring is slow, so every other thread is waiting on the lock by then.
    real_score = responses.score_and_store

    def slow_score(measure: Any) -> Any:
        time.sleep(0.05)
        return real_score(measure)

    monkeypatch.setattr(responses, "score_and_store", slow_score)

    results, errors = _in_threads(
        6, lambda: responses.submit_response(Response.objects.get(pk=response.pk))
    )

    assert errors == []
    assert len(results) == 6
    assert {result.status for result in results} == {ResponseStatus.SUBMITTED}
    assert len({result.submitted_at for result in results}) == 1
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    records = ScoreRecord.objects.filter(measure__response=response)
    assert records.count() == measures
    assert records.filter(is_current=True).count() == measures
    assert AuditEvent.objects.filter(action="response.submitted").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run runs the whole suite on PostgreSQL as well",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_open_one_response(service: Service) -> None:
    """DATA-3: two tabs pressing "Start now" together still make one response per invitation
    (row lock plus the one-to-one constraint)."""
    issued = issue(service)

    results, errors = _in_threads(5, lambda: responses.open_response(issued.invitation).pk)

    assert errors == []
    assert len(set(results)) == 1
    assert Response.objects.filter(invitation=issued.invitation).count() == 1
    assert AuditEvent.objects.filter(action="response.started").count() == 1


def factories_asq_items(measure: Any) -> list[str]:
    definition = scoring_adapter.definition_of(measure.instrument)
    interval = definition.interval(measure.asq_interval)
    assert interval is not None
    return [str(item.number) for item in interval.items]
