"""A Together Time room under load (issue 5 item 8): many parents join with the room code and
answer on their own phones at the same time, over real HTTP on localhost.

Run:  .venv/bin/python bench/bench_group_room.py [--db sqlite|postgres] [--parents 40]
          [--join-window 30] [--pause-min 0.2] [--pause-max 1.0] [--threads 8] [--max-seconds 600]
          [--seed N] [--sqlite-wal]

* A fresh database: a temporary SQLite file, or a database `bench_room_<pid>` created on
  postgres://postgres@127.0.0.1:5432 and dropped at the end. Never db.sqlite3.
* A service, a group and an open start (T1) collection, made through questionnaires.services.
* The app served in-process by a pooled multi-threaded WSGI server on a free 127.0.0.1 port
  (--threads request threads, like one gunicorn gthread worker, database connections kept per
  thread as CONN_MAX_AGE says).
* --parents threads, one cookie jar each, start joining at random moments within the join
  window: GET /g/<code>, POST the join form, the welcome page and "Start now", then every step
  answered with a random valid value read from the page (about 3% skipped), "Check your
  answers" and "Send my answers". A random pause of --pause-min..--pause-max seconds on every
  page stands in for reading and answering (scaled-down thinking time; the scale is printed).
* Reports p50/p95/max round-trip latency per page type (and the app's own time, from a
  Server-Timing header the bench adds), total requests and errors (status >= 400, exceptions,
  unexpected redirects or pages), then checks the database. Exits non-zero on any error or
  failed check. Every request has a timeout and the run stops itself after --max-seconds.

The clients run in the same Python process as the server (shared GIL), so latencies include
some client-side CPU time; they are an upper bound on what the server alone would show."""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import logging
import os
import queue
import random
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REQUEST_TIMEOUT = 30.0
SKIP_RATE = 0.03
CONCERN_RATE = 0.1
MAX_STEPS = 300  # a guard against a redirect loop; a real journey has about 75 steps
REAL_MINUTES = 20  # the join page tells parents "It takes about 20 minutes"
NICKNAMES = ("Maryam", "Sarah", "Aisha", "Emma", "Chloe", "Priya", "Olivia", "Zainab", "Tom", "Dan")
TEXTS = ("She loves bath time", "He smiles at the dog", "Sleeping better now", "Not sure")

PAGE_TYPES = (
    "join GET",
    "join POST",
    "welcome GET",
    "welcome POST",
    "consent GET",
    "consent POST",
    "explainer GET",
    "explainer POST",
    "item GET",
    "item POST",
    "overall GET",
    "overall POST",
    "about GET",
    "about POST",
    "check GET",
    "send POST",
    "sent GET",
)

STEP_URL = re.compile(r"^/questionnaire/q/([^/]+)/$")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RADIO = re.compile(r'name="([^"]+)" type="radio" value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea[^>]* name="([^"]+)"')
CHECKBOX = re.compile(r'name="([^"]+)" type="checkbox"')


# --- arguments and the throwaway database ----------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--parents", type=int, default=40)
    parser.add_argument("--join-window", type=float, default=30.0, help="seconds")
    parser.add_argument("--pause-min", type=float, default=0.2, help="seconds per page")
    parser.add_argument("--pause-max", type=float, default=1.0, help="seconds per page")
    parser.add_argument("--threads", type=int, default=8, help="server request threads")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop after this")
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument(
        "--sqlite-wal",
        action="store_true",
        help="experiment: WAL journal and synchronous=NORMAL on each SQLite connection "
        "(bench-only, through connection_created; the project's settings are unchanged)",
    )
    args = parser.parse_args()
    if args.parents < 1 or args.threads < 1 or not 0 <= args.pause_min <= args.pause_max:
        parser.error("need --parents >= 1, --threads >= 1 and 0 <= --pause-min <= --pause-max")
    return args


@dataclass
class Database:
    kind: str
    url: str
    workdir: str | None = None
    pg_name: str | None = None

    @classmethod
    def create(cls, kind: str) -> Database:
        if kind == "sqlite":
            workdir = tempfile.mkdtemp(prefix="bench-group-room-")
            return cls(kind, f"sqlite:///{workdir}/bench.sqlite3", workdir=workdir)
        import psycopg

        name = f"bench_room_{os.getpid()}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        return cls(kind, f"{PG_SERVER}/{name}", pg_name=name)

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if self.pg_name:
            import psycopg

            with psycopg.connect(
                f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10
            ) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


# --- the server ------------------------------------------------------------------------------


def make_server(threads: int) -> Any:
    """Django's WSGIServer with a fixed pool of request threads (gunicorn gthread-like)."""
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.db import connections

    class QuietHandler(WSGIRequestHandler):
        timeout = REQUEST_TIMEOUT  # a stuck client cannot hold a request thread for ever

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    class PooledWSGIServer(WSGIServer):
        request_queue_size = 128  # the listen backlog: a room joining at once must not overflow

        def __init__(self, threads: int) -> None:
            super().__init__(("127.0.0.1", 0), QuietHandler, ipv6=False)
            self.jobs: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue()
            self.pool = [
                threading.Thread(target=self.work, name=f"server-{n}", daemon=True)
                for n in range(threads)
            ]
            for thread in self.pool:
                thread.start()

        def process_request(self, request: Any, client_address: Any) -> None:
            self.jobs.put((request, client_address))

        def work(self) -> None:
            while (job := self.jobs.get()) is not None:
                request, client_address = job
                try:
                    self.finish_request(request, client_address)
                except Exception:  # noqa: BLE001 - socketserver's own convention
                    self.handle_error(request, client_address)
                finally:
                    self.shutdown_request(request)
            connections.close_all()

        def stop(self) -> None:
            self.shutdown()
            for _ in self.pool:
                self.jobs.put(None)
            for thread in self.pool:
                thread.join(timeout=REQUEST_TIMEOUT)
            self.server_close()

    return PooledWSGIServer(threads)


def timed_app(app: Callable[..., Any]) -> Callable[..., Any]:
    """Adds `Server-Timing: app;dur=<ms>`: Django builds the whole response before it calls
    start_response, so this is the app's time without the network and the client."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()

        def timed_start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            elapsed = (time.perf_counter() - started) * 1000
            headers.append(("Server-Timing", f"app;dur={elapsed:.2f}"))
            return start_response(status, headers, *exc)

        return app(environ, timed_start)

    return wrapped


class ServerErrors(logging.Handler):
    """Keeps the exceptions behind 500s (django.request logs them at ERROR)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            kind, value = record.exc_info[0], record.exc_info[1]
            text += f" — {kind.__name__ if kind else '?'}: {value}"
        self.seen.append(text)


# --- the parents -----------------------------------------------------------------------------


class BenchError(Exception):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Sample:
    page: str
    ms: float
    app_ms: float | None


@dataclass
class Page:
    status: int
    body: str
    location: str
    sample: Sample


@dataclass
class Run:
    base: str
    code: str
    args: argparse.Namespace
    started: float
    deadline: float
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: int = 0


@dataclass
class Parent:
    """One phone: its own cookies, and a record of what it answered (checked against the
    database afterwards)."""

    number: int
    run: Run
    rng: random.Random
    nickname: str = ""
    baby: date | None = None
    participant_id: str = ""
    answers: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    about: dict[str, str] = field(default_factory=dict)
    pages: int = 0

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    # One request, timed; anything but the expected status (and redirect target) is an error.
    def request(
        self,
        page: str,
        path: str,
        data: dict[str, str] | None = None,
        expect: int = 200,
        location: re.Pattern[str] | str | None = None,
    ) -> Page:
        run = self.run
        if run.stop.is_set():
            raise BenchError("stopped: the run reached --max-seconds")
        timeout = max(1.0, min(REQUEST_TIMEOUT, run.deadline - time.monotonic()))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(run.base + path, data=body, timeout=timeout) as answer:
                status, content, headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            status, content, headers = error.code, error.read(), error.headers
        except (OSError, urllib.error.URLError) as error:
            raise BenchError(f"{page} {path}: {type(error).__name__}: {error}") from error
        elapsed = (time.perf_counter() - started) * 1000
        timing = re.search(r"app;dur=([\d.]+)", headers.get("Server-Timing", ""))
        sample = Sample(page, elapsed, float(timing.group(1)) if timing else None)
        with run.lock:
            run.samples.append(sample)
        target = headers.get("Location", "").removeprefix(run.base)
        if status != expect:
            detail = f" → {target}" if target else ""
            raise BenchError(f"{page} {path}: status {status}, expected {expect}{detail}")
        if isinstance(location, str) and target != location:
            raise BenchError(f"{page} {path}: redirected to {target!r}, expected {location!r}")
        if isinstance(location, re.Pattern) and not location.match(target):
            raise BenchError(f"{page} {path}: unexpected redirect to {target!r}")
        return Page(status, content.decode(), target, sample)

    def think(self) -> None:
        args = self.run.args
        if self.run.stop.wait(self.rng.uniform(args.pause_min, args.pause_max)):
            raise BenchError("stopped: the run reached --max-seconds")

    def journey(self) -> None:
        rng, run = self.rng, self.run
        join_url = f"/g/{run.code}"
        page = self.request("join GET", join_url)
        if "How we use your answers" not in page.body:
            raise BenchError("join GET: not the privacy notice")
        self.think()
        notice = {**hidden_fields(page.body), "consent": "yes"}
        self.request("notice POST", join_url, notice, expect=302, location=join_url)
        page = self.request("join GET (details)", join_url)
        if "Join " not in page.body:
            raise BenchError("join GET: not the join page")
        self.nickname = f"{rng.choice(NICKNAMES)}"  # the same name twice in a room is normal
        self.baby = date.today() - timedelta(days=rng.randint(60, 700))
        self.think()
        form = {
            **hidden_fields(page.body),
            "nickname": self.nickname,
            "relationship": rng.choice(radios(page.body)["relationship"]),
            "baby_date_day": str(self.baby.day),
            "baby_date_month": str(self.baby.month),
            "baby_date_year": str(self.baby.year),
        }
        self.request("join POST", join_url, form, expect=302, location="/questionnaire/")
        self.participant_id = participant_from_cookie(self.jar)

        page = self.request("welcome GET", "/questionnaire/")
        if "Start now" not in page.body or "Your return code" not in page.body:
            raise BenchError("welcome GET: no Start now button or return code")
        self.think()
        page = self.request(
            "welcome POST",
            "/questionnaire/",
            hidden_fields(page.body),
            expect=302,
            # The privacy notice was the parent's consent: the questions start straight away.
            location="/questionnaire/q/prfq-about/",
        )
        step_url = page.location
        for _ in range(MAX_STEPS):
            step = step_url.split("/")[-2]
            if step == "check":
                break
            step_url = self.answer_step(step, step_url)
        else:
            raise BenchError(f"more than {MAX_STEPS} steps: a redirect loop?")

        page = self.request("check GET", step_url)
        if "Send my answers" not in page.body:
            raise BenchError("check GET: no Send my answers button")
        self.think()
        self.request(
            "send POST",
            step_url,
            hidden_fields(page.body),
            expect=302,
            location="/questionnaire/sent",
        )
        page = self.request("sent GET", "/questionnaire/sent")
        if "Your answers have been sent" not in page.body:
            raise BenchError("sent GET: not the confirmation page")

    def answer_step(self, step: str, url: str) -> str:
        """GET the step, pick an answer from what the page offers, POST it; returns the next
        step's URL (the redirect)."""
        rng = self.rng
        kind = step_kind(step)
        page = self.request(f"{kind} GET", url)
        if kind == "item" and TEXTAREA.search(page.body):
            kind = "overall"
            page.sample.page = "overall GET"
        self.pages += 1
        data = hidden_fields(page.body)
        if data.get("questionnaire_wizard-current_step") != step:
            raise BenchError(f"{kind} GET {url}: the form is for another step")
        choices = radios(page.body)
        answer: tuple[str, str, bool] | None = None  # recorded once the POST has saved it
        about: tuple[str, str] | None = None
        if kind == "consent":
            data[f"{step}-consent"] = "yes"
        elif kind in ("item", "overall") and rng.random() < SKIP_RATE:
            data[f"{step}-skip"] = "1"
            answer = ("", "", False)
        elif kind in ("item", "overall"):
            value = rng.choice(choices[f"{step}-answer"]) if f"{step}-answer" in choices else ""
            text = rng.choice(TEXTS) if f"{step}-text" in textareas(page.body) else ""
            if value and rng.random() < 0.5:
                text = ""  # most parents leave "Tell us more" empty
            concern = f"{step}-concern" in CHECKBOX.findall(page.body) and (
                rng.random() < CONCERN_RATE
            )
            if value:
                data[f"{step}-answer"] = value
            if text:
                data[f"{step}-text"] = text
            if concern:
                data[f"{step}-concern"] = "on"
            answer = (value, text, concern)
        elif kind == "about":
            value = rng.choice(choices[f"{step}-answer"])
            data[f"{step}-answer"] = value
            about = (step.removeprefix("about-").replace("-", "_"), value)
        self.think()
        posted = self.request(f"{kind} POST", url, data, expect=302, location=STEP_URL)
        if answer is not None:
            self.answers[step] = answer
        if about is not None:
            self.about[about[0]] = about[1]
        if posted.location == url:
            raise BenchError(f"{kind} POST {url}: redirected back to the same step")
        return posted.location

    def __call__(self) -> None:
        run = self.run
        start_at = run.started + self.rng.uniform(0, run.args.join_window)
        try:
            if run.stop.wait(max(0.0, start_at - time.monotonic())):
                raise BenchError("stopped: the run reached --max-seconds before joining")
            self.journey()
            with run.lock:
                run.finished += 1
        except BenchError as error:
            with run.lock:
                run.errors.append(f"parent {self.number}: {error}")
        except Exception as error:  # noqa: BLE001 - any failure is an error of the run
            with run.lock:
                run.errors.append(f"parent {self.number}: {type(error).__name__}: {error}")
                traceback.print_exc()


def step_kind(step: str) -> str:
    if step == "consent":
        return "consent"
    if step.endswith("-about") or step == "about-you":  # explainers and the About-you intro
        return "explainer"
    if step.startswith("about-"):
        return "about"
    return "item"


def hidden_fields(body: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(body)}


def radios(body: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for name, value in RADIO.findall(body):
        found[name].append(html.unescape(value))
    return found


def textareas(body: str) -> list[str]:
    return TEXTAREA.findall(body)


def participant_from_cookie(jar: http.cookiejar.CookieJar) -> str:
    """The phone's device cookie is the participant's id, signed ("<uuid>:<ts>:<signature>")."""
    for cookie in jar:
        if cookie.name == "tt_parent" and cookie.value:
            return cookie.value.strip('"').split(":")[0]
    raise BenchError("join POST: no device cookie")


# --- report ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(run: Run, parents: list[Parent], wall: float) -> None:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in run.samples:
        by_page[sample.page].append(sample)
    print()
    header = ("page", "n", "p50 ms", "p95 ms", "max ms", "app p50", "app p95")
    print(f"{header[0]:<15}{header[1]:>6}" + "".join(f"{h:>10}" for h in header[2:]))
    for name in [*PAGE_TYPES, *sorted(set(by_page) - set(PAGE_TYPES))]:
        samples = by_page.get(name)
        if not samples:
            continue
        ms = [s.ms for s in samples]
        app = [s.app_ms for s in samples if s.app_ms is not None] or [0.0]
        print(
            f"{name:<15}{len(ms):>6}{percentile(ms, 50):10.1f}{percentile(ms, 95):10.1f}"
            f"{max(ms):10.1f}{percentile(app, 50):10.1f}{percentile(app, 95):10.1f}"
        )
    every = [s.ms for s in run.samples] or [0.0]
    print(
        f"{'all':<15}{len(run.samples):>6}{percentile(every, 50):10.1f}"
        f"{percentile(every, 95):10.1f}{max(every):10.1f}"
    )
    pages = [p.pages for p in parents if p.pages]
    print()
    print(f"Total requests: {len(run.samples)} in {wall:.1f} s ({len(run.samples) / wall:.1f}/s)")
    if pages:
        print(f"Question pages per parent: {min(pages)}–{max(pages)}")
    print(f"Parents who sent their answers: {run.finished} of {len(parents)}")
    print(f"Errors: {len(run.errors)}")
    for text, count in Counter(run.errors).most_common(10):
        print(f"  {count}× {text}")


# --- database checks -------------------------------------------------------------------------


def check_database(collection: Any, parents: list[Parent]) -> list[tuple[bool, str]]:
    from django.db.models import Count, Q

    from questionnaires.models import (
        Answer,
        GroupParticipant,
        Invitation,
        Response,
        ResponseMeasure,
        ResponseStatus,
    )

    n = len(parents)
    results: list[tuple[bool, str]] = []

    def check(ok: bool, text: str) -> None:
        results.append((ok, text))

    participants = {
        str(p.pk): p
        for p in GroupParticipant.objects.filter(group=collection.group).select_related(
            "episode", "family"
        )
    }
    check(len(participants) == n, f"{len(participants)} GroupParticipant rows (expected {n})")
    responses = Response.objects.filter(invitation__collection=collection)
    submitted = responses.filter(status=ResponseStatus.SUBMITTED).count()
    check(
        responses.count() == n and submitted == n and Response.objects.count() == n,
        f"{responses.count()} Response rows, {submitted} submitted (expected {n} and {n})",
    )
    invitations = Invitation.objects.filter(collection=collection).count()
    doubled = (
        Response.objects.values("invitation_id").annotate(c=Count("id")).filter(c__gt=1).count()
    )
    check(
        invitations == n and doubled == 0,
        f"{invitations} invitations (expected {n}); {doubled} with more than one response",
    )

    linked, own_answers, problems = 0, 0, []
    for parent in parents:
        participant = participants.get(parent.participant_id)
        if participant is None:
            problems.append(f"parent {parent.number}: no participant {parent.participant_id!r}")
            continue
        found = list(
            Response.objects.filter(invitation__episode=participant.episode).select_related(
                "invitation__episode"
            )
        )
        if (
            len(found) == 1
            and found[0].invitation is not None
            and found[0].invitation.episode_id == participant.episode_id
            and found[0].invitation.collection_id == collection.pk
            and participant.nickname == parent.nickname
            and participant.family.infant_dob == parent.baby
        ):
            linked += 1
        else:
            problems.append(f"parent {parent.number}: {len(found)} responses on their episode")
            continue
        stored = {
            f"{a.measure.instrument.code}-{a.item}": (a.value, a.text, a.concern)
            for a in Answer.objects.filter(measure__response=found[0]).select_related(
                "measure__instrument"
            )
        }
        if stored == parent.answers and found[0].about_you == parent.about:
            own_answers += 1
        else:
            keys = set(stored) | set(parent.answers)
            differ = sorted(k for k in keys if stored.get(k) != parent.answers.get(k))
            problems.append(f"parent {parent.number}: stored answers differ at {differ[:5]}")
    check(
        linked == n,
        f"{linked} of {n} parents: their own participant (device cookie), one response on its "
        "episode (Response.invitation.episode == participant.episode), same nickname and baby",
    )
    check(own_answers == n, f"{own_answers} of {n} responses hold exactly what that parent sent")
    for problem in problems[:10]:
        print(f"  {problem}")

    measures = ResponseMeasure.objects.filter(response__in=responses).annotate(
        current=Count("scores", filter=Q(scores__is_current=True))
    )
    wrong = [m.pk for m in measures if m.current != 1]
    check(
        measures.count() > 0 and not wrong,
        f"{measures.count()} ResponseMeasures, {len(wrong)} without exactly one current "
        "ScoreRecord",
    )
    return results


# --- main ------------------------------------------------------------------------------------


def set_up_room() -> Any:
    from django.utils import timezone

    from questionnaires.models import Timepoint
    from questionnaires.services import staff, together_time

    service = staff.create_service("Bench parent–infant team", contact_line="Call 01234 000000")
    group = together_time.create_group(service, "Bench Together Time", timezone.localdate(), 8)
    return together_time.open_collection(group, Timepoint.T1)


def run_parents(run: Run, parents: Iterable[Parent]) -> list[threading.Thread]:
    threads = [threading.Thread(target=p, name=f"parent-{p.number}", daemon=True) for p in parents]
    for thread in threads:
        thread.start()
    return threads


def main() -> int:
    args = parse_args()
    database = Database.create(args.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    # Every simulated phone comes from this one address: the per-client join limit, there to
    # stop one stranger flooding a room, would otherwise stop the room (LINK-10).
    os.environ.setdefault("GROUP_JOINS_PER_CLIENT", "1000")
    os.environ["DATABASE_URL"] = database.url
    try:
        return bench(args, database)
    finally:
        database.drop()


def bench(args: argparse.Namespace, database: Database) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    if args.sqlite_wal and connection.vendor == "sqlite":
        from django.db.backends.signals import connection_created

        def use_wal(sender: Any, connection: Any, **kwargs: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")

        connection_created.connect(use_wal, weak=False)
    call_command("migrate", verbosity=0)
    collection = set_up_room()
    wal = ", WAL journal" if args.sqlite_wal and args.db == "sqlite" else ""
    # Every backend's DatabaseWrapper names its driver module; the base class's stub does not.
    driver = connection.Database.__name__  # type: ignore[attr-defined]
    print(
        f"Database: {args.db} ({connection.vendor} {driver}, "
        f"{database.url.rsplit('/', 1)[-1]}{wal}); room code {collection.code}"
    )

    server_errors = ServerErrors()
    logging.getLogger("django.request").addHandler(server_errors)
    server = make_server(args.threads)
    server.set_app(timed_app(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, name="server", daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    mean_pause = (args.pause_min + args.pause_max) / 2
    print(
        f"{args.parents} parents joining within {args.join_window:.0f} s, {args.threads} server "
        f"threads, {args.pause_min}–{args.pause_max} s thinking time per page "
        f"(max run {args.max_seconds:.0f} s)"
    )

    started = time.monotonic()
    run = Run(base, collection.code, args, started, started + args.max_seconds)
    master = random.Random(args.seed)
    parents = [Parent(n + 1, run, random.Random(master.random())) for n in range(args.parents)]
    threads = run_parents(run, parents)
    for thread in threads:
        thread.join(timeout=max(0.0, run.deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        run.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
    wall = time.monotonic() - started
    server.stop()

    pages = [p.pages + 5 for p in parents if p.pages]  # + join, welcome, check, sent, send
    if pages:
        real = REAL_MINUTES * 60 / (sum(pages) / len(pages))
        print(
            f"Thinking time scale: mean {mean_pause:.2f} s per page here against about "
            f"{real:.0f} s for a real parent ({REAL_MINUTES} minutes for ~{max(pages)} pages): "
            f"about 1:{real / mean_pause:.0f}; the join window is not scaled."
        )
    report(run, parents, wall)
    if server_errors.seen:
        print(f"Server exceptions logged: {len(server_errors.seen)}")
        for text, count in Counter(server_errors.seen).most_common(5):
            print(f"  {count}× {text}")

    print()
    print("Database checks:")
    checks = check_database(collection, parents)
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'} {text}")
    failed = bool(run.errors) or not all(ok for ok, _ in checks) or run.stop.is_set()
    print()
    print(f"Wall time {wall:.1f} s. {'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
