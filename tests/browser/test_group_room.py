"""Journey 2, the facilitator's half, in a real browser: the poster's QR code scans to the join
page, the room page works on a projector, and the roster updates itself (LINK-4, AZ-3)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, ViewportSize, expect
from pypdf import PdfReader

from questionnaires.models import GroupCollection, ParentGroup, Service, StaffUser, Timepoint
from questionnaires.services import together_time
from tests.browser.conftest import (
    ARTIFACTS,
    PHONE,
    BrowserPage,
    assert_accessible,
    hold_the_clock,
    sign_in,
    until_the_roster_shows,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR: ViewportSize = {"width": 1280, "height": 800}
BABY = timezone.localdate() - timedelta(days=150)


@pytest.fixture
def group(service: Service, facilitator: StaffUser) -> ParentGroup:
    return together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, "Riverside", [facilitator]
    )


@pytest.fixture
def start(group: ParentGroup, facilitator: StaffUser) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1, facilitator)


def _sign_in(target: BrowserPage, username: str = "fran") -> None:
    sign_in(target, username)


def _decode_qr(image: Path) -> str:
    """What a phone camera would read: zbar's decoder, on the picture as printed or shown."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbar-tools is not installed"
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _rasterise(pdf: bytes, folder: Path) -> Path:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is not installed"
    source = folder / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "150", "-png", "-singlefile", str(source), str(folder / "poster")],
        check=True,
    )
    return folder / "poster.png"


def test_poster_qr_code_scans_to_the_join_page(
    desktop: BrowserPage,
    browser: Browser,
    live_server: Any,
    settings: Any,
    group: ParentGroup,
    start: GroupCollection,
    tmp_path: Path,
) -> None:
    # Links and QR codes point at the address parents use: here, the test server.
    settings.SITE_BASE_URL = live_server.url
    _sign_in(desktop)
    poster_url = reverse("groups:poster", kwargs={"group_id": group.pk, "collection_id": start.pk})
    # The browser context's own request client carries the facilitator's session cookie.
    response = desktop.page.request.get(live_server.url + poster_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Tuesday Together Time" in text
    assert start.code in text.replace(" ", "")
    assert f"{live_server.url}/start" in text

    image = _rasterise(pdf, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(image, ARTIFACTS / "poster.png")
    join_url = live_server.url + reverse("parents:group_join", kwargs={"code": start.code})
    decoded = _decode_qr(image)
    assert decoded == join_url

    # A parent scans it with their own phone, which has never seen the staff pages.
    parent_context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        parent = BrowserPage(parent_context.new_page(), live_server.url)
        parent.goto(decoded.removeprefix(live_server.url))
        expect(parent.page.get_by_role("heading", level=1)).to_have_text(
            "Join Tuesday Together Time"
        )
        parent.screenshot("group-join-from-poster-phone")
    finally:
        parent_context.close()


def test_room_page_on_a_projector(
    desktop: BrowserPage,
    live_server: Any,
    settings: Any,
    group: ParentGroup,
    start: GroupCollection,
    tmp_path: Path,
) -> None:
    settings.SITE_BASE_URL = live_server.url
    together_time.join_start(start, "Maryam", "mother", BABY)
    desktop.page.set_viewport_size(PROJECTOR)
    _sign_in(desktop)
    desktop.goto(f"/staff/groups/{group.pk}/room/{start.pk}")
    page = desktop.page

    expect(page.get_by_role("heading", level=1)).to_contain_text("Tuesday Together Time")
    expect(page.locator("#room-code")).to_contain_text(" ".join(start.code))
    qr_code = page.get_by_role("img", name="QR code to join the group")
    expect(qr_code).to_be_visible()
    box = qr_code.bounding_box()
    # Big enough to scan from the back of a room, and all of it on the screen at once.
    assert box is not None and box["width"] >= 500
    assert box["y"] + box["height"] <= PROJECTOR["height"]
    assert "Maryam" not in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    assert_accessible(desktop)
    screenshot = desktop.screenshot("room-desktop")
    # The code on the screen scans too, not only the printed one.
    join_url = live_server.url + reverse("parents:group_join", kwargs={"code": start.code})
    assert _decode_qr(screenshot) == join_url
    assert desktop.console_errors == []


def test_group_page_roster_updates_by_itself(
    desktop: BrowserPage,
    live_server: Any,
    settings: Any,
    group: ParentGroup,
    start: GroupCollection,
) -> None:
    settings.SITE_BASE_URL = live_server.url
    together_time.join_start(start, "Maryam", "mother", BABY)
    # The roster refreshes on its own five-second timer: the page's clock is held, and moved on
    # to that refresh below rather than waited for in real time.
    hold_the_clock(desktop)
    _sign_in(desktop)
    page = desktop.page
    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    assert_accessible(desktop)
    page.get_by_role("link", name="Tuesday Together Time").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tuesday Together Time")
    roster = page.locator("#roster")
    expect(roster).to_contain_text("Maryam")
    expect(roster).to_contain_text("Not started")
    assert_accessible(desktop)
    desktop.screenshot("group-detail-desktop")

    # A mark on the page: if the page reloaded, it would be gone.
    page.evaluate("window.notReloaded = true")
    together_time.join_start(start, "Zofia", "mother", BABY)
    until_the_roster_shows(desktop, roster, "Zofia")
    expect(roster).to_contain_text("2 parents joined")
    assert page.evaluate("window.notReloaded === true")
    assert_accessible(desktop)
    assert desktop.console_errors == []


def test_setting_up_a_group_and_matching_end_answers(
    desktop: BrowserPage, live_server: Any, group: ParentGroup, start: GroupCollection
) -> None:
    _sign_in(desktop)
    page = desktop.page
    desktop.goto(reverse("groups:new"))
    expect(page.get_by_label("fran")).to_be_checked()  # the creator, ticked for them
    page.get_by_label("fran").uncheck()
    page.get_by_role("button", name="Set up group").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert_accessible(desktop)
    desktop.screenshot("group-form-errors-desktop")
    summary.get_by_role("link", name="Select at least one facilitator").click()
    expect(page.get_by_label("fran")).to_be_focused()

    page.get_by_label("Group name").fill("Thursday Together Time")
    page.locator("#id_start_date").fill("7")
    page.locator("#id_start_date_month").fill("5")
    page.locator("#id_start_date_year").fill("2026")
    page.get_by_label("Number of sessions").fill("10")
    page.get_by_label("fran").check()
    page.get_by_role("button", name="Set up group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thursday Together Time")
    expect(page.get_by_role("button", name="Open start collection (T1)")).to_be_visible()

    maryam = together_time.join_start(start, "Maryam", "mother", BABY).participant
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Mariam", "mother", BABY)  # spelt differently: no match
    desktop.goto(reverse("groups:detail", kwargs={"group_id": group.pk}))
    page.get_by_role("link", name="Match end answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Match end answers")
    assert_accessible(desktop)
    desktop.screenshot("group-matches-desktop")
    page.get_by_label(f"Maryam, baby born {BABY.day} {BABY:%B %Y}").check()
    page.get_by_role("button", name=re.compile(r"^Link")).click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "The end answers are linked to Maryam."
    )
    assert end.invitations.get().episode_id == maryam.episode_id
    assert desktop.console_errors == []
