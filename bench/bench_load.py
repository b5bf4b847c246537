"""Parent pages under load, beside a bare Django view measured in the same run (PERF-1).

One command, from a fresh clone (after `make setup`; needs Debian's `wrk`):

    .venv/bin/python bench/bench_load.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/bench_load.py --db sqlite --duration 5
    .venv/bin/python bench/bench_load.py --baseline-dir /tmp/perf-base --rounds 3  # before/after

For each database it:

1. makes a fresh database (a temporary SQLite file, or drops and creates BENCH_PG_DB, default
   portal_perf_bench, on BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432), migrates it
   and collects static files;
2. serves the portal with gunicorn, 2 sync workers, production settings (DEBUG off), and
   `bench/bare_site.py` (one 7-option question with a CSRF token) the same way;
3. issues N invitations and takes N parents through link, welcome, consent and the first
   explainer over HTTP, keeping each one's session and CSRF cookies;
4. drives `wrk -t2 -cC` for D seconds at each of: the bare GET, the bare POST, a question GET,
   an answer POST (302), the check-answers GET — round-robin over the N parents' sessions —
   then sends N more parents' complete answers ("send", one POST each, 4 at a time);
5. prints req/s, p50/p95/p99 and the ratio to the bare view (GET pages to the bare GET, POSTs to
   the bare POST), one unloaded GET, and each worker's RSS early and late.

`--baseline-dir` serves another checkout too (e.g. an older commit: "before"), on its own
database, measured in the same run and interleaved page by page with this one and the bare view,
so load from elsewhere on the machine falls on all of them alike; `--rounds` repeats each run
and reports the median. `--app-dir` serves another checkout instead of this one."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SECRET = "bench-load-secret-key-not-for-production-0123456789-abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(app_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS redirect and no Secure cookies (a proxy does TLS).
        SECURE_TRANSPORT="0",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(app_dir),
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_kb(self) -> list[int]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            sizes.append(int(found.group(1)) if found else 0)
        return sizes


@contextmanager
def gunicorn(app: str, cwd: Path, env: dict[str, str], workers: int = 2) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=cwd,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.2)
        yield Server(process, base)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- a parent over HTTP ---------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Parent:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.follow = urllib.request.build_opener(cookies)
        self.stay = urllib.request.build_opener(cookies, NoRedirect())

    def get(self, path: str) -> tuple[str, str]:
        with self.follow.open(self.base + path, timeout=30) as page:
            return page.read().decode(), urllib.parse.urlsplit(page.url).path

    def post(self, path: str, data: dict[str, str]) -> int:
        try:
            with self.stay.open(
                self.base + path, data=urllib.parse.urlencode(data).encode(), timeout=30
            ) as page:
                page.read()
                return int(page.status)
        except urllib.error.HTTPError as answer:
            answer.read()
            return int(answer.code)

    def cookie(self, name: str) -> str:
        return next(cookie.value or "" for cookie in self.jar if cookie.name == name)


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def choose(html: str) -> dict[str, str]:
    """Something valid for every radio group and select on a page (the first option)."""
    chosen: dict[str, str] = {}
    for name, value in re.findall(r'name="([^"]+)" type="radio" value="([^"]*)"', html):
        chosen.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        options = [v for v in re.findall(r'<option value="([^"]*)"', body) if v]
        if options:
            chosen.setdefault(name, options[0])
    return chosen


def step_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def walk_in(base: str, token: str) -> Parent:
    """Link, welcome, consent and the PRFQ explainer: the parent is at question 1."""
    parent = Parent(base)
    html, _ = parent.get(f"/p/{token}")
    assert parent.post("/questionnaire/", hidden_fields(html)) == 302
    html, _ = parent.get("/questionnaire/q/consent/")
    fields = {**hidden_fields(html), "consent-consent": "yes"}
    assert parent.post("/questionnaire/q/consent/", fields) == 302
    html, _ = parent.get("/questionnaire/q/prfq-about/")
    assert parent.post("/questionnaire/q/prfq-about/", hidden_fields(html)) == 302
    return parent


def answer_everything(parent: Parent) -> None:
    """Every step in order until the check page (what the parent would send)."""
    for _ in range(200):
        html, path = parent.get("/questionnaire/q/")
        step = step_of(path)
        if step == "check":
            return
        status = parent.post(path, {**hidden_fields(html), **choose(html)})
        if status != 302:  # a question with free text only: skip it
            status = parent.post(path, {**hidden_fields(html), f"{step}-skip": "1"})
        assert status == 302, (step, status)
    raise AssertionError("the journey did not reach the check page")


# --- wrk ----------------------------------------------------------------------------------

LUA_REPORT = """
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"seconds\\": %f, \\"p50\\": %f, \\"p95\\": %f, \\"p99\\": %f, "
    .. "\\"errors\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def lua_requests(requests: list[tuple[str, str, dict[str, str], str]]) -> str:
    """A wrk script that sends these requests round-robin (each thread from its own offset)."""
    lines = ["local reqs = {}"]
    for method, path, headers, body in requests:
        header_lua = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        body_lua = json.dumps(body) if body else "nil"
        lines.append(
            f"table.insert(reqs, wrk.format({json.dumps(method)}, {json.dumps(path)}, "
            f"{{{header_lua}}}, {body_lua}))"
        )
    lines.append(
        textwrap.dedent("""
        local counter = 0
        local thread_id = 0
        function setup(thread) thread_id = thread_id + 1; thread:set("offset", thread_id * 7) end
        function init(args) counter = offset or 0 end
        function request()
          counter = counter + 1
          return reqs[(counter % #reqs) + 1]
        end
        function response(status, headers, body)
          if status ~= EXPECTED then wrk.thread:stop() end
        end
        """)
    )
    return "\n".join(lines) + LUA_REPORT


def run_wrk(
    base: str, requests: Requests, expected: int, args: argparse.Namespace, workdir: Path
) -> dict[str, float]:
    script = workdir / "load.lua"
    script.write_text(lua_requests(requests).replace("EXPECTED", str(expected)))
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    out = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"^RESULT (.*)$", out, re.M)
    assert found, out
    result: dict[str, float] = json.loads(found.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    # A response other than the expected status stops that wrk thread at once: a short run.
    result["complete"] = float(result["seconds"] >= args.duration * 0.9)
    return result


def cookie_header(parent: Parent) -> str:
    return f"sessionid={parent.cookie('sessionid')}; csrftoken={parent.cookie('csrftoken')}"


def form_body(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


# --- one database ---------------------------------------------------------------------------


def prepare_database(kind: str, workdir: Path, suffix: str = "") -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir}/bench{suffix}.sqlite3"
    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    name = os.environ.get("BENCH_PG_DB", "portal_perf_bench") + suffix
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-q", f"{server}/postgres", "-c", sql], check=True)
    return f"{server}/{name}"


ISSUE = """
from datetime import timedelta
from django.utils import timezone
from questionnaires.services import families, invitations, staff
service = staff.create_service("Bench parent-infant team", contact_line="Call 01234 000000")
tokens = []
for number in range({count}):
    family = families.register_family(
        service, label=f"BENCH-{{number}}", parent_name="Parent", relationship="mother",
        infant_dob=timezone.localdate() - timedelta(days=200), due_date=None, weeks_premature=0,
    )
    episode = families.open_episode(family, "psychotherapy", timezone.localdate())
    tokens.append(invitations.issue_invitation(episode, "T1").token)
print("TOKENS " + " ".join(tokens))
"""


def issue_tokens(app_dir: Path, env: dict[str, str], count: int) -> list[str]:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", ISSUE.format(count=count)],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^TOKENS (.*)$", out, re.M)
    assert found, out
    return found.group(1).split()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


Requests = list[tuple[str, str, dict[str, str], str]]
PAGES = ("question GET", "answer POST", "check GET")


def bench_database(kind: str, args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """{app name: {row: figures}}: this checkout as "now", and --baseline-dir as "baseline"."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-load-{kind}-"))
    apps = {"now": Path(args.app_dir).resolve()}
    if args.baseline_dir:
        apps["baseline"] = Path(args.baseline_dir).resolve()
    try:
        envs = {}
        for number, (name, app_dir) in enumerate(apps.items()):
            envs[name] = app_env(app_dir, prepare_database(kind, workdir, "_base" * number))
            for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
                subprocess.run(
                    [PYTHON, "manage.py", *command], cwd=app_dir, env=envs[name], check=True
                )
        bare_env = {
            **envs["now"],
            "DJANGO_SETTINGS_MODULE": "bench.bare_site",
            "PYTHONPATH": str(ROOT),
        }
        with ExitStack() as stack:
            bare = stack.enter_context(gunicorn("bench.bare_site:application", ROOT, bare_env))
            servers = {
                name: stack.enter_context(gunicorn("portal.wsgi:application", app_dir, envs[name]))
                for name, app_dir in apps.items()
            }
            loads, ready, early = {}, {}, {}
            for name, app_dir in apps.items():
                tokens = issue_tokens(app_dir, envs[name], args.parents * 2)
                loads[name], ready[name] = set_up_parents(servers[name], tokens, args.parents)
                early[name] = (servers[name].worker_rss_kb(), 6 * len(tokens))
            bare_plan = bare_requests(bare)
            warm = argparse.Namespace(**{**vars(args), "duration": 1})
            for requests, expected in bare_plan.values():
                run_wrk(bare.base, requests, expected, warm, workdir)
            for name, server in servers.items():
                for page in PAGES:
                    requests, expected = loads[name][page]
                    run_wrk(server.base, requests, expected, warm, workdir)
            rounds: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
            for _round in range(args.rounds):
                # Interleaved: each page is measured on the bare view, then on every app, so
                # drifting load from elsewhere on the machine falls on all of them alike.
                for row, (requests, expected) in bare_plan.items():
                    rounds[("bare", row)].append(
                        run_wrk(bare.base, requests, expected, args, workdir)
                    )
                for page in PAGES:
                    for name, server in servers.items():
                        requests, expected = loads[name][page]
                        rounds[(name, page)].append(
                            run_wrk(server.base, requests, expected, args, workdir)
                        )
            results: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
            for (name, row), runs in rounds.items():
                results[name][row] = median_run(runs)
            probe = Parent(bare.base)
            probe.get("/question")
            bare_one = unloaded(probe, "/question")
            for name, server in servers.items():
                results[name]["send"] = send_all(server.base, ready[name])
                results[name]["unloaded GET"] = unloaded(
                    loads[name]["first parent"], "/questionnaire/q/prfq-1/"
                )
                results[name]["unloaded bare GET"] = bare_one
                for row in ("bare GET", "bare POST"):
                    results[name][row] = results["bare"][row]
                rss_early, served_early = early[name]
                served = served_early + sum(
                    int(run.get("requests", 0))
                    for (app, _row), runs in rounds.items()
                    if app == name
                    for run in runs
                )
                results[name]["memory"] = {
                    "rss_early_kb": float(max(rss_early or [0])),
                    "rss_late_kb": float(max(server.worker_rss_kb() or [0])),
                    "requests_early": float(served_early),
                    "requests_late": float(served),
                }
            results.pop("bare", None)
            return dict(results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        key: statistics.median(run[key] for run in runs)
        if key != "complete"
        else min(run[key] for run in runs)
        for key in runs[0]
    }


def set_up_parents(
    app: Server, tokens: list[str], count: int
) -> tuple[dict[str, Any], list[Parent]]:
    """N parents at question 1 (the load), and N more with every question answered (to send)."""
    with_threads = ThreadedMap(4)
    parents = with_threads.map(lambda token: walk_in(app.base, token), tokens[:count])
    ready = with_threads.map(lambda token: walk_in(app.base, token), tokens[count:])
    with_threads.map(answer_everything, ready)
    question_get: Requests = []
    answer_post: Requests = []
    check_get: Requests = []
    for index, parent in enumerate(parents):
        cookies = {"Cookie": cookie_header(parent)}
        question_get.append(("GET", "/questionnaire/q/prfq-1/", cookies, ""))
        check_get.append(("GET", "/questionnaire/q/check/", cookies, ""))
        step = ("prfq-1", "prfq-2")[index % 2]
        fields = {
            "csrfmiddlewaretoken": parent.cookie("csrftoken"),
            "questionnaire_wizard-current_step": step,
            f"{step}-answer": str(index % 7 + 1),
        }
        post_headers = {**cookies, "Content-Type": "application/x-www-form-urlencoded"}
        answer_post.append(("POST", f"/questionnaire/q/{step}/", post_headers, form_body(fields)))
    loads: dict[str, Any] = {
        "question GET": (question_get, 200),
        "answer POST": (answer_post, 302),
        "check GET": (check_get, 200),
        "first parent": parents[0],
    }
    return loads, ready


def bare_requests(bare: Server) -> dict[str, tuple[Requests, int]]:
    probe = Parent(bare.base)
    html, _ = probe.get("/question")
    fields = {**hidden_fields(html), "answer": "4"}
    cookie = {"Cookie": f"csrftoken={probe.cookie('csrftoken')}"}
    post_headers = {**cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return {
        "bare GET": ([("GET", "/question", cookie, "")], 200),
        "bare POST": ([("POST", "/question", post_headers, form_body(fields))], 302),
    }


class ThreadedMap:
    def __init__(self, threads: int) -> None:
        self.threads = threads

    def map(self, call, items):  # type: ignore[no-untyped-def]  # a tiny thread pool
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(call, items))


def send_all(base: str, ready: list[Parent]) -> dict[str, float]:
    times: list[float] = []
    lock = threading.Lock()

    def send(parent: Parent) -> None:
        html, _ = parent.get("/questionnaire/q/check/")
        start = time.perf_counter()
        status = parent.post("/questionnaire/q/check/", hidden_fields(html))
        elapsed = (time.perf_counter() - start) * 1000
        assert status == 302, status
        with lock:
            times.append(elapsed)

    start = time.perf_counter()
    ThreadedMap(4).map(send, ready)
    seconds = time.perf_counter() - start
    return {
        "requests": float(len(times)),
        "seconds": seconds,
        "rps": len(times) / seconds,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "errors": 0.0,
        "complete": 1.0,
    }


def unloaded(parent: Parent, path: str, count: int = 40) -> dict[str, float]:
    times = []
    for _ in range(count + 5):
        start = time.perf_counter()
        parent.get(path)
        times.append((time.perf_counter() - start) * 1000)
    times = times[5:]
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "requests": 0.0}


def report(kind: str, results: dict[str, dict[str, dict[str, float]]], args: Any) -> None:
    print(
        f"\n{kind}: gunicorn -w 2 (production settings), wrk -t2 -c{args.connections}, "
        f"median of {args.rounds} runs of {args.duration} s"
    )
    for name, rows in results.items():
        print(f"  {name}:")
        print(f"  {'request':<14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× bare':>9}")
        for row_name in ("bare GET", "bare POST", *PAGES, "send"):
            row = rows[row_name]
            yardstick = "bare POST" if "POST" in row_name or row_name == "send" else "bare GET"
            ratio = row["rps"] / rows[yardstick]["rps"]
            flag = "" if row.get("complete", 1) else "  (stopped early: unexpected status)"
            print(
                f"  {row_name:<14}{row['rps']:9.0f}{row['p50']:9.1f}{row['p95']:9.1f}"
                f"{row['p99']:9.1f}{ratio:9.3f}{flag}"
            )
        one, bare = rows["unloaded GET"], rows["unloaded bare GET"]
        print(f"  one unloaded question GET: p50 {one['p50']:.1f} ms (bare {bare['p50']:.1f} ms)")
        memory = rows["memory"]
        print(
            f"  worker RSS: {memory['rss_early_kb'] / 1024:.1f} MB after "
            f"~{memory['requests_early']:.0f} requests, {memory['rss_late_kb'] / 1024:.1f} MB "
            f"after ~{memory['requests_late']:.0f} "
            f"({memory['rss_late_kb'] / max(memory['rss_early_kb'], 1):.2f}×)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per run")
    parser.add_argument("--rounds", type=int, default=1, help="runs per page (median taken)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--parents", type=int, default=48)
    parser.add_argument("--app-dir", default=str(ROOT), help="the portal checkout to serve")
    parser.add_argument(
        "--baseline-dir", help="another checkout (e.g. an older commit) measured in the same run"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: sudo apt-get install wrk (or make system-packages)")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    everything = {}
    for kind in kinds:
        results = bench_database(kind, args)
        report(kind, results, args)
        everything[kind] = results
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
