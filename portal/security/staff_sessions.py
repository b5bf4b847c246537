"""SES-1: how long a staff session lasts. It ends after SESSION_IDLE_MINUTES without a request
the person made, and SESSION_ABSOLUTE_HOURS after sign-in however busy it was. Requests a page
makes by itself in the background (the group roster refreshing every few seconds) do not count
as activity, so a laptop left open on the roster still signs out.

Only signed-in staff are affected; parents' sessions are bound to a questionnaire and end when
the browser closes (LINK-9)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "staff_session_started"
ACTIVE_KEY = "staff_session_active"
RENEW_EVERY_SECONDS = 60

View = TypeVar("View", bound=Callable[..., HttpResponse])


def background_request(view: View) -> View:
    """Marks a view a page calls by itself (polling): it never renews the idle timer."""
    view.renews_staff_session = False  # type: ignore[attr-defined]
    return view


def start(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signal receiver for user_logged_in: the session's clocks start now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        request.session[ACTIVE_KEY] = now


def _expired(session: Any, now: float) -> bool:
    started = session.get(STARTED_KEY, now)
    active = session.get(ACTIVE_KEY, now)
    return (
        now - active > settings.SESSION_IDLE_MINUTES * 60
        or now - started > settings.SESSION_ABSOLUTE_HOURS * 3600
    )


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not request.user.is_authenticated:
            return
        now = time.time()
        session = request.session
        if STARTED_KEY in session and _expired(session, now):
            logout(request)  # flushes the session: the next page asks to sign in again
            return
        session.setdefault(STARTED_KEY, now)
        # A write to the session row per page would be a database write on every staff request;
        # to the minute is precise enough for a 30-minute idle timeout.
        stale = now - session.get(ACTIVE_KEY, 0) >= RENEW_EVERY_SECONDS
        if getattr(view, "renews_staff_session", True) and stale:
            session[ACTIVE_KEY] = now
