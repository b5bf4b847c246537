"""PERF-2: the database statements a parent's page makes, counted on the real views. A question
page reads the session, the response and (in one join) its questionnaires with their answers;
saving an answer adds a conditional update, an upsert and the audit event; the check page and
sending cost the same however many questions were asked; and no parent GET writes the session.

Transaction control (BEGIN, COMMIT, SAVEPOINT) is not counted: SQLite's driver reports it as
statements and PostgreSQL's does not, and it is not a round trip of its own on either."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from questionnaires.models import Answer, Response, ResponseStatus, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from tests.portal.parents.wizard_client import (
    answer_steps,
    issue,
    post_step,
    send,
    start,
    step_url,
)

pytestmark = pytest.mark.django_db

QUESTION_GET_BUDGET = 3
ANSWER_POST_BUDGET = 6
_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].lstrip().upper().startswith(_CONTROL)
    ]


def session_writes(sql: list[str]) -> list[str]:
    return [s for s in sql if "django_session" in s and not s.lstrip().startswith("SELECT")]


def in_questions(service: Service, infant_age_days: int = 200) -> tuple[Client, Response]:
    client = Client()
    response = start(client, issue(service, infant_age_days).token)
    answer_steps(client, response, until="prfq-3")
    return client, response


def test_a_question_page_makes_three_queries_and_writes_no_session(service: Service) -> None:
    client, _ = in_questions(service)
    client.get(step_url("prfq-1"))  # warm: the definitions are parsed once per process
    for name in ("prfq-1", "prfq-3", "mors_sf-about"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(step_url(name))
        assert page.status_code == 200
        sql = statements(queries)
        assert len(sql) <= QUESTION_GET_BUDGET, sql
        assert session_writes(sql) == []


def test_saving_an_answer_makes_at_most_six_statements(service: Service) -> None:
    client, response = in_questions(service)
    for name, value in (("prfq-3", "2"), ("prfq-3", "5"), ("prfq-1", "7")):
        with CaptureQueriesContext(connection) as queries:
            saved = post_step(client, name, {"answer": value})
        assert saved.status_code == 302
        sql = statements(queries)
        assert len(sql) <= ANSWER_POST_BUDGET, sql
        assert session_writes(sql) == []
        answer = Answer.objects.get(measure__response=response, item=name.split("-")[1])
        assert answer.value == value  # the upsert changed the row, it did not add one
    assert Answer.objects.filter(measure__response=response, item="3").count() == 1


def test_an_answer_after_sending_is_refused_and_changes_nothing(service: Service) -> None:
    client, response = in_questions(service)
    before = list(Answer.objects.filter(measure__response=response).values_list("item", "value"))
    Response.objects.filter(pk=response.pk).update(status=ResponseStatus.SUBMITTED)
    post_step(client, "prfq-1", {"answer": "6"})
    after = list(Answer.objects.filter(measure__response=response).values_list("item", "value"))
    assert after == before


def _ready_to_send(service: Service, infant_age_days: int) -> tuple[Client, int]:
    client = Client()
    response = start(client, issue(service, infant_age_days).token)
    answer_steps(client, response)
    questions = sum(
        step.kind in (Kind.ITEM, Kind.OVERALL) for step in ResponseSteps(response).steps
    )
    return client, questions


def test_check_and_send_cost_the_same_for_few_and_many_questions(service: Service) -> None:
    counts: dict[int, tuple[int, int, int]] = {}
    for days in (30, 700):  # ASQ:SE-2 at 2 months and at 24 months ask different numbers
        client, questions = _ready_to_send(service, days)
        client.get(step_url("check"))
        with CaptureQueriesContext(connection) as check:
            assert client.get(step_url("check")).status_code == 200
        with CaptureQueriesContext(connection) as sent:
            assert send(client).status_code == 302
        assert session_writes(statements(check)) == []
        counts[days] = (questions, len(statements(check)), len(statements(sent)))
    (few, check_few, send_few), (many, check_many, send_many) = counts[30], counts[700]
    assert few != many
    assert check_few == check_many <= QUESTION_GET_BUDGET
    assert send_few == send_many
