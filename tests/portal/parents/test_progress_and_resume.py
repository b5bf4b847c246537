"""A parent always knows where they are in a long journey (about 76 pages for a 9-month-old):
each question page says which questionnaire of how many and which question of how many, inside
the question's legend so a screen reader hears it; coming back says "Welcome back"; and the long
"Check your answers" page has a contents list of in-page links."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from questionnaires import credentials
from questionnaires.models import Response, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from tests.portal.parents.wizard_client import answer_steps, issue, start, step_url

pytestmark = pytest.mark.django_db

WELCOME_BACK = "Welcome back."


def _legend(html: str) -> str:
    found = re.search(r"<legend[^>]*>(.*?)</legend>", html, re.DOTALL)
    assert found, "the question has a legend"
    return found.group(1)


def test_a_question_page_says_which_questionnaire_and_question(service: Service) -> None:
    client = Client()
    issued = issue(service)
    response = start(client, issued.token)
    steps = ResponseSteps(response).steps
    second = next(s for s in steps if s.kind == Kind.ITEM and s.measure_number == 2)
    assert second.number == 1
    answer_steps(client, response, until=second.name)

    page = client.get(step_url(second.name))

    assert page.status_code == 200
    caption = f"Questionnaire 2 of 3 · question 1 of {second.count}"
    # Inside the fieldset's legend, before the (validated) question: read out with the question.
    legend = _legend(page.text)
    assert f'<span class="nhsuk-caption-l">{caption}</span>' in legend
    assert legend.index(caption) < legend.index("<h1")
    # The questionnaire's own explainer page says which one it is too.
    assert second.measure is not None
    explainer = client.get(step_url(f"{second.measure.instrument.code}-about")).text
    heading = re.search(r"<h1>(.*?)</h1>", explainer, re.S)
    assert heading and "Questionnaire 2 of 3" in heading.group(1)


def test_the_last_questionnaire_counts_on_from_its_own_first_question(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    steps = ResponseSteps(response).steps
    last = [s for s in steps if s.kind in (Kind.ITEM, Kind.OVERALL) and s.measure_number == 3]
    assert last[0].caption == f"Questionnaire 3 of 3 · question 1 of {last[0].count}"
    assert last[-1].caption == f"Questionnaire 3 of 3 · question {last[0].count} of {last[0].count}"


def test_a_written_answer_page_has_the_caption_and_the_box_is_described_by_it(
    service: Service,
) -> None:
    client = Client()
    response = start(client, issue(service).token)
    written = next(
        s
        for s in ResponseSteps(response).steps
        if s.kind == Kind.OVERALL and s.overall is not None and s.overall.kind != "yes_no"
    )
    answer_steps(client, response, until=written.name)
    page = client.get(step_url(written.name)).text
    assert f'-caption">{written.caption}</span>' in page
    caption_id = re.search(r'id="([^"]+-caption)"', page)
    assert caption_id
    assert re.search(rf'<textarea[^>]*aria-describedby="{caption_id.group(1)}"', page)


def test_the_first_visit_has_no_welcome_back(service: Service) -> None:
    client = Client()
    issued = issue(service)
    client.get(f"/p/{issued.token}")
    welcome = client.get(reverse("parents:welcome"))
    assert welcome.status_code == 200 and WELCOME_BACK not in welcome.text
    first = client.post(reverse("parents:welcome"), follow=True)
    assert first.status_code == 200
    assert "Do you agree" in first.text and WELCOME_BACK not in first.text


@pytest.mark.parametrize("way", ["link", "code", "cookie"])
def test_coming_back_says_welcome_back_once_on_the_next_question(
    service: Service, way: str
) -> None:
    client = Client()
    issued = issue(service)
    response = start(client, issued.token)
    posted = answer_steps(client, response, until="prfq-4")
    assert posted[-1] == "prfq-3"

    again = Client() if way != "cookie" else client
    if way == "link":
        page = again.get(f"/p/{issued.token}", follow=True)
    elif way == "code":
        code = credentials.display_code(issued.short_code)
        page = again.post(reverse("parents:code"), {"code": code}, follow=True)
    else:
        page = again.get(reverse("parents:welcome"), follow=True)

    assert page.request["PATH_INFO"] == step_url("prfq-4")
    assert WELCOME_BACK in page.text
    notice = re.search(r'<div class="nhsuk-inset-text app-welcome-back">.*?</div>', page.text, re.S)
    assert notice and "We kept the answers you gave before" in notice.group(0)
    # Said once: the next page is an ordinary question page.
    assert WELCOME_BACK not in again.get(step_url("prfq-4")).text


def test_check_answers_contents_links_go_to_each_questionnaire(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    answer_steps(client, response)
    page = client.get(step_url("check")).text

    nav = re.search(r'<nav class="nhsuk-contents-list".*?</nav>', page, re.S)
    assert nav, "a contents list"
    links = re.findall(
        r'<a class="nhsuk-contents-list__link" href="#([^"]+)">([^<]+)</a>', nav.group(0)
    )
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert all(anchor in ids for anchor, _ in links), (links, ids)
    measures = Response.objects.get(pk=response.pk).measures.select_related("instrument")
    expected = [f"answers-{m.instrument.code}" for m in measures]
    assert [anchor for anchor, _ in links] == [*expected, "answers-about-you", "send-answers"]
    titles = [title for _, title in links]
    assert titles[:3] == [
        "How you think about your baby",
        "Your feelings about your baby",
        "How your child is growing and feeling",
    ]
    # Each link lands on that section's heading.
    for anchor, title in links[:3]:
        assert f'<h2 id="{anchor}">{title}</h2>' in page
