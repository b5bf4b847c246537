"""At phone width, a parent coming back mid-journey sees "Welcome back" and where they are
("Questionnaire 2 of 3 · question 1 of …"), read out as part of the question's group; the long
"Check your answers" page starts with a contents list whose links go to each questionnaire."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from questionnaires.models import Response, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import responses
from tests.browser.conftest import ARTIFACTS, PHONE, BrowserPage, assert_accessible
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save_until(response: Response, stop: str | None) -> None:
    """Every step before `stop` (all of them with None) saved through the wizard's writer."""
    for step in ResponseSteps(response).steps:
        if step.name == stop or step.kind == Kind.CHECK:
            return
        cleaned: dict[str, str | bool] = {}
        if step.kind == Kind.CONSENT:
            cleaned = {"consent": "yes"}
        elif step.kind == Kind.ITEM:
            assert step.definition is not None
            cleaned = {"answer": str(step.definition.options[0].value)}
        elif step.kind == Kind.OVERALL:
            assert step.overall is not None
            yes_no = step.overall.kind == "yes_no"
            cleaned = {"answer": "no"} if yes_no else {"text": "She loves bath time"}
        elif step.kind == Kind.ABOUT:
            cleaned = {"answer": "prefer_not_to_say"}
        responses.save_step(response, step, cleaned)


def test_progress_caption_welcome_back_and_contents_at_phone_width(
    phone: BrowserPage, service: Service
) -> None:
    issued, response = factories.invited_response(service)
    steps = ResponseSteps(response).steps
    second = next(s for s in steps if s.kind == Kind.ITEM and s.measure_number == 2)
    _save_until(response, second.name)

    phone.goto(f"/p/{issued.token}")  # coming back by link: resumes at the next question
    page = phone.page
    caption = f"Questionnaire 2 of 3 · question 1 of {second.count}"
    expect(page.locator("legend .nhsuk-caption-l")).to_have_text(caption)
    # The caption is part of the radio group's accessible name, so a screen reader hears it.
    expect(page.get_by_role("group", name=re.compile(re.escape(caption)))).to_be_visible()
    expect(page.locator(".app-welcome-back")).to_contain_text("Welcome back.")
    assert_accessible(phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot("parent-question-progress-390")

    _save_until(response, None)
    phone.goto("/questionnaire/q/check/")
    contents = page.get_by_role("navigation", name="Your answers")
    expect(contents.get_by_role("link")).to_have_count(5)
    assert_accessible(phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "parent-check-answers-top-390.png"))  # the first screen
    contents.get_by_role("link", name="Your feelings about your baby").click()
    assert page.url.endswith("#answers-mors_sf")
    expect(
        page.get_by_role("heading", level=2, name="Your feelings about your baby")
    ).to_be_in_viewport()
