"""PERF-4: when the database is restarting or out of reach, a parent sees a "try again" page
(503 with Retry-After), not "something went wrong" (500); other errors still give the 500 page.
Django calls the handler inside its `except`, as here."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.template import TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

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


def test_the_500_page_is_in_the_parents_language() -> None:
    with translation.override("pt"):
        status, page, _retry = handled(ValueError("a bug"))
    assert status == 500
    assert 'lang="pt"' in page
    assert "Something went wrong" not in page
    assert "Algo correu mal do nosso lado" in page
    with translation.override("ar"):
        _status, page, _retry = handled(ValueError("a bug"))
    assert 'dir="rtl"' in page and "Something went wrong" not in page


def test_the_500_page_is_sent_in_plain_english_when_rendering_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise TemplateSyntaxError("a broken template or catalogue")

    monkeypatch.setattr(views, "render_to_string", broken)
    with translation.override("pt"):
        status, page, _retry = handled(ValueError("a bug"))
        assert status == 500
        assert "Something went wrong on our side" in page
        status, page, retry = handled(OperationalError("gone"))
        assert status == 503 and retry == "5"
        assert "Please try again in a moment" in page
