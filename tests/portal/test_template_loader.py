"""PERF-1: production renders templates from the cached loader (parsed once per process), and
the site context processor does no database work on a page that does not show the staff menu."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template import Engine
from django.test import RequestFactory


def test_production_settings_use_the_cached_template_loader() -> None:
    import portal.settings as production

    config: dict[str, Any] = production.TEMPLATES[0]
    assert "loaders" not in config["OPTIONS"], "a custom loaders list must keep the cached loader"
    engine = Engine(
        dirs=[str(path) for path in config["DIRS"]],
        app_dirs=bool(config["APP_DIRS"]),
        debug=production.DEBUG,
        context_processors=list(config["OPTIONS"]["context_processors"]),
    )
    assert engine.loaders[0][0] == "django.template.loaders.cached.Loader"


def test_the_site_context_processor_is_lazy() -> None:
    from portal.context_processors import site

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    # No django_db mark: any query here would raise.
    context = site(request)
    assert context["sees_families"] is not True  # a lazy object, worked out only when shown
    assert not context["sees_families"]
