"""PERF-5: a question page stays small, and static files are served under hashed names with
compressed copies and far-future caching (whitenoise's manifest storage, as in production)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]

from questionnaires.models import Service
from tests.portal.parents.wizard_client import answer_steps, issue, start, step_url

QUESTION_PAGE_LIMIT = 15 * 1024


@pytest.mark.django_db
def test_a_question_page_is_at_most_15_kb(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    answer_steps(client, response, until="prfq-2")
    for name in ("prfq-1", "prfq-2"):
        page = client.get(step_url(name))
        assert page.status_code == 200
        assert b"question" in page.content
        assert len(page.content) <= QUESTION_PAGE_LIMIT, len(page.content)
        assert len(gzip.compress(page.content)) < 5 * 1024


def test_static_files_get_hashed_names_and_compressed_copies(tmp_path: Path) -> None:
    production_static = {
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        "STATIC_ROOT": tmp_path,
        "WHITENOISE_USE_FINDERS": False,
        "WHITENOISE_AUTOREFRESH": False,
    }
    with override_settings(**production_static):
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        hashed = manifest["js/portal.js"]
        assert hashed != "js/portal.js" and hashed.startswith("js/portal.")
        assert (tmp_path / f"{hashed}.gz").exists()
        whitenoise = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        served = whitenoise(RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip"))
        plain = whitenoise(RequestFactory().get("/static/js/portal.js"))
    assert served.status_code == 200
    assert served["Content-Encoding"] == "gzip"
    # A hashed name never changes: cached for years, and never revalidated.
    assert "immutable" in served["Cache-Control"]
    assert int(served["Cache-Control"].split("max-age=")[1].split(",")[0]) >= 31_536_000
    assert "immutable" not in plain.get("Cache-Control", "")


def test_production_settings_use_the_manifest_storage() -> None:
    import portal.settings as production

    backend = production.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


# PERF-5: the stylesheet carries only the design-system components our templates use. With every
# component it compiled to 295 KB raw (31 KB gzipped); the components in use alone come to 251 KB
# (the core is ~68 KB of it; header, card and tables most of the rest).
STYLESHEET_LIMIT = 255 * 1024
ROOT = Path(__file__).resolve().parents[2]


def _compiled_stylesheet(tmp_path: Path) -> str:
    import subprocess

    sass = ROOT / "node_modules" / ".bin" / "sass"
    assert sass.exists(), "node_modules is missing: run `make setup` (npm ci)"
    out = tmp_path / "portal.css"
    subprocess.run(
        [str(sass), "--load-path=node_modules", "--style=compressed", "--no-source-map"]
        + ["static/scss/portal.scss", str(out)],
        cwd=ROOT,
        check=True,
    )
    return out.read_text()


def test_the_stylesheet_carries_only_the_components_in_use(tmp_path: Path) -> None:
    import re

    css = _compiled_stylesheet(tmp_path)
    assert len(css.encode()) < STYLESHEET_LIMIT, len(css.encode())
    assert len(gzip.compress(css.encode())) < 29 * 1024
    # A component no template uses is left out...
    for unused in ("nhsuk-hero", "nhsuk-task-list", "nhsuk-tabs", "nhsuk-character-count"):
        assert f".{unused}" not in css, unused
    # ...and every component a template uses is in.
    used = {
        match.group(1)
        for template in (ROOT / "templates").rglob("*.html")
        for match in re.finditer(r"\b(nhsuk-[a-z]+(?:-[a-z]+)*)", template.read_text())
    }
    missing = sorted(name for name in used if f".{name}" not in css)
    assert not missing, missing
