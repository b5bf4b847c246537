"""Walking the parent journey in a browser, shared by the journey and accessibility tests."""

from __future__ import annotations

import random

from questionnaires.models import Response
from questionnaires.parent_steps import Kind, ResponseSteps
from tests.browser.conftest import BrowserPage, assert_accessible


def press_continue(target: BrowserPage) -> None:
    # Wait for the page the POST leads to: reading the URL before it arrives would answer
    # the next question as if it were this one.
    with target.page.expect_navigation():
        target.page.get_by_role("button", name="Continue", exact=True).click()


def go_through(
    target: BrowserPage,
    response: Response,
    stop_after: int | None = None,
    skip: str | None = None,
    shots: dict[str, bool] | None = None,
) -> dict[str, str]:
    """Answer steps from the current page on, up to "Check your answers"; returns
    {step name: label clicked}. Works with JavaScript on or off."""
    rng = random.Random(7)
    chosen: dict[str, str] = {}
    answered = 0
    while "/questionnaire/q/check/" not in target.page.url:
        name = target.page.url.rstrip("/").rsplit("/", 1)[-1]
        step = ResponseSteps(Response.objects.get(pk=response.pk)).by_name[name]
        if shots is not None and step.kind not in shots:
            shots[step.kind] = True
            assert_accessible(target)
            target.screenshot(f"parent-{step.kind}-phone")
        if step.kind == Kind.CONSENT:
            target.page.get_by_label("Yes, I agree").check()
        elif step.kind in (Kind.ITEM, Kind.OVERALL, Kind.ABOUT):
            if name == skip:
                with target.page.expect_navigation():
                    target.page.get_by_role("button", name="Skip this question").click()
                chosen[name] = ""
                continue
            labels = target.page.locator(".nhsuk-radios__label").all_inner_texts()
            if labels:
                label = rng.choice(labels)
                target.page.get_by_label(label, exact=True).check()
                chosen[name] = label
            else:
                target.page.get_by_role("textbox").fill("She loves bath time")
                chosen[name] = "She loves bath time"
            answered += 1
        press_continue(target)
        if stop_after is not None and answered >= stop_after:
            return chosen
    return chosen
