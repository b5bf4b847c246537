"""Scores stored at submit with their versions; `rescore` recomputes them."""

import pytest
from django.core.management import call_command

import scoring
from questionnaires import scoring_adapter
from questionnaires.models import Response, ResponseStatus, ScoreRecord, Service
from questionnaires.services import responses
from tests.questionnaires import factories

PRFQ_ALL_SIX = {str(i): "6" for i in range(1, 19)}
MORS_WARM = {str(i): ("5" if i in (1, 3, 4, 6, 8, 11, 13) else "0") for i in range(1, 15)}


@pytest.fixture
def sent_response(service: Service) -> Response:
    _, response = factories.invited_response(service)
    factories.answer_all(response, {"prfq": PRFQ_ALL_SIX, "mors_sf": MORS_WARM})
    return responses.submit_response(response)


def test_submit_stores_scores_with_versions(sent_response: Response) -> None:
    records = {
        r.measure.instrument.code: r
        for r in ScoreRecord.objects.select_related("measure__instrument")
    }
    prfq = records["prfq"]
    assert prfq.result["subscales"]["PM"] == 6.0
    assert prfq.result["subscales"]["CMS"] == pytest.approx(32 / 6)
    assert prfq.result["subscales"]["IC"] == pytest.approx(32 / 6)
    assert prfq.definition_version == prfq.measure.instrument.version
    assert prfq.scoring_version
    mors = records["mors_sf"]
    assert mors.result["subscales"] == {"warmth": 35, "invasiveness": 0}
    # The stored result is exactly what the pure library gives for the same answers.
    for record in records.values():
        assert record.result == scoring_adapter.score_measure(record.measure).to_dict()


def test_submit_twice_scores_once(sent_response: Response) -> None:
    again = responses.submit_response(sent_response)
    assert again.status == ResponseStatus.SUBMITTED
    assert again.submitted_at == sent_response.submitted_at
    assert ScoreRecord.objects.filter(is_current=True).count() == sent_response.measures.count()
    assert ScoreRecord.objects.count() == sent_response.measures.count()


def test_rescore_reports_nothing_when_nothing_changed(
    sent_response: Response, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("rescore")
    out = capsys.readouterr().out
    assert f"rescored: {sent_response.measures.count()}" in out
    assert "changed: 0" in out
    # History is kept: one retired and one current record per measure.
    assert ScoreRecord.objects.filter(is_current=False).count() == sent_response.measures.count()


def test_rescore_reports_a_changed_score(
    sent_response: Response, capsys: pytest.CaptureFixture[str]
) -> None:
    # Simulate a stored score from an older, wrong scoring version.
    record = ScoreRecord.objects.get(measure__instrument__code="prfq", is_current=True)
    record.result = {**record.result, "subscales": {"PM": 1.0, "CMS": 1.0, "IC": 1.0}}
    record.save()
    call_command("rescore", "--code", "prfq")
    out = capsys.readouterr().out
    assert "rescored: 1" in out
    assert "changed: 1" in out.splitlines()[-1]
    current = ScoreRecord.objects.get(measure__instrument__code="prfq", is_current=True)
    assert current.result["subscales"]["PM"] == 6.0


def test_asq_response_is_scored_at_the_babys_interval(service: Service) -> None:
    _, response = factories.invited_response(service, infant_age_days=200)  # about 6 months
    asq = response.measures.get(instrument__code="asq_se2")
    assert asq.asq_interval == 6
    definition = scoring_adapter.definition_of(asq.instrument)
    interval = definition.interval(6)
    assert interval is not None
    items = interval.items
    for item in items:
        responses.save_answer(asq, str(item.number), "sometimes", concern=item.number == 1)
    responses.submit_response(response)
    record = ScoreRecord.objects.get(measure=asq, is_current=True)
    expected = scoring.score(
        "asq_se2",
        {str(i.number): "sometimes" for i in items},
        interval=6,
        concerns={1},
        definition=definition,
    )
    assert record.result["total"] == expected.total == 5 * len(items) + 5
    assert record.result["zone"] == expected.zone
