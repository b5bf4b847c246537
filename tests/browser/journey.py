"""Walking the parent journey in a browser, shared by the journey and accessibility tests."""

from __future__ import annotations

import random

from playwright.sync_api import expect

from questionnaires.models import Response
from questionnaires.parent_steps import Kind, ResponseSteps
from tests.browser.conftest import BrowserPage, assert_accessible
from tests.portal.parents.wizard_client import MANAGEMENT, valid_data


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


def answer_by_post(target: BrowserPage, response: Response) -> int:
    """Answer every step still open with real POSTs to the live server, sent by the page itself
    (so with its cookies, session and CSRF token) as "Continue" would send them, one after the
    other, without rendering each next page; then open "Check your answers" in the browser. For
    tests whose assertions are about the pages around the questions, not the questions themselves
    (test_parent_journey.py clicks through every question). Returns the number of POSTs."""
    csrf = target.page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    posts = []
    for step in ResponseSteps(Response.objects.get(pk=response.pk)).steps:
        if step.kind == Kind.CHECK:
            continue
        form = {MANAGEMENT: step.name, "csrfmiddlewaretoken": csrf}
        form.update({f"{step.name}-{key}": value for key, value in valid_data(step).items()})
        posts.append((f"/questionnaire/q/{step.name}/", form))
    # Each answer is saved and the wizard redirects to the next step: a redirect is success, a
    # page (an error message, 403, 404) is not.
    refused = target.page.evaluate(
        """async (posts) => {
            const refused = [];
            for (const [url, fields] of posts) {
                const reply = await fetch(url, {
                    method: "POST", body: new URLSearchParams(fields), redirect: "manual",
                });
                if (reply.type !== "opaqueredirect") refused.push([url, reply.status]);
            }
            return refused;
        }""",
        posts,
    )
    assert refused == [], refused
    target.goto("/questionnaire/q/check/")
    expect(target.page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    return len(posts)
