"""Real-browser harness: Debian's Chromium driven by Playwright, at phone and desktop size,
with axe-core for accessibility and a screenshot saved whenever a test fails."""

import functools
import json
import re
import shutil
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True, wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # The headless shell (Debian's chromium-headless-shell, what Playwright itself runs headless)
    # is the same engine without the desktop browser around it, and much lighter; the full
    # browser in headless mode still works where only it is installed.
    executable = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed; `make test` installs it.")
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class BrowserPage:
    """A page plus what a test needs around it: the live server's address and a log of
    console errors (a CSP violation shows up there)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path} gave {response}"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest, size: ViewportSize
) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport=size, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    wrapper = BrowserPage(context.new_page(), live_server.url)
    yield wrapper
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        wrapper.screenshot(f"failed-{request.node.name}")
    context.close()


@pytest.fixture
def phone(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[BrowserPage]:
    yield from _page(browser, live_server, request, PHONE)


@pytest.fixture
def desktop(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[BrowserPage]:
    yield from _page(browser, live_server, request, DESKTOP)


@functools.cache
def axe_source() -> str:
    """axe-core's script, read when a test first needs it (collecting needs no node_modules)."""
    return AXE_PATH.read_text()


def assert_accessible(target: BrowserPage) -> None:
    """Runs axe-core (WCAG 2.0–2.2 A/AA and best practice) and fails on any violation.
    The script goes in through DevTools evaluation, so the page's own CSP stays in force."""
    page = target.page
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    violations = results["violations"]
    assert not violations, json.dumps(
        [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in violations
        ],
        indent=2,
    )


def sign_in(target: BrowserPage, username: str) -> None:
    """Sign in through the real staff pages, as a person would: the password, then the code
    their authenticator app shows (AUTH-3)."""
    from playwright.sync_api import expect

    from questionnaires.models import StaffUser
    from tests.conftest import TEST_PASSWORD, current_code, give_authenticator

    device = give_authenticator(StaffUser.objects.get(username=username))
    target.goto("/staff/login")
    target.page.get_by_label("Username").fill(username)
    target.page.get_by_label("Password").fill(TEST_PASSWORD)
    with target.page.expect_navigation():
        target.page.get_by_role("button", name="Sign in").click()
    expect(target.page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    target.page.get_by_label("Code", exact=True).fill(current_code(device))
    with target.page.expect_navigation():
        target.page.get_by_role("button", name="Continue").click()
    # A service lead lands on the service outcomes (issue 13); everyone else on the staff home.
    expect(target.page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^(Staff home|Service outcomes)$")
    )


def fits_a_phone(target: BrowserPage, name: str, check_accessible: bool = True) -> None:
    """The same page at phone width: nothing wider than the screen; then back to desktop."""
    target.page.set_viewport_size(PHONE)
    # Layout settles after a resize (the design system's scripts react to it); a person sees
    # the settled page, so wait up to two seconds for it before judging the width.
    for _ in range(20):
        width = target.page.evaluate("document.documentElement.scrollWidth")
        if width <= PHONE["width"]:
            break
        target.page.wait_for_timeout(100)
    # Name what sticks out, so a failure says where to look.
    wide = target.page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > limit)
            .filter(e => getComputedStyle(e).visibility !== 'hidden')
            .slice(-5)
            .map(e => `${e.tagName}.${e.className} → ${e.getBoundingClientRect().right}px`)""",
        PHONE["width"] + 1,
    )
    assert width <= PHONE["width"], f"{name} is {width}px wide on a phone: {wide}"
    if check_accessible:
        assert_accessible(target)
    target.screenshot(f"{name}-phone")
    target.page.set_viewport_size(DESKTOP)


ROSTER_REFRESH_MS = 5_000  # static/js/roster.js refreshes the group's roster this often


def hold_the_clock(target: BrowserPage, paused: bool = False) -> None:
    """Fake the page's timers (call before the page loads), so a test can move the clock on to the
    roster's next refresh (`until_the_roster_shows`) instead of waiting five real seconds for it.
    Paused, the page's clock moves only when the test moves it: the roster then never refreshes
    in the middle of other requests to the live server (its in-memory SQLite database is shared
    by the server's threads). axe-core needs running timers: `resume` the clock before it."""
    target.page.clock.install()
    if paused:
        target.page.clock.pause_at(time.time() + 1)


def until_the_roster_shows(target: BrowserPage, where: Locator, text: str) -> None:
    """Move the held clock to the roster's next refresh, so the page's own timer fetches and swaps
    the list, until `where` contains `text`. A refresh already under way when the clock moves
    schedules the next one when it lands, hence a few tries; the last one is the assertion."""
    for _ in range(4):
        target.page.clock.fast_forward(ROSTER_REFRESH_MS)
        try:
            expect(where).to_contain_text(text, timeout=3_000)
            return
        except AssertionError:
            continue
    target.page.clock.fast_forward(ROSTER_REFRESH_MS)
    expect(where).to_contain_text(text, timeout=15_000)
