"""PERF-4: when the database is restarting or out of reach, a parent sees a "try again" page
(503 with Retry-After), not "something went wrong" (500); other errors still give the 500 page.
Django calls the handler inside its `except`, as here."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from portal import views


def handled(error: Exception) -> tuple[int, str, str]:
    request = RequestFactory().get("/questionnaire/q/prfq-1/")
    try:
        raise error
    except Exception:  # noqa: BLE001  # as Django calls the handler: inside any except
        response = views.server_error(request)
    return response.status_code, response.content.decode(), response.get("Retry-After", "")


def test_a_lost_database_connection_gives_the_try_again_page() -> None:
    for error in (
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ):
        status, page, retry = handled(error)
        assert status == 503
        assert retry == "5"
        assert "Please try again in a moment" in page
        assert "Everything you already saved is still there." in page


def test_any_other_error_is_still_a_500() -> None:
    status, page, retry = handled(ValueError("a bug"))
    assert status == 500 and retry == ""
    assert "Something went wrong" in page
