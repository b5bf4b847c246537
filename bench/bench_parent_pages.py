"""How fast is a question page? Serves the real app over real HTTP on localhost and times:

* GET of a PRFQ question page,
* POST of an answer (alternating between two PRFQ steps, with the form's CSRF token),
* a minimal Django view served the same way (the baseline: what any request costs here),

reporting p50/p95 in ms, each as a multiple of the baseline, and the size of a question page's
HTML raw and gzip-compressed (UX-21: ≤ 50 KB transferred per page after the first).

Run:  .venv/bin/python bench/bench_parent_pages.py [N]   (default N=300)

It uses a throwaway SQLite database in a temporary directory and never touches db.sqlite3.
The server is Django's single-threaded WSGIServer in a background thread, like one sync worker
with a persistent database connection; the client is urllib with a cookie jar, one new TCP
connection per request (the same for all three, so the ratios are fair)."""

from __future__ import annotations

import functools
import gzip
import http.cookiejar
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKDIR = tempfile.mkdtemp(prefix="bench-parent-pages-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connections  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

import portal.urls  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
WARM_UP = 20


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


# The bench's own URLconf: the project's URLs plus the baseline view (project files untouched).
bench_urls = ModuleType("bench_urls")
bench_urls.urlpatterns = [  # type: ignore[attr-defined]  # ModuleType declares no attributes
    path("bench-baseline", baseline),
    *portal.urls.urlpatterns,
]
sys.modules["bench_urls"] = bench_urls


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(jar)
        self.follow = urllib.request.build_opener(cookies)
        self.stay = urllib.request.build_opener(cookies, NoRedirect())

    def get(self, url: str) -> tuple[int, bytes, str]:
        with self.follow.open(self.base + url) as response:
            return response.status, response.read(), response.url

    def post(self, url: str, data: dict[str, str], follow: bool = True) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data).encode()
        opener = self.follow if follow else self.stay
        try:
            with opener.open(self.base + url, data=body) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as redirect:  # a 302 when not following
            if redirect.code in (301, 302, 303):
                redirect.read()
                return redirect.code, b""
            raise


def form_fields(html: bytes) -> dict[str, str]:
    text = html.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))
    return fields


def first_radio(html: bytes, step: str) -> str:
    found = re.search(rf'name="{step}-answer" type="radio" value="([^"]*)"'.encode(), html)
    assert found, step
    return found.group(1).decode()


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def set_up_invitation() -> str:
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


def main() -> None:
    call_command("migrate", verbosity=0)
    token = set_up_invitation()

    server = WSGIServer(("127.0.0.1", 0), QuietHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    client = Client(base)

    # Into the journey: link, welcome, consent, the PRFQ explainer, then question 1.
    status, html, _ = client.get(f"/p/{token}")
    assert status == 200 and b"Questions about you and your baby" in html
    client.post("/questionnaire/", form_fields(html))
    _, html, _ = client.get("/questionnaire/q/consent/")
    client.post("/questionnaire/q/consent/", {**form_fields(html), "consent-consent": "yes"})
    _, html, _ = client.get("/questionnaire/q/prfq-about/")
    client.post("/questionnaire/q/prfq-about/", form_fields(html))

    question_url = "/questionnaire/q/prfq-1/"
    pages = {step: client.get(f"/questionnaire/q/{step}/")[1] for step in ("prfq-1", "prfq-2")}
    posts = {
        step: {**form_fields(page), f"{step}-answer": first_radio(page, step)}
        for step, page in pages.items()
    }
    question_html = pages["prfq-1"]
    assert b"question 1 of 18" in question_html

    def get_question() -> None:
        status, body, _ = client.get(question_url)
        assert status == 200 and body

    def post_answer(step: str) -> None:
        status, _ = client.post(f"/questionnaire/q/{step}/", posts[step], follow=False)
        assert status == 302, status

    def get_baseline() -> None:
        status, body, _ = client.get("/bench-baseline")
        assert status == 200 and body == b"ok"

    results: dict[str, list[float]] = {"baseline": [], "question GET": [], "answer POST": []}
    for round_number in range(WARM_UP + N):
        # Interleaved, so any drift on the machine affects all three alike.
        step = ("prfq-1", "prfq-2")[round_number % 2]
        times = {
            "baseline": timed(get_baseline),
            "question GET": timed(get_question),
            "answer POST": timed(functools.partial(post_answer, step)),
        }
        if round_number >= WARM_UP:
            for name, value in times.items():
                results[name].append(value)
    server.shutdown()

    base_p50 = percentile(results["baseline"], 50)
    base_p95 = percentile(results["baseline"], 95)
    print(f"Parent pages over HTTP on localhost, N={N} each (after {WARM_UP} warm-up rounds)")
    header = ("request", "p50 ms", "p95 ms", "mean ms", "p50 ×base", "p95 ×base")
    print(f"{header[0]:<14}" + "".join(f"{h:>11}" for h in header[1:]))
    for name, values in results.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(
            f"{name:<14}{p50:11.2f}{p95:11.2f}{statistics.fmean(values):11.2f}"
            f"{p50 / base_p50:11.1f}{p95 / base_p95:11.1f}"
        )

    raw = len(question_html)
    compressed = len(gzip.compress(question_html, compresslevel=6))
    print()
    print(f"Question page HTML: {raw} bytes raw, {compressed} bytes gzip (target ≤ 50 KB)")
    for asset in ("build/portal.css", "js/portal.js", "build/nhsuk/nhsuk-frontend.min.js"):
        file = ROOT / "static" / asset
        if file.exists():
            data = file.read_bytes()
            print(
                f"  first page also loads {asset}: {len(data)} bytes raw, "
                f"{len(gzip.compress(data, compresslevel=6))} gzip (cached afterwards)"
            )


if __name__ == "__main__":
    try:
        with override_settings(ROOT_URLCONF="bench_urls"):
            main()
    finally:
        connections.close_all()
        shutil.rmtree(WORKDIR, ignore_errors=True)
