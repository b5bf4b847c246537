"""A soak with faults (PERF-4): simulated parents answer and send over two app instances on one
PostgreSQL while one instance is killed and restarted and PostgreSQL itself is restarted; then
checks that nothing was lost.

    .venv/bin/python bench/soak_faults.py --minutes 3 [--parents 60] [--no-pg-restart]

Loopback only, bounded in time. Each parent thread takes a fresh invitation, goes through link,
welcome, consent and every question (the first option of each, so a retried POST saves the same
value) with a short pause (0.05–0.25 s) between pages, sends, and takes the next invitation
until time is up.
Requests alternate between the two instances like a round-robin balancer; when an instance does
not answer at all (killed), the request goes to the other one, as a balancer would retry. A 503
"try again" page (the database restarting) is retried by the parent after a second; every 503
and 500 is counted.

Faults: at 1/4 of the time instance B is killed (SIGKILL, workers and all) and started again
10 s later; at 1/2 PostgreSQL is restarted (`pg_ctlcluster … restart`, needs root on the
database machine — this script is for the bench machine, never production).

Afterwards, in the database: every send that got its confirmation is a sent response, with
exactly one "response.submitted" audit event and its scores; every answer whose save was
confirmed (302) is there with the value posted."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
from collections import Counter
from pathlib import Path

from bench_load import (  # the script's own folder is on the path
    GUNICORN,
    PYTHON,
    ROOT,
    Parent,
    app_env,
    choose,
    free_port,
    hidden_fields,
    issue_tokens,
    prepare_database,
    step_of,
)


class Instance:
    def __init__(self, name: str, port: int, env: dict[str, str]) -> None:
        self.name, self.port, self.env = name, port, env
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{self.port}", "--log-level", "critical"]
            + ["portal.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,  # its own process group, so a kill takes the workers too
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        # token → {step: value} of confirmed saves; tokens whose send was confirmed
        self.saved: dict[str, dict[str, str]] = {}
        self.sent: list[str] = []

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1


class Balancer:
    """Round robin over the instances; a connection refused goes to the next one."""

    def __init__(self, instances: list[Instance], stats: Stats) -> None:
        self.instances, self.stats = instances, stats
        self.turn = 0
        self.lock = threading.Lock()

    def next_bases(self) -> list[str]:
        with self.lock:
            self.turn += 1
            first = self.turn % len(self.instances)
        return [self.instances[(first + n) % len(self.instances)].base for n in range(2)]


def request(
    parent: Parent, balancer: Balancer, stats: Stats, path: str, data: dict[str, str] | None
) -> tuple[int, str, str]:
    """One page, retried as a parent and a balancer would: (status, body, final path)."""
    for _attempt in range(60):
        for base in balancer.next_bases():
            parent.base = base
            try:
                if data is None:
                    body, final = parent.get(path)
                    status = 200
                else:
                    status, body, final = parent.post(path, data), "", path
            except urllib.error.HTTPError as error:
                status, body, final = error.code, error.read().decode(), path
            except (ConnectionError, urllib.error.URLError, TimeoutError, OSError):
                stats.count("connection refused or dropped (balancer retried)")
                continue
            stats.count(f"status {status}")
            if status == 503:
                stats.count("try-again pages")
                time.sleep(1)  # the parent reads "try again" and presses again
                break
            return status, body, final
        else:
            time.sleep(0.5)  # neither instance answered: wait a little
    raise RuntimeError(f"gave up on {path}")


def one_parent(token: str, balancer: Balancer, stats: Stats, deadline: float) -> None:
    parent = Parent(balancer.instances[0].base)
    pause = lambda: time.sleep(random.uniform(0.05, 0.25))  # noqa: E731
    status, html, _ = request(parent, balancer, stats, f"/p/{token}", None)
    request(parent, balancer, stats, "/questionnaire/", hidden_fields(html))
    saved: dict[str, str] = {}
    with stats.lock:
        stats.saved[token] = saved
    while time.monotonic() < deadline:
        pause()
        status, html, path = request(parent, balancer, stats, "/questionnaire/q/", None)
        step = step_of(path)
        if step == "check":
            status, _, _ = request(parent, balancer, stats, path, hidden_fields(html))
            if status == 302:
                with stats.lock:
                    stats.sent.append(token)
            return
        fields = {**hidden_fields(html), **choose(html)}
        if step == "consent":
            fields["consent-consent"] = "yes"
        status, _, _ = request(parent, balancer, stats, path, fields)
        if status != 302:
            fields = {**hidden_fields(html), f"{step}-skip": "1"}
            status, _, _ = request(parent, balancer, stats, path, fields)
        if status == 302:
            saved[step] = fields.get(f"{step}-answer", "")


def parent_loop(tokens: list[str], balancer: Balancer, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline:
        with stats.lock:
            if not tokens:
                return
            token = tokens.pop()
        try:
            one_parent(token, balancer, stats, deadline)
        except Exception as error:  # noqa: BLE001  # counted, never hidden
            stats.count(f"parent gave up: {type(error).__name__}")


VERIFY = """
import json
from questionnaires.credentials import credential_hash
from questionnaires.models import AuditEvent, Response, ResponseStatus, ScoreRecord
from questionnaires.parent_steps import Kind, ResponseSteps
ledger = json.load(open({path!r}))
problems, answers_checked = [], 0
for token in ledger["sent"]:
    response = Response.objects.get(invitation__token_hash=credential_hash(token))
    events = AuditEvent.objects.filter(action="response.submitted", object_id=str(response.pk))
    if response.status != ResponseStatus.SUBMITTED or events.count() != 1:
        problems.append(("sent", str(response.pk), response.status, events.count()))
    if not ScoreRecord.objects.filter(measure__response=response).exists():
        problems.append(("no scores", str(response.pk)))
for token, saved in ledger["saved"].items():
    response = Response.objects.filter(invitation__token_hash=credential_hash(token)).first()
    if response is None:
        problems.append(("no response", token[:6]))
        continue
    steps = ResponseSteps(response)
    for name, value in saved.items():
        step = steps.by_name.get(name)
        if step is None or step.kind not in (Kind.ITEM, Kind.OVERALL):
            continue
        answer = steps.answer_for(step)
        answers_checked += 1
        if answer is None or (value and answer.value != value):
            problems.append(("answer", name, value, answer and answer.value))
submitted = Response.objects.filter(status=ResponseStatus.SUBMITTED).count()
print("VERIFY " + json.dumps({{"problems": problems[:20], "problem_count": len(problems),
    "answers_checked": answers_checked, "sent_confirmed": len(ledger["sent"]),
    "submitted_in_db": submitted}}))
"""


def restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--parents", type=int, default=60)
    parser.add_argument("--no-pg-restart", action="store_true")
    args = parser.parse_args()
    seconds = args.minutes * 60
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    env = app_env(ROOT, prepare_database("postgres", workdir))
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    tokens = issue_tokens(ROOT, env, args.parents * 4)
    instances = [Instance(name, free_port(), env) for name in ("A", "B")]
    for instance in instances:
        instance.start()
    time.sleep(3)
    stats = Stats()
    balancer = Balancer(instances, stats)
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=parent_loop, args=(tokens, balancer, stats, deadline))
        for _ in range(args.parents)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    events = []
    try:
        time.sleep(seconds / 4)
        instances[1].kill()
        events.append(f"{time.monotonic() - started:.0f}s: instance B killed")
        time.sleep(10)
        instances[1].start()
        events.append(f"{time.monotonic() - started:.0f}s: instance B started again")
        time.sleep(max(0, started + seconds / 2 - time.monotonic()))
        if not args.no_pg_restart:
            events.append(f"{time.monotonic() - started:.0f}s: PostgreSQL restarting")
            restart_postgres()
            events.append(f"{time.monotonic() - started:.0f}s: PostgreSQL restarted")
        for thread in threads:
            thread.join(timeout=max(1, deadline - time.monotonic() + 60))
    finally:
        for instance in instances:
            instance.stop()
    ledger = workdir / "ledger.json"
    ledger.write_text(json.dumps({"saved": stats.saved, "sent": stats.sent}))
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", VERIFY.format(path=str(ledger))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    verdict = json.loads(out.split("VERIFY ", 1)[1])
    print(f"Soak: {args.parents} parents, {args.minutes:g} min, two instances (gunicorn -w 2 each)")
    for event in events:
        print("  " + event)
    for what, count in sorted(stats.counts.items()):
        print(f"  {what}: {count}")
    print(f"  parents who started: {len(stats.saved)}, sends confirmed: {len(stats.sent)}")
    print(
        f"  sent responses in the database: {verdict['submitted_in_db']}; confirmed answers "
        f"checked: {verdict['answers_checked']}; problems: {verdict['problem_count']}"
    )
    for problem in verdict["problems"]:
        print("   ", problem)
    print(f"  500 pages seen: {stats.counts.get('status 500', 0)}")
    sys.exit(1 if verdict["problem_count"] else 0)


if __name__ == "__main__":
    main()
