"""Every answer given on the parent's pages is kept: DATA-1 (every Continue commits), DATA-2 (a
lost session or CSRF token loses nothing) and a declined consent that really stops the
questions."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from questionnaires.models import (
    Answer,
    Response,
    ResponseStatus,
    ScoreRecord,
    Service,
)
from questionnaires.parent_steps import Kind
from questionnaires.services import responses
from tests.portal.parents.wizard_client import (
    MANAGEMENT,
    SESSION_ENDED,
    answer_steps,
    checked_value,
    issue,
    post_step,
    saved,
    start,
    step_url,
    valid_data,
)


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


@pytest.mark.django_db
def test_declining_consent_stops_the_questions(service: Service) -> None:
    """Consent (UX-10, DATA-1): "No" records the refusal with the wording version, shows the
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
