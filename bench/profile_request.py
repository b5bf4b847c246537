"""Where a parent request's time goes: one question GET, one answer POST, the check page,
through Django's test client with production-like settings (DEBUG off, the cached template
loader), on a throwaway SQLite database (or DATABASE_URL). Prints the queries each request makes
and the top functions by cumulative time over many repeats.

Run:  .venv/bin/python bench/profile_request.py [N]   (default N=200)"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-profile-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def set_up_invitation() -> str:
    from datetime import timedelta

    from django.utils import timezone

    from questionnaires.services import families, invitations, staff

    service = staff.create_service("Bench parent–infant team", contact_line="Call 01234 000000")
    family = families.register_family(
        service,
        label="BENCH-1",
        parent_name="Maryam",
        relationship="mother",
        infant_dob=timezone.localdate() - timedelta(days=200),
        due_date=None,
        weeks_premature=0,
    )
    episode = families.open_episode(family, "psychotherapy", timezone.localdate())
    return invitations.issue_invitation(episode, "T1").token


def fields(html: bytes) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html.decode()))


def main() -> None:
    call_command("migrate", verbosity=0)
    token = set_up_invitation()
    client = Client()
    html = client.get(f"/p/{token}", follow=True).content
    client.post("/questionnaire/", fields(html))
    html = client.get("/questionnaire/q/consent/").content
    client.post("/questionnaire/q/consent/", {**fields(html), "consent-consent": "yes"})
    html = client.get("/questionnaire/q/prfq-about/").content
    client.post("/questionnaire/q/prfq-about/", fields(html))
    page = client.get("/questionnaire/q/prfq-1/").content
    post = {**fields(page), "prfq-1-answer": "1"}

    def get() -> None:
        assert client.get("/questionnaire/q/prfq-1/").status_code == 200

    def answer() -> None:
        assert client.post("/questionnaire/q/prfq-1/", post).status_code == 302

    def check() -> None:
        assert client.get("/questionnaire/q/check/").status_code == 200

    for name, call in (("question GET", get), ("answer POST", answer), ("check GET", check)):
        call()
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"\n=== {name}: {len(queries)} queries")
        for query in queries.captured_queries:
            print("   ", query["sql"][:160])
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(N):
            call()
        profile.disable()
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]  # pstats keeps it undocumented
        print(f"    {total / N * 1000:.2f} ms per request under the profiler")
        stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
            int(os.environ.get("TOP", "45"))
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
