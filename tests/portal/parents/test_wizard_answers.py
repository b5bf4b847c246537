"""No lost, duplicated or mis-scored answers, through the parent's pages: DATA-1 (every Continue
commits), DATA-2 (a lost session or CSRF token loses nothing), DATA-3 (concurrent sends score
once, on PostgreSQL), DATA-4 (double tap, retry and back button change nothing), DATA-6 (flags
land with the submit) and a declined consent that really stops the questions."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from questionnaires import credentials, scoring_adapter
from questionnaires.models import (
    Answer,
    AuditEvent,
    Response,
    ResponseStatus,
    ScoreRecord,
    Service,
)
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import families, invitations, responses
from tests.questionnaires import factories

MANAGEMENT = "questionnaire_wizard-current_step"
SESSION_ENDED = b"Open your link again"


# --- helpers -------------------------------------------------------------------------------


def issue(service: Service, infant_age_days: int = 200) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=infant_age_days)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1")


def step_url(name: str) -> str:
    return reverse("parents:step", kwargs={"step": name})


def post_step(client: Client, name: str, data: dict[str, str]) -> HttpResponse:
    body = {MANAGEMENT: name, **{f"{name}-{key}": value for key, value in data.items()}}
    return client.post(step_url(name), body)


def valid_data(step: Step) -> dict[str, str]:
    if step.kind == Kind.CONSENT:
        return {"consent": "yes"}
    if step.kind == Kind.ITEM:
        assert step.definition is not None
        return {"answer": str(step.definition.options[0].value)}
    if step.kind == Kind.OVERALL:
        assert step.overall is not None
        return {"answer": "no"} if step.overall.kind == "yes_no" else {"text": "Fine"}
    if step.kind == Kind.ABOUT:
        assert step.about is not None
        return {"answer": step.about.choices[-1][0]}
    return {}


def start(client: Client, token: str) -> Response:
    assert client.get(f"/p/{token}").status_code == 302
    assert client.post(reverse("parents:welcome")).status_code == 302
    found = Response.objects.get(invitation__token_hash=_hash(token))
    return found


def _hash(token: str) -> str:
    return credentials.credential_hash(token)


def answer_steps(
    client: Client,
    response: Response,
    until: str | None = None,
    data_for: Callable[[Step], dict[str, str]] = valid_data,
) -> list[str]:
    """POST every step in order (re-planning after each, as the view does) until the step named
    `until` (not posted) or the check page (not posted). Returns the posted step names."""
    posted: list[str] = []
    while True:
        steps = ResponseSteps(Response.objects.get(pk=response.pk))
        step = steps.first_step_without_data()
        if step.name == until or step.kind == Kind.CHECK:
            return posted
        result = post_step(client, step.name, data_for(step))
        assert result.status_code == 302, (step.name, result.status_code, result.content[:500])
        posted.append(step.name)


def saved(response: Response) -> dict[tuple[str, str], tuple[str, bool, str]]:
    return {
        (a.measure.instrument.code, a.item): (a.value, a.concern, a.text)
        for a in Answer.objects.filter(measure__response=response).select_related(
            "measure__instrument"
        )
    }


def checked_value(page: HttpResponse, name: str) -> str | None:
    found = re.search(rf'name="{name}-answer" type="radio" value="([^"]*)" checked', page.text)
    return found.group(1) if found else None


def send(client: Client) -> HttpResponse:
    return client.post(step_url("check"), {MANAGEMENT: "check"})


# --- DATA-1 --------------------------------------------------------------------------------


def _read_in_another_connection(query: Callable[[], Any]) -> Any:
    """Run a query on a fresh connection in another thread: it sees only committed data."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(query())
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not errors, errors
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_each_continue_commits_its_answer(service: Service) -> None:
    """DATA-1: a step POST commits its answer at once: another database connection sees it as
    soon as the POST returns, and changing it updates the one row."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    answer_steps(client, response, until="prfq-3")

    def prfq3() -> list[tuple[str, str]]:
        return list(
            Answer.objects.filter(measure__response_id=response.pk, item="3")
            .filter(measure__instrument__code="prfq")
            .values_list("item", "value")
        )

    assert _read_in_another_connection(prfq3) == []
    assert post_step(client, "prfq-3", {"answer": "6"}).status_code == 302
    assert not connection.in_atomic_block
    assert _read_in_another_connection(prfq3) == [("3", "6")]
    # Changing it (Back, pick again, Continue) updates in place: never a second row.
    assert post_step(client, "prfq-3", {"answer": "2"}).status_code == 302
    assert _read_in_another_connection(prfq3) == [("3", "2")]


@pytest.mark.django_db
def test_a_new_browser_with_the_code_resumes_at_the_first_unanswered_step(
    service: Service,
) -> None:
    """DATA-1: a closed tab loses nothing: another browser that types the short code lands on
    the first unanswered question, and every earlier answer is there and shown."""
    issued = issue(service)
    first = Client()
    response = start(first, issued.token)
    posted = answer_steps(
        first,
        response,
        until="prfq-6",
        data_for=lambda step: (
            {"answer": str(step.item.number % 7 + 1)}
            if step.kind == Kind.ITEM and step.item
            else valid_data(step)
        ),
    )
    assert posted == ["consent", "prfq-about", *[f"prfq-{i}" for i in range(1, 6)]]
    before = saved(response)
    del first  # the phone is lost

    second = Client()
    entered = second.post(reverse("parents:code"), {"code": issued.short_code.lower()})
    assert entered.status_code == 302
    resumed = second.get(entered["Location"])
    assert resumed.status_code == 302
    assert resumed["Location"] == step_url("prfq-6")
    assert second.get(step_url("prfq-6")).status_code == 200
    assert saved(response) == before
    assert {item for code, item in before if code == "prfq"} == {"1", "2", "3", "4", "5"}
    for number in range(1, 6):
        page = second.get(step_url(f"prfq-{number}"))
        assert checked_value(page, f"prfq-{number}") == str(number % 7 + 1)
    consent = second.get(step_url("consent"))
    assert re.search(r'value="yes"[^>]*checked', consent.text)


# --- DATA-2 --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["flushed", "new-browser"])
def test_an_expired_session_loses_no_saved_answers(service: Service, how: str) -> None:
    """DATA-2: a POST after the session has expired gets the "Open your link again" page (403),
    saves nothing new, and throws nothing away; re-entering the link carries on at the same
    question with every answer."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    answer_steps(client, response, until="prfq-4")
    before = saved(response)
    assert len(before) == 3

    if how == "flushed":
        client.session.flush()  # the server forgot the session; the browser kept its cookie
        late = client
    else:
        late = Client()
    lost = post_step(late, "prfq-4", {"answer": "5"})
    assert lost.status_code == 403
    assert SESSION_ENDED in lost.content
    assert b"Your answers are saved" in lost.content
    assert saved(response) == before
    # Going back in that browser shows the same page, not someone's answers.
    assert late.get(step_url("prfq-3")).status_code == 403

    resumed = late.get(f"/p/{issued.token}", follow=True)
    assert resumed.redirect_chain[-1][0] == step_url("prfq-4")
    assert post_step(late, "prfq-4", {"answer": "5"}).status_code == 302
    assert saved(response) == {**before, ("prfq", "4"): ("5", False, "")}


@pytest.mark.django_db
def test_a_stale_csrf_token_loses_no_saved_answers(service: Service) -> None:
    """DATA-2: a POST with an old CSRF token is refused with the "This page timed out" page that
    says the answers are saved; nothing is lost and the next try from the page works."""
    issued = issue(service)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/p/{issued.token}")
    response = responses.open_response(issued.invitation)
    page = client.get(step_url("consent"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    body = {MANAGEMENT: "consent", "consent-consent": "yes", "csrfmiddlewaretoken": token[1]}
    assert client.post(step_url("consent"), body).status_code == 302
    before = saved(response)
    consent_before = Response.objects.get(pk=response.pk).consent_given

    stale = client.post(
        step_url("prfq-about"),
        {MANAGEMENT: "prfq-about", "csrfmiddlewaretoken": "x" * 64},
    )
    assert stale.status_code == 403
    assert b"This page timed out" in stale.content
    assert b"Your earlier answers are saved" in stale.content
    assert saved(response) == before
    assert Response.objects.get(pk=response.pk).consent_given is consent_before is True


# --- DATA-3 --------------------------------------------------------------------------------


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


# --- DATA-4 --------------------------------------------------------------------------------


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
    """A parent who has answered everything and is on the check page."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    answer_steps(client, response)
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


# --- DATA-6 --------------------------------------------------------------------------------


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
    assert record.scored_at <= response.submitted_at  # type: ignore[operator]


def asq_cutoff(measure: Any) -> int:
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

    def failing(measure: Any) -> Any:
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


# --- Declining consent ---------------------------------------------------------------------


@pytest.mark.django_db
def test_declining_consent_stops_the_questions(service: Service) -> None:
    """Consent (ux.md, DATA-1): "No" records the refusal with the wording version, shows the
    declined page, the link then only shows that page, and no question can be answered."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)

    declined = post_step(client, "consent", {"consent": "no"})
    assert declined.status_code == 302
    assert declined["Location"] == reverse("parents:declined")
    response.refresh_from_db()
    assert response.status == ResponseStatus.DECLINED
    assert response.consent_given is False
    assert response.consent_at is not None
    assert response.consent_wording_version == responses.CONSENT_WORDING_VERSION
    page = client.get(declined["Location"])
    assert page.status_code == 200
    assert b"You chose not to answer" in page.content

    again = Client()
    reentered = again.get(f"/p/{issued.token}", follow=True)
    assert reentered.redirect_chain[-1][0] == reverse("parents:declined")
    assert b"You chose not to answer" in reentered.content
    assert again.post(reverse("parents:welcome")).status_code == 302

    for who in (client, again):
        for name, data in (
            ("prfq-1", {"answer": "6"}),
            ("prfq-about", {}),
            ("consent", {"consent": "yes"}),
            ("about-gender", {"answer": "prefer_not_to_say"}),
            ("check", {}),
        ):
            refused = post_step(who, name, data)
            assert refused.status_code == 302, name
            assert refused["Location"] == reverse("parents:declined")
        assert who.get(step_url("prfq-1"))["Location"] == reverse("parents:declined")
    assert not Answer.objects.filter(measure__response=response).exists()
    response.refresh_from_db()
    assert response.status == ResponseStatus.DECLINED
    assert response.consent_given is False
    assert response.seen_steps == []
    assert response.about_you == {}
    assert not ScoreRecord.objects.filter(measure__response=response).exists()


@pytest.mark.django_db
def test_no_answer_is_saved_before_consent(service: Service) -> None:
    """Consent before answers (GDPR: special-category data): posting a question page straight
    after "Start now", without answering the consent page, saves nothing and goes to consent."""
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    for name, data in (
        ("prfq-1", {"answer": "6"}),
        ("about-gender", {"answer": "prefer_not_to_say"}),
    ):
        refused = post_step(client, name, data)
        assert refused.status_code == 302, name
        assert refused["Location"] == step_url("consent")
    assert not Answer.objects.filter(measure__response=response).exists()
    assert Response.objects.get(pk=response.pk).about_you == {}
