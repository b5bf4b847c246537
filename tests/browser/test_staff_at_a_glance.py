"""Staff pages a clinician can trust at a glance, in a real browser: the projector view shows
only the room's code, the administrator runs staff accounts without reading answers, and staff
pages fit a 320-pixel screen with "Sign out" whole."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import ViewportSize, expect

from questionnaires.models import Service, StaffUser, Timepoint
from questionnaires.roles import Role
from questionnaires.selectors.mfa import has_second_factor
from questionnaires.services import together_time
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, sign_in
from tests.conftest import give_authenticator, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW: ViewportSize = {"width": 320, "height": 640}
PROJECTOR: ViewportSize = {"width": 1280, "height": 800}
BABY = timezone.localdate() - timedelta(days=150)


def _scroll_width(target: BrowserPage) -> int:
    return int(target.page.evaluate("document.documentElement.scrollWidth"))


def test_the_room_view_on_a_projector_shows_no_staff_navigation(
    desktop: BrowserPage, live_server: Any, settings: Any, service: Service, facilitator: StaffUser
) -> None:
    settings.SITE_BASE_URL = live_server.url
    group = together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, facilitators=[facilitator]
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    desktop.page.set_viewport_size(PROJECTOR)
    sign_in(desktop, "fran")
    desktop.goto(reverse("groups:room", kwargs={"group_id": group.pk, "collection_id": start.pk}))
    page = desktop.page
    expect(page.locator("#room-code")).to_contain_text(" ".join(start.code))
    expect(page.get_by_role("img", name="QR code to join the group")).to_be_visible()
    assert page.get_by_role("navigation", name="Staff menu").count() == 0
    body = page.inner_text("body")
    for staff_only in ("Staff home", "Sign out", "Staff sign in", "Privacy notice"):
        assert staff_only not in body, staff_only
    back = page.get_by_role("link", name="Back to the group page")
    hidden = back.bounding_box()
    assert hidden is not None and hidden["width"] <= 1  # out of the room's sight until focused
    assert_accessible(desktop)
    desktop.screenshot("room-kiosk-1280")
    back.focus()
    shown = back.bounding_box()
    assert shown is not None and shown["width"] > 50  # a keyboard user finds the way back


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_admin_adds_staff_and_resets_an_authenticator(
    request: pytest.FixtureRequest, size: str, service: Service
) -> None:
    target: BrowserPage = request.getfixturevalue(size)
    make_staff(service, "ida", Role.ADMIN)
    alice = make_staff(service, "alice", Role.CLINICIAN)
    give_authenticator(alice)
    sign_in(target, "ida")
    page = target.page
    page.get_by_role("link", name="Run staff accounts").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff accounts")
    assert_accessible(target)
    target.screenshot(f"staff-accounts-{size}")

    page.get_by_role("link", name="alice").click()
    page.get_by_role("button", name="Reset authenticator for alice").click()
    expect(
        page.locator(".nhsuk-card, .nhsuk-inset-text, [role=alert], main").first
    ).to_contain_text("authenticator is reset")
    assert not has_second_factor(alice)
    target.screenshot(f"staff-account-reset-{size}")

    page.get_by_role("link", name="Back to staff accounts").click()
    page.get_by_role("button", name="Add a member of staff").click()
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Clinician").check()
    page.get_by_label("First password").fill("lantern-orchard-quietly-42")
    assert_accessible(target)
    target.screenshot(f"staff-account-new-{size}")
    page.get_by_role("button", name="Add member of staff").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya Shah")
    assert StaffUser.objects.get(username="priya").service == service
    if size == "phone":
        assert _scroll_width(target) <= PHONE["width"]


def test_staff_pages_fit_320_pixels(
    phone: BrowserPage, service: Service, facilitator: StaffUser
) -> None:
    make_staff(service, "lee", Role.SERVICE_LEAD, Role.ADMIN)
    group = together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, facilitators=[facilitator]
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Maryam", "mother", BABY)
    phone.page.set_viewport_size(NARROW)
    sign_in(phone, "lee")
    page = phone.page
    for path in (
        reverse("staff:home"),
        reverse("staff:caseload"),
        reverse("groups:list"),
        reverse("groups:detail", kwargs={"group_id": group.pk}),
        reverse("groups:matches", kwargs={"group_id": group.pk}),
        reverse("staff:accounts"),
        reverse("staff:account_new"),
        reverse("staff:audit"),
    ):
        phone.goto(path)
        page.wait_for_timeout(200)
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                .slice(0, 5).map(e => e.tagName + '.' + e.className)""",
            NARROW["width"],
        )
        assert _scroll_width(phone) <= NARROW["width"], (path, wide)
        # Nothing runs past the edge of its card either (a card clips what overflows it).
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('.nhsuk-card table')]
                .filter(t => t.scrollWidth > t.parentElement.clientWidth + 0.5).length"""
        )
        assert clipped == 0, path
        sign_out = page.get_by_role("button", name="Sign out")
        box = sign_out.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
        footer = page.locator("footer").inner_text()
        assert "Staff home" in footer and "Staff sign in" not in footer
    phone.goto(reverse("staff:home"))
    phone.screenshot("staff-home-320")
    phone.goto(reverse("groups:matches", kwargs={"group_id": group.pk}))
    phone.screenshot("match-queue-320")
