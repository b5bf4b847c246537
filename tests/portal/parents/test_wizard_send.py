"""Sending from the check page: DATA-4 (double tap, retry and back button change nothing) and
DATA-6 (flags land with the submit; a scoring failure sends nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from questionnaires import scoring_adapter
from questionnaires.models import (
    Answer,
    AuditEvent,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
    Service,
)
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import invitations, responses
from tests.portal.parents.wizard_client import (
    answer_steps,
    issue,
    post_step,
    send,
    start,
    step_url,
    valid_data,
)


def _everything(response: Response) -> dict[str, Any]:
    return {
        "answers": sorted(
            Answer.objects.filter(measure__response=response).values_list(
                "pk", "value", "concern", "text", "answered_at"
            )
        ),
        "scores": sorted(
            ScoreRecord.objects.filter(measure__response=response).values_list(
                "pk", "is_current", "scored_at"
            )
        ),
        "response": Response.objects.filter(pk=response.pk).values().get(),
        "submitted_events": AuditEvent.objects.filter(action="response.submitted").count(),
    }


@pytest.fixture
def ready(service: Service) -> tuple[Client, Response, invitations.IssuedInvitation]:
    """A parent who has answered everything and is on the check page. The parent enters by the
    link and presses "Start now" through the pages; the answers themselves are saved with the
    writer every Continue calls (responses.save_step), which is quicker than a page per answer."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    for step in ResponseSteps(response).steps:
        if step.kind != Kind.CHECK:
            responses.save_step(response, step, valid_data(step))
    assert client.get(step_url("check")).status_code == 200
    return client, response, issued


@pytest.mark.django_db
def test_double_send_lands_on_the_sent_page_and_scores_once(
    ready: tuple[Client, Response, invitations.IssuedInvitation],
) -> None:
    """DATA-4: two POSTs of "Send my answers" in a row: both end on the sent page; one set of
    scores, one submitted event."""
    client, response, _ = ready
    first = send(client)
    assert first.status_code == 302
    assert first["Location"] == reverse("parents:sent")
    after_first = _everything(response)
    assert after_first["response"]["status"] == ResponseStatus.SUBMITTED
    assert len(after_first["scores"]) == response.measures.count()

    second = send(client)
    assert second.status_code == 302
    assert second["Location"] == reverse("parents:sent")
    assert _everything(response) == after_first
    assert client.get(second["Location"]).status_code == 200


@pytest.mark.django_db
def test_double_tap_with_the_same_cookie_shows_the_same_result(
    ready: tuple[Client, Response, invitations.IssuedInvitation],
) -> None:
    """DATA-4: a real double tap (or a browser retry) sends the second POST with the cookie the
    page had before the first answer arrived; it must show the sent page too, not a
    "session ended" page, and create nothing."""
    client, response, _ = ready
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert send(client)["Location"] == reverse("parents:sent")
    after_first = _everything(response)

    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    retry = send(client)
    assert retry.status_code == 302
    assert retry["Location"] == reverse("parents:sent")
    assert _everything(response) == after_first
    sent = client.get(reverse("parents:sent"))
    assert sent.status_code == 200
    assert b"Your answers have been sent" in sent.content


@pytest.mark.django_db
def test_back_button_resubmit_after_sending_changes_nothing(
    ready: tuple[Client, Response, invitations.IssuedInvitation],
) -> None:
    """DATA-4: after sending, re-posting an earlier page (back button, "resend form") from the
    same browser, from the pre-send cookie, or after re-entering the link changes nothing."""
    client, response, issued = ready
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert send(client)["Location"] == reverse("parents:sent")
    after = _everything(response)

    attempts = [
        ("prfq-3", {"answer": "7"}),
        ("prfq-3", {"skip": "1"}),
        ("consent", {"consent": "no"}),
        ("about-gender", {"answer": "prefer_not_to_say"}),
        ("check", {}),
    ]
    for name, data in attempts:
        again = post_step(client, name, data)
        assert again.status_code == 302, name
        assert again["Location"] == reverse("parents:sent")
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    for name, data in attempts:
        assert post_step(client, name, data).status_code in (302, 403), name
    other = Client()
    other.get(f"/p/{issued.token}")
    for name, data in attempts:
        again = post_step(other, name, data)
        assert again.status_code == 302, name
        assert again["Location"] == reverse("parents:sent")
    assert _everything(response) == after


def _asq_worst(step: Step) -> dict[str, str]:
    """The highest-scoring ASQ:SE-2 option for each item, "yes" to the first overall question;
    valid answers everywhere else."""
    if step.kind == Kind.ITEM and step.definition is not None and step.definition.code == "asq_se2":
        assert step.item is not None and step.item.key is not None
        option = step.definition.options[step.item.key.index("X")]
        return {"answer": str(option.value)}
    if step.kind == Kind.OVERALL and step.overall is not None and step.overall.id == "overall_1":
        return {"answer": "yes", "text": "She does not settle"}
    return valid_data(step)


@pytest.mark.django_db
def test_asq_flags_are_stored_with_the_submit(service: Service) -> None:
    """DATA-6: an ASQ:SE-2 response with a "yes" to an overall question and a total above the
    cut-off has both flags in its ScoreRecord as soon as "Send my answers" returns."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    answer_steps(client, response, data_for=_asq_worst)
    assert send(client)["Location"] == reverse("parents:sent")

    asq = response.measures.get(instrument__code="asq_se2")
    record = ScoreRecord.objects.get(measure=asq, is_current=True)
    assert record.result["zone"] == "above"
    assert record.result["total"] > asq_cutoff(asq)
    assert "overall_yes:overall_1" in record.flags
    assert record.flags == record.result["flags"]
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    # Scored at the same moment as it was sent: no window where it is sent but unflagged.
    assert response.submitted_at is not None
    assert record.scored_at <= response.submitted_at


def asq_cutoff(measure: ResponseMeasure) -> float:
    assert measure.asq_interval is not None
    interval = scoring_adapter.definition_of(measure.instrument).interval(measure.asq_interval)
    assert interval is not None
    return interval.cutoff


@pytest.mark.django_db
def test_scoring_failure_sends_nothing(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """DATA-6: scoring runs inside the submit's transaction: if scoring fails, the response is
    not marked sent and no partial scores remain, so a flag can never be missing from a sent
    response; the parent can send again once it works."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    answer_steps(client, response, data_for=_asq_worst)
    real_score = responses.score_and_store

    def failing(measure: ResponseMeasure) -> ScoreRecord:
        if measure.instrument.code == "asq_se2":
            raise RuntimeError("scoring broke")
        return real_score(measure)

    monkeypatch.setattr(responses, "score_and_store", failing)
    with pytest.raises(RuntimeError):
        send(client)
    response.refresh_from_db()
    assert response.status == ResponseStatus.IN_PROGRESS
    assert not ScoreRecord.objects.filter(measure__response=response).exists()
    assert not AuditEvent.objects.filter(action="response.submitted").exists()

    monkeypatch.setattr(responses, "score_and_store", real_score)
    assert send(client)["Location"] == reverse("parents:sent")
    asq = response.measures.get(instrument__code="asq_se2")
    assert "overall_yes:overall_1" in ScoreRecord.objects.get(measure=asq).flags
