"""Accessibility of the parent pages in a real browser: "Listen" reads the question aloud where the
browser can, the whole journey works with JavaScript off and with the keyboard alone, every
parent page type passes axe at phone and desktop size, nothing scrolls sideways at 200% zoom,
and "Exit this page" leaves for a neutral page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, ViewportSize, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from questionnaires.models import Response, ResponseStatus, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import families, invitations, responses
from tests.browser.conftest import DESKTOP, PHONE, BrowserPage, assert_accessible
from tests.browser.journey import go_through, press_continue
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 200% zoom on a 640-px-wide window is a 320-CSS-px-wide viewport (WCAG 1.4.10 Reflow).
ZOOM_200: ViewportSize = {"width": 320, "height": 640}
SIZES = {"phone": PHONE, "desktop": DESKTOP, "zoom200": ZOOM_200}

RECORD_SPEECH = """
window.__spoken = [];
if ('speechSynthesis' in window) {
  Object.defineProperty(window.speechSynthesis, 'speak', {
    value: (utterance) => window.__spoken.push(utterance.text), configurable: true,
  });
  Object.defineProperty(window.speechSynthesis, 'cancel', {value: () => {}, configurable: true});
}
"""
NO_SPEECH = """
delete window.speechSynthesis;
delete Window.prototype.speechSynthesis;
"""


@pytest.fixture
def open_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., BrowserPage]]:
    """A new browser context per call, with options (size, JavaScript, an init script)."""
    contexts = []
    pages: list[BrowserPage] = []

    def make(
        size: ViewportSize = PHONE, javascript: bool = True, init_script: str = ""
    ) -> BrowserPage:
        context = browser.new_context(
            viewport=size,
            locale="en-GB",
            timezone_id="Europe/London",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        pages.append(BrowserPage(context.new_page(), live_server.url))
        return pages[-1]

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and pages:
        pages[-1].screenshot(f"failed-{request.node.name}")
    for context in contexts:
        context.close()


def _issue(service: Service) -> invitations.IssuedInvitation:
    """A fresh personal link: opening it shows the welcome page."""
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1")


def _at_first_item(service: Service, target: BrowserPage) -> Response:
    """A parent who has consented and read the PRFQ explainer, back at PRFQ question 1."""
    issued, response = factories.invited_response(service)
    responses.record_consent(response, True)
    responses.mark_step_seen(response, "prfq-about")
    target.goto(f"/p/{issued.token}")
    expect(target.page.locator(".nhsuk-caption-l")).to_contain_text("question 1 of 18")
    return response


def _answer_everything(response: Response) -> None:
    """Every step saved through the wizard's own writer, with varied answers, one ASQ concern
    ticked, and "Prefer not to say" for the "About you" questions."""
    for step in ResponseSteps(response).steps:
        cleaned: dict[str, str | bool] = {}
        if step.kind == Kind.CONSENT:
            cleaned = {"consent": "yes"}
        elif step.kind == Kind.ITEM:
            assert step.definition is not None and step.item is not None
            options = step.definition.options
            cleaned = {"answer": str(options[step.number % len(options)].value)}
            cleaned["concern"] = step.name == "asq_se2-2"
        elif step.kind == Kind.OVERALL:
            assert step.overall is not None
            yes_no = step.overall.kind == "yes_no"
            cleaned = {"answer": "no"} if yes_no else {"text": "She loves bath time"}
        elif step.kind == Kind.ABOUT:
            cleaned = {"answer": "prefer_not_to_say"}
        if step.kind != Kind.CHECK:
            responses.save_step(response, step, cleaned)


def _h1(target: BrowserPage) -> str:
    return target.page.get_by_role("heading", level=1).inner_text()


# --- Listen ----------------------------------------------------------------------------------


def test_listen_reads_the_question_and_every_answer_aloud(
    open_page: Callable[..., BrowserPage], service: Service
) -> None:
    target = open_page(init_script=RECORD_SPEECH)
    _at_first_item(service, target)
    listen = target.page.get_by_role("button", name="Listen to this question")
    expect(listen).to_be_visible()
    question = _h1(target)
    options = target.page.locator(".nhsuk-radios__label").all_inner_texts()
    assert len(options) == 7

    listen.click()
    spoken = target.page.evaluate("window.__spoken")
    assert len(spoken) == 1
    assert question in spoken[0]
    for option in options:
        assert option in spoken[0]
    # Reading is in page order: the question first, then the answers from top to bottom.
    positions = [spoken[0].index(text) for text in [question, *options]]
    assert positions == sorted(positions)
    assert target.console_errors == []


def test_listen_stays_hidden_without_speech_synthesis(
    open_page: Callable[..., BrowserPage], service: Service
) -> None:
    target = open_page(init_script=NO_SPEECH)
    _at_first_item(service, target)
    assert target.page.evaluate("'speechSynthesis' in window") is False
    expect(target.page.get_by_role("button", name="Continue", exact=True)).to_be_visible()
    expect(target.page.locator("[data-listen]")).to_be_hidden()
    assert target.console_errors == []


# --- JavaScript off --------------------------------------------------------------------------


def test_the_whole_journey_works_with_javascript_off(
    open_page: Callable[..., BrowserPage], service: Service
) -> None:
    target = open_page(javascript=False)
    issued = _issue(service)

    target.goto(f"/p/{issued.token}")
    assert _h1(target) == "Questions about you and your baby"
    target.page.get_by_role("button", name="Start now").click()
    response = Response.objects.get(invitation=issued.invitation)
    # Without JavaScript there is no Listen button, and nothing else is missing.
    chosen = go_through(target, response, skip="mors_sf-3")
    assert _h1(target) == "Check your answers"
    target.page.get_by_role("button", name="Send my answers").click()
    assert _h1(target) == "Your answers have been sent"

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    prfq = response.measures.get(instrument__code="prfq")
    assert prfq.answers.count() == 18
    assert response.measures.get(instrument__code="mors_sf").answers.get(item="3").value == ""
    assert len(chosen) > 40


# --- Keyboard only ---------------------------------------------------------------------------


def _focused(target: BrowserPage) -> dict[str, str]:
    return target.page.evaluate(
        """() => { const el = document.activeElement; return {
             tag: el.tagName.toLowerCase(), type: el.type || '', text: el.innerText || '',
             label: el.labels && el.labels[0] ? el.labels[0].innerText : '',
             classes: el.className || '', checked: String(!!el.checked) }; }"""
    )


def _tab_to(
    target: BrowserPage, wanted: Callable[[dict[str, str]], bool], key: str = "Tab"
) -> None:
    """Press Tab until the focus is on what is wanted (the test only looks; it never clicks)."""
    for _ in range(30):
        target.page.keyboard.press(key)
        if wanted(_focused(target)):
            return
    raise AssertionError(f"Tab never reached it; last focus {_focused(target)}")


def _is_button(name: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f["tag"] == "button" and f["text"].strip() == name


def _is_radio(f: dict[str, str]) -> bool:
    return f["tag"] == "input" and f["type"] == "radio"


def test_a_parent_can_answer_with_the_keyboard_alone(
    open_page: Callable[..., BrowserPage], service: Service
) -> None:
    target = open_page()
    issued = _issue(service)
    target.goto(f"/p/{issued.token}")
    keyboard = target.page.keyboard

    # Welcome: Tab to "Start now", Enter.
    _tab_to(target, _is_button("Start now"))
    keyboard.press("Enter")
    expect(target.page.get_by_role("heading", level=1)).to_have_text(
        "Do you agree to answer these questions?"
    )
    # Consent: Tab into the radios (focus lands on "Yes, I agree"), Space to choose it.
    _tab_to(target, _is_radio)
    assert _focused(target)["label"] == "Yes, I agree"
    keyboard.press("Space")
    assert _focused(target)["checked"] == "true"
    _tab_to(target, _is_button("Continue"))
    keyboard.press("Enter")
    # The first explainer.
    expect(target.page.get_by_role("heading", level=1)).to_have_text(
        "Questionnaire 1 of 3 – How you think about your baby"
    )
    _tab_to(target, _is_button("Continue"))
    keyboard.press("Enter")

    # Question 1: Continue with nothing chosen; the error summary takes the focus.
    expect(target.page.locator(".nhsuk-caption-l")).to_contain_text("question 1 of 18")
    _tab_to(target, _is_button("Continue"))
    keyboard.press("Enter")
    summary = target.page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert target.page.title().startswith("Error: ")
    # Its link takes the focus to the first answer.
    _tab_to(target, lambda f: f["tag"] == "a" and "Select how much" in f["text"])
    keyboard.press("Enter")
    expect(target.page.locator("#id_prfq-1-answer_0")).to_be_focused()
    keyboard.press("ArrowDown")  # moves to and chooses "2"
    assert _focused(target)["checked"] == "true"
    _tab_to(target, _is_button("Continue"))
    keyboard.press("Enter")

    # Questions 2 and 3: Tab into the radios, ArrowDown, ArrowDown, Continue.
    for number in (2, 3):
        expect(target.page.locator(".nhsuk-caption-l")).to_contain_text(f"question {number} of")
        _tab_to(target, _is_radio)
        keyboard.press("ArrowDown")
        keyboard.press("ArrowDown")
        _tab_to(target, _is_button("Continue"))
        keyboard.press("Enter")
    expect(target.page.locator(".nhsuk-caption-l")).to_contain_text("question 4 of 18")

    # Shift+Tab goes back the way it came: from Continue back to "Listen", then the radios.
    _tab_to(target, _is_button("Continue"))
    _tab_to(target, _is_radio, key="Shift+Tab")

    response = Response.objects.get(invitation=issued.invitation)
    assert response.consent_given is True
    saved = {a.item: a.value for a in response.measures.get(instrument__code="prfq").answers.all()}
    assert saved == {"1": "2", "2": "3", "3": "3"}
    assert target.console_errors == []


# --- Every page type: axe at phone and desktop size, no sideways scroll at 200% zoom ---------


def _check_page(target: BrowserPage, size: str, name: str) -> None:
    assert_accessible(target)
    widths = target.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways at {size}: {widths}"
    target.screenshot(f"a11y-{name}-{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_every_parent_page_type_is_accessible(
    size: str, open_page: Callable[..., BrowserPage], service: Service
) -> None:
    target = open_page(size=SIZES[size])
    issued = _issue(service)
    page = target.page

    target.goto(f"/p/{issued.token}")
    _check_page(target, size, "welcome")
    page.get_by_role("button", name="Start now").click()
    response = Response.objects.get(invitation=issued.invitation)

    _check_page(target, size, "consent")
    page.get_by_label("Yes, I agree").check()
    press_continue(target)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Questionnaire 1 of 3 – How you think about your baby"
    )
    _check_page(target, size, "explainer")
    press_continue(target)

    press_continue(target)  # nothing chosen
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    _check_page(target, size, "item-error")
    page.locator(".nhsuk-radios__input").first.check()
    press_continue(target)
    _check_page(target, size, "item")

    # Jump ahead by address: the wizard shows any step of this response.
    target.goto("/questionnaire/q/asq_se2-1/")
    expect(page.get_by_role("checkbox")).to_have_count(1)
    expect(page.locator(".app-demo-wording")).to_be_visible()
    _check_page(target, size, "asq-item-concern")
    target.goto("/questionnaire/q/asq_se2-overall_1/")
    _check_page(target, size, "overall")
    target.goto("/questionnaire/q/asq_se2-overall_4/")
    _check_page(target, size, "overall-text")
    target.goto("/questionnaire/q/about-you/")
    _check_page(target, size, "about-you-intro")
    target.goto("/questionnaire/q/about-ethnic-group/")
    _check_page(target, size, "about-you")

    # A long "Check your answers": every question answered.
    _answer_everything(response)
    target.goto("/questionnaire/q/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    _check_page(target, size, "check-answers")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    _check_page(target, size, "sent")

    target.goto("/start")
    page.get_by_label("Enter your code").fill("ZZZZ-ZZZZ")
    press_continue(target)
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    _check_page(target, size, "code-error")

    page.goto(target.base_url + "/p/not-a-real-link")
    assert _h1(target) == "This link is not working"
    _check_page(target, size, "link-not-working")
    # The only console message is the browser noting the link page's 404 status.
    assert all("status of 404" in error for error in target.console_errors)


# --- Exit this page --------------------------------------------------------------------------


def _neutral_site(target: BrowserPage, settings: Settings) -> str:
    """Another origin on the test server stands in for the neutral site (nothing goes online,
    and Chromium will not let a test answer for a page reached by a redirect)."""
    neutral = target.base_url.replace("127.0.0.1", "localhost") + "/accessibility"
    settings.EXIT_PAGE_URL = neutral
    return neutral


def test_exit_this_page_leaves_for_a_neutral_page(
    open_page: Callable[..., BrowserPage], service: Service, settings: Settings
) -> None:
    target = open_page()
    neutral = _neutral_site(target, settings)
    _at_first_item(service, target)
    exit_link = target.page.get_by_role("link", name="Exit this page")
    expect(exit_link).to_be_visible()
    # It is the first thing after the header: near the top, before the question.
    box = exit_link.bounding_box()
    heading = target.page.get_by_role("heading", level=1).bounding_box()
    assert box is not None and heading is not None and box["y"] < heading["y"]
    assert box["y"] < 200

    with target.page.expect_navigation(url=neutral):
        exit_link.click()
    assert target.page.url == neutral
    # The session ended on the server (LINK-9): the questions are gone from this browser.
    target.page.goto(target.base_url + "/questionnaire/")
    expect(target.page.locator("main")).to_contain_text("Open your link again")
    target.console_errors.clear()  # that page's 403 is the point, not a fault

    # Pressing Shift three times does the same from anywhere on a parent page.
    _at_first_item(service, target)
    with target.page.expect_navigation(url=neutral):
        for _ in range(3):
            target.page.keyboard.press("Shift")
    assert target.console_errors == []


def test_exit_this_page_works_without_javascript(
    open_page: Callable[..., BrowserPage], service: Service, settings: Settings
) -> None:
    target = open_page(javascript=False)
    neutral = _neutral_site(target, settings)
    _at_first_item(service, target)
    with target.page.expect_navigation(url=neutral):
        target.page.get_by_role("link", name="Exit this page").click()
    assert target.page.url == neutral
