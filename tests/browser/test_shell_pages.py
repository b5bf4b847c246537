import re

import pytest
from playwright.sync_api import expect

from questionnaires.models import StaffUser
from tests.browser.conftest import BrowserPage, assert_accessible
from tests.conftest import TEST_PASSWORD, current_code, give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_home_page_is_accessible_and_self_hosted(size: str, request: pytest.FixtureRequest) -> None:
    target: BrowserPage = request.getfixturevalue(size)
    hosts: set[str] = set()
    target.page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    target.goto("/")

    assert target.page.get_by_role("heading", level=1).inner_text() == (
        "Questionnaires for you and your baby"
    )
    assert target.page.locator(".nhsuk-header__service-name").is_visible()
    assert target.page.get_by_role("link", name="Accessibility statement").is_visible()
    # The design system's stylesheet was applied (NHS blue header), so static files are served.
    header_colour = target.page.eval_on_selector(
        ".nhsuk-header", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(0, 94, 184)"
    # No third-party hosts (DEP-3): everything came from the live server.
    assert hosts == {target.base_url.split("/")[2]}
    assert target.console_errors == []
    assert_accessible(target)
    target.screenshot(f"home-{size}")


def test_staff_login_page_signs_a_clinician_in(phone: BrowserPage, clinician: StaffUser) -> None:
    phone.goto("/staff/login")
    assert phone.page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert_accessible(phone)

    phone.page.get_by_label("Username").fill("alice")
    phone.page.get_by_label("Password").fill("wrong password entirely")
    phone.page.get_by_role("button", name="Sign in").click()
    expect(phone.page).to_have_title(re.compile(r"^Error: "))
    expect(phone.page.locator(".nhsuk-error-summary")).to_be_visible()
    assert "username or password is not right" in phone.page.inner_text("main")
    assert_accessible(phone)

    device = give_authenticator(clinician)
    phone.page.get_by_label("Password").fill(TEST_PASSWORD)
    phone.page.get_by_role("button", name="Sign in").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    assert_accessible(phone)
    phone.page.get_by_label("Code", exact=True).fill(current_code(device))
    phone.page.get_by_role("button", name="Continue").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Staff home")
    assert "Clinician" in phone.page.inner_text("main")
    assert "Riverside parent–infant team" in phone.page.inner_text("main")
    assert_accessible(phone)
    assert phone.console_errors == []
