"""App servers for tests that need more than Django's one in-process live server: real gunicorn
processes (production-like: DEBUG off) on their own ports, all on the test database, so a test
can send one browser's requests to several instances (PERF-3)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def test_database_url() -> str:
    """The database the test run made (test_<name>), as a URL another process can open."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def app_server(extra_env: dict[str, str] | None = None, port: int | None = None) -> Iterator[str]:
    """One gunicorn instance (one sync worker) of the portal; yields its base URL."""
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDIS_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=test_database_url(),
        DEBUG="0",
        SECURE_TRANSPORT="0",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
        **(extra_env or {}),
    )
    process = subprocess.Popen(
        [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "error", "portal.wsgi"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except (OSError, urllib.error.URLError):
            if process.poll() is not None:
                raise RuntimeError("the app server stopped while starting") from None
            if time.monotonic() > deadline:
                raise RuntimeError("the app server did not start") from None
            time.sleep(0.2)


@contextmanager
def app_servers(count: int, extra_env: dict[str, str] | None = None) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(app_server(extra_env)) for _ in range(count)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One browser (one cookie jar; cookies ignore ports, so every instance sees the same
    session) whose requests go to the next of `bases` in turn."""

    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.turn = 0
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.served_by: list[str] = []

    def _base(self) -> str:
        base = self.bases[self.turn % len(self.bases)]
        self.turn += 1
        self.served_by.append(base)
        return base

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location) of one request, redirects not followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self._base() + path, data=body, timeout=30) as page:
                return int(page.status), page.read().decode(), page.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            return int(answer.code), answer.read().decode(), answer.headers.get("Location", "")

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        return self.request(path, fields)


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def first_choices(html: str) -> dict[str, str]:
    """A valid choice for every radio group and select on a page (its first option)."""
    chosen: dict[str, str] = {}
    for name, value in re.findall(r'name="([^"]+)" type="radio" value="([^"]*)"', html):
        chosen.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        options = [v for v in re.findall(r'<option value="([^"]*)"', body) if v]
        if options:
            chosen.setdefault(name, options[0])
    return chosen


def redis_available(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
