"""PERF-3: the app servers share nothing in process memory. Two gunicorn instances on different
ports, one PostgreSQL (and Redis, when configured): one parent's requests alternate between
them through a whole questionnaire and nothing is lost; a sign-in lockout and the code-entry
limit counted on one instance hold on the other.

Real processes need a database both can open, so this runs on PostgreSQL (`make test` in CI
sets DATABASE_URL); on SQLite's in-memory test database it is skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from questionnaires.models import Answer, AuditEvent, Response, ResponseStatus, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.roles import Role
from tests.conftest import TEST_PASSWORD, make_staff
from tests.live_servers import Browser, app_servers, first_choices, hidden_fields, redis_available
from tests.portal.parents.wizard_client import issue

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["database", "redis"])
def two_instances(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers need a shared database: run with DATABASE_URL on PostgreSQL")
    extra: dict[str, str] = {}
    if request.param == "redis":
        if not redis_available():
            pytest.skip("no Redis on 127.0.0.1:6379")
        extra["REDIS_URL"] = REDIS_URL
    with app_servers(2, extra) as bases:
        yield bases


def step_of(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def test_one_parent_alternating_between_two_instances_loses_nothing(
    two_instances: list[str], service: Service
) -> None:
    token = issue(service).token
    browser = Browser(two_instances)
    status, _, location = browser.get(f"/p/{token}")
    assert status == 302
    status, html, _ = browser.get(location)
    assert status == 200
    assert browser.post(reverse("parents:welcome"), hidden_fields(html))[0] == 302
    response = Response.objects.get(invitation__token_hash__isnull=False)
    questions = 0
    step_url = reverse("parents:steps")
    for _ in range(200):
        status, _, location = browser.get(step_url)
        assert status == 302
        status, html, _ = browser.get(location)
        assert status == 200, location
        step = step_of(location)
        if step == "check":
            break
        fields = {**hidden_fields(html), **first_choices(html)}
        if step == "consent":
            fields["consent-consent"] = "yes"
        status, _, _ = browser.post(location, fields)
        if status != 302:  # a question answered in words only: skip it
            status, _, _ = browser.post(location, {**hidden_fields(html), f"{step}-skip": "1"})
        assert status == 302, (step, status)
        questions += step.startswith(("prfq-", "mors_sf-", "asq_se2-")) and "about" not in step
    else:
        pytest.fail("never reached the check page")
    status, html, _ = browser.get(reverse("parents:step", kwargs={"step": "check"}))
    status, _, location = browser.post(
        reverse("parents:step", kwargs={"step": "check"}), hidden_fields(html)
    )
    assert status == 302 and location.endswith(reverse("parents:sent"))
    assert len(set(browser.served_by)) == 2  # both instances served this one parent

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    steps = ResponseSteps(response)
    asked = [s for s in steps.steps if s.kind in (Kind.ITEM, Kind.OVERALL)]
    assert questions == len(asked)
    assert Answer.objects.filter(measure__response=response).count() == len(asked)
    assert AuditEvent.objects.filter(action="response.submitted").count() == 1


def test_a_lockout_and_the_code_limit_hold_across_instances(
    two_instances: list[str], service: Service
) -> None:
    make_staff(service, "alice", Role.CLINICIAN)
    browser = Browser(two_instances)
    login = reverse("staff:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _, html, _ = browser.get(login)
        fields = {**hidden_fields(html), "username": "alice", "password": "wrong password"}
        status, _, _ = browser.post(login, fields)
        assert status in (200, 429)
    # Right password, on each instance in turn: locked on both.
    for _ in range(2):
        _, html, _ = browser.get(login)
        fields = {**hidden_fields(html), "username": "alice", "password": TEST_PASSWORD}
        status, _, location = browser.post(login, fields)
        assert status == 429 and not location

    parent = Browser(two_instances)
    code_url = reverse("parents:code")
    for _ in range(settings.CODE_FAILURE_LIMIT):
        _, html, _ = parent.get(code_url)
        status, page, _ = parent.post(code_url, {**hidden_fields(html), "code": "ZZZZ-ZZZZ"})
        assert status == 200 and re.search("could not find that code", page)
    for _ in range(2):
        status, _, _ = parent.get(code_url)
        assert status == 429
