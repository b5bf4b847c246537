"""Work a web worker does once at start rather than in somebody's first request (issue 13):
load the URLconf and so every view module, with the libraries the outcomes page computes
and draws with (pandas, scipy.stats, matplotlib) — several seconds on this machine that the
first service lead of the day would otherwise wait through. Called from `portal/wsgi.py`
(gunicorn workers), not by tests or management commands."""

from __future__ import annotations


def warm_up() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports every view module
    from questionnaires.outcomes import charts, report, statistics  # noqa: F401

    charts.base  # noqa: B018 — the shared chart style (matplotlib loaded)
