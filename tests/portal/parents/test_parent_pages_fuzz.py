"""Fuzzing the parent pages (INJ-4, INJ-5): random fields and values, bad bytes, unknown or
mismatched steps, out-of-range answers, oversized bodies, too many fields and wrong methods
never give a 5xx; an invalid answer saves nothing and re-shows the page with the GOV.UK error
summary. Hypothesis is derandomised so CI sees the same examples every run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from questionnaires.models import Answer, Response, ScoreRecord, Service
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import families, invitations
from tests.conftest import ClientResponse
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db

MANAGEMENT = "questionnaire_wizard-current_step"
FORM = "application/x-www-form-urlencoded"


def fuzz(examples: int) -> Any:
    """About 150 examples across the file; deterministic for CI."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@dataclass
class Parent:
    client: Client
    token: str
    code: str
    response: Response
    steps: ResponseSteps

    def state(self) -> tuple[Any, ...]:
        response = Response.objects.get(pk=self.response.pk)
        return (
            sorted(
                Answer.objects.filter(measure__response=response).values_list(
                    "measure_id", "item", "value", "concern", "text"
                )
            ),
            response.status,
            response.consent_given,
            response.about_you,
            response.seen_steps,
            ScoreRecord.objects.count(),
        )


@pytest.fixture
def parent(service: Service) -> Parent:
    """A parent who has opened their link, pressed "Start now" and consented."""
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    issued = invitations.issue_invitation(episode, "T1")
    client = Client()
    assert client.get(f"/p/{issued.token}").status_code == 302
    assert client.post(reverse("parents:welcome")).status_code == 302
    consent = client.post(
        reverse("parents:step", kwargs={"step": "consent"}),
        {MANAGEMENT: "consent", "consent-consent": "yes"},
    )
    assert consent.status_code == 302
    response = Response.objects.get(invitation=issued.invitation)
    return Parent(client, issued.token, issued.short_code, response, ResponseSteps(response))


def step_url(name: str) -> str:
    return reverse("parents:step", kwargs={"step": name})


def urls(parent: Parent) -> list[str]:
    return [
        f"/p/{parent.token}",
        reverse("parents:code"),
        reverse("parents:welcome"),
        step_url("prfq-3"),
        step_url("check"),
    ]


def assert_not_5xx(result: ClientResponse) -> None:
    assert result.status_code < 500, (result.status_code, result.content[:300])


# --- random fields and values -------------------------------------------------------------

field_names = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            MANAGEMENT,
            "prfq-3-answer",
            "prfq-3-skip",
            "prfq-3-concern",
            "consent-consent",
            "code",
            "wizard_goto_step",
            "csrfmiddlewaretoken",
        ]
    ),
)
field_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["prfq-3", "prfq-4", "check", "consent", "send", "6", "yes", "1", ""]),
    st.lists(st.text(max_size=10), max_size=3),
)


@fuzz(40)
@given(
    target=st.integers(min_value=0, max_value=4), data=st.dictionaries(field_names, field_values)
)
def test_random_fields_never_give_a_server_error(
    parent: Parent, target: int, data: dict[str, Any]
) -> None:
    """INJ-4 / INJ-5: any field names and values (any Unicode) POSTed to the link, the code page,
    the welcome page or a step never give a 5xx."""
    result = parent.client.post(urls(parent)[target], data)
    assert_not_5xx(result)
    # The link itself is GET-only.
    if target == 0:
        assert result.status_code == 405


raw_bodies = st.one_of(
    st.binary(max_size=500),
    st.builds(
        lambda step, value: (
            f"{MANAGEMENT}={step}&{step}-answer=".encode() + quote_from_bytes(value).encode()
        ),
        st.sampled_from(["prfq-3", "consent", "asq_se2-overall_1", "about-gender"]),
        st.binary(max_size=40),
    ),
    st.builds(
        lambda value: b"code=" + value,
        st.binary(max_size=40),
    ),
)


@fuzz(30)
@given(target=st.integers(min_value=0, max_value=4), body=raw_bodies)
def test_raw_bodies_with_bad_bytes_never_give_a_server_error(
    parent: Parent, target: int, body: bytes
) -> None:
    """INJ-5: raw form bodies, including invalid UTF-8 and percent-encoded junk, never give a
    5xx and never save an answer that is not one of the allowed values."""
    url = urls(parent)[target]
    result = parent.client.generic("POST", url, body, content_type=FORM)
    assert_not_5xx(result)
    allowed = {
        str(option.value)
        for step in parent.steps.steps
        if step.definition is not None
        for option in step.definition.options
    } | {"", "yes", "no"}
    for value in Answer.objects.values_list("value", flat=True):
        assert value in allowed


# --- unknown and mismatched steps ---------------------------------------------------------


@fuzz(25)
@given(
    url_step=st.one_of(st.text(max_size=30), st.sampled_from(["prfq-3", "check", "send"])),
    posted_step=st.one_of(
        st.none(), st.text(max_size=30), st.sampled_from(["prfq-3", "prfq-4", "check"])
    ),
)
def test_unknown_or_mismatched_steps_are_refused(
    parent: Parent, url_step: str, posted_step: str | None
) -> None:
    """INJ-4 / INJ-5: a POST to an unknown step, or whose management form names another step
    than the address, is a 400 (or 404 for an address that is no step at all) and saves
    nothing; a GET of an unknown step goes back to the right question."""
    known = set(parent.steps.by_name)
    assume(not (url_step in known and posted_step == url_step))
    before = parent.state()
    url = f"/questionnaire/q/{quote(url_step, safe='')}/"
    data = {f"{url_step}-answer": "6", f"{posted_step}-answer": "6"}
    if posted_step is not None:
        data[MANAGEMENT] = posted_step
    result = parent.client.post(url, data)
    assert result.status_code in (400, 404), result.status_code
    assert parent.state() == before
    looked = parent.client.get(url)
    assert looked.status_code in (200, 302, 404)
    assert parent.state() == before


# --- out-of-range answers -----------------------------------------------------------------

INVALID_SAMPLES = [
    "8",
    "0",
    "",
    "1.0",
    "<script>alert(1)</script>",
    " 6",
    "6 ",
    "06",
    "+6",
    "６",
    "-1",
    "YES",
    "yes ",
    "9" * 60,
    "6\x00",
    "prefer not to say",
]


def choices(step: Step) -> set[str]:
    if step.kind == Kind.CONSENT:
        return {"yes", "no"}
    if step.kind == Kind.ITEM and step.definition is not None:
        return {str(option.value) for option in step.definition.options}
    if step.kind == Kind.OVERALL:
        return {"yes", "no"}
    if step.kind == Kind.ABOUT and step.about is not None:
        return {value for value, _ in step.about.choices}
    return set()


def answerable(parent: Parent) -> list[Step]:
    return [
        step
        for step in parent.steps.steps
        if step.kind in (Kind.CONSENT, Kind.ITEM, Kind.ABOUT)
        or (step.kind == Kind.OVERALL and step.overall and step.overall.kind == "yes_no")
    ]


def assert_error_page(result: ClientResponse) -> None:
    assert result.status_code == 200
    html = result.content.decode()
    assert "There is a problem" in html
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and title.group(1).strip().startswith("Error: ")
    assert "<script>alert" not in html


@fuzz(40)
@given(
    index=st.integers(min_value=0, max_value=10_000),
    value=st.one_of(st.sampled_from(INVALID_SAMPLES), st.text(max_size=40)),
    concern=st.booleans(),
)
def test_invalid_answers_save_nothing_and_show_the_error_summary(
    parent: Parent, index: int, value: str, concern: bool
) -> None:
    """INJ-4: a value outside the definition's allowed set (out of range, decimal, padded,
    markup, another alphabet's digits, empty) for a real step saves nothing and re-shows the page
    with "There is a problem" and an "Error: " title."""
    steps = answerable(parent)
    step = steps[index % len(steps)]
    assume(value not in choices(step))
    before = parent.state()
    data = {MANAGEMENT: step.name, f"{step.name}-answer": value}
    if step.kind == Kind.CONSENT:
        data = {MANAGEMENT: step.name, f"{step.name}-consent": value}
    if concern:
        data[f"{step.name}-concern"] = "on"
    result = parent.client.post(step_url(step.name), data)
    assert_error_page(result)
    assert parent.state() == before


@pytest.mark.parametrize(
    "value",
    ["8", "0", "", "1.0", "<script>alert(1)</script>", "7.0", "seven"],
)
def test_prfq_out_of_range_values_are_refused(parent: Parent, value: str) -> None:
    """INJ-4: the PRFQ's 1–7 scale accepts nothing else; the answer count does not change."""
    before = Answer.objects.count()
    result = parent.client.post(step_url("prfq-3"), {MANAGEMENT: "prfq-3", "prfq-3-answer": value})
    assert_error_page(result)
    assert "Select how much you agree or disagree" in result.content.decode()
    assert Answer.objects.count() == before
    # The same page with a valid answer is saved, so the refusal was about the value.
    ok = parent.client.post(step_url("prfq-3"), {MANAGEMENT: "prfq-3", "prfq-3-answer": "7"})
    assert ok.status_code == 302
    assert Answer.objects.count() == before + 1


@pytest.mark.parametrize("text", ["x" * 1001, "fine\x00"])
def test_free_text_too_long_or_with_nul_is_refused(parent: Parent, text: str) -> None:
    """INJ-4 / INJ-5: free text over 1000 characters or with a NUL byte (which PostgreSQL cannot
    store) gets the error summary and saves nothing."""
    before = parent.state()
    result = parent.client.post(
        step_url("asq_se2-overall_4"),
        {MANAGEMENT: "asq_se2-overall_4", "asq_se2-overall_4-text": text},
    )
    assert_error_page(result)
    assert parent.state() == before


# --- request limits and methods -----------------------------------------------------------


def _csrf_client(parent: Parent) -> tuple[Client, str]:
    """A client that enforces CSRF, as production does, with the parent's session and a valid
    token, so the request gets as far as the body being read."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = parent.client.cookies
    page = client.get(step_url("prfq-3"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client, token.group(1)


def _post_paths() -> list[str]:
    return ["code", "welcome", "step"]


def _path(parent: Parent, which: str) -> str:
    return {
        "code": reverse("parents:code"),
        "welcome": reverse("parents:welcome"),
        "step": step_url("prfq-3"),
    }[which]


@pytest.mark.parametrize("which", _post_paths())
def test_huge_bodies_are_refused(parent: Parent, which: str) -> None:
    """INJ-5: a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 400 (or 413), never a 5xx, and saves
    nothing."""
    client, token = _csrf_client(parent)
    before = parent.state()
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    result = client.post(
        _path(parent, which),
        {MANAGEMENT: "prfq-3", "prfq-3-answer": "6", "padding": "a" * size},
        HTTP_X_CSRFTOKEN=token,
    )
    assert result.status_code in (400, 413)
    assert parent.state() == before
    raw = parent.client.generic(
        "POST", _path(parent, which), b"code=" + b"A" * size, content_type=FORM
    )
    assert_not_5xx(raw)
    if which != "welcome":  # the welcome page reads no fields; CSRF (above) reads the body
        assert raw.status_code in (400, 413)


@pytest.mark.parametrize("which", _post_paths())
def test_too_many_fields_are_refused(parent: Parent, which: str) -> None:
    """INJ-5: more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields gets 400 and saves nothing."""
    client, token = _csrf_client(parent)
    before = parent.state()
    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    data.update({MANAGEMENT: "prfq-3", "prfq-3-answer": "6"})
    result = client.post(_path(parent, which), data, HTTP_X_CSRFTOKEN=token)
    assert result.status_code == 400
    assert parent.state() == before
    if which != "welcome":
        assert parent.client.post(_path(parent, which), data).status_code == 400


def test_broken_multipart_is_a_bad_request(parent: Parent) -> None:
    """INJ-5: a multipart body with a broken boundary is a 400, not a 5xx."""
    for url in urls(parent)[1:]:
        result = parent.client.generic(
            "POST", url, b"--nope\r\n\r\n", content_type="multipart/form-data; boundary="
        )
        assert_not_5xx(result)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("with_session", [True, False])
def test_wrong_methods_get_405(parent: Parent, method: str, with_session: bool) -> None:
    """INJ-5: PUT, DELETE and PATCH on the link, code, welcome and step pages get 405, with or
    without a parent session, and change nothing."""
    client = parent.client if with_session else Client()
    before = parent.state()
    for url in urls(parent):
        result = getattr(client, method)(url, "prfq-3-answer=6", content_type=FORM)
        assert result.status_code == 405, (url, result.status_code)
    assert parent.state() == before
