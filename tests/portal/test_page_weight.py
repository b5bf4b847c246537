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
