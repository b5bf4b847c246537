"""LINK-4: links, QR codes, the room page and posters point at the address the site is served
from. `make run` serves on any PORT, so every command it runs is told that address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Service, StaffUser, Timepoint
from questionnaires.services import together_time
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[3]


def test_make_run_tells_every_command_the_port_it_serves_on() -> None:
    env = {key: value for key, value in os.environ.items() if key != "SITE_BASE_URL"}
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8765"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in dry_run.splitlines() if "manage.py" in line]
    assert any("runserver" in line and "127.0.0.1:8765" in line for line in commands)
    for line in commands:
        assert "SITE_BASE_URL=http://127.0.0.1:8765 " in line, line


def _decode_poster_qr(pdf: bytes, folder: Path) -> str:
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    assert pdftoppm and zbarimg, "poppler-utils and zbar-tools are needed"
    (folder / "poster.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(folder / "poster.pdf"),
            str(folder / "p"),
        ],
        check=True,
    )
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(folder / "p.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_room_page_and_poster_point_at_the_served_address(
    client: Client,
    live_server: Any,
    settings: Any,
    service: Service,
    facilitator: StaffUser,
    tmp_path: Path,
) -> None:
    settings.SITE_BASE_URL = live_server.url
    assert not live_server.url.endswith(":8000")  # the point: not the default port
    group = together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, facilitators=[facilitator]
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    sign_in(client, facilitator)
    kwargs = {"group_id": group.pk, "collection_id": start.pk}

    room = client.get(reverse("groups:room", kwargs=kwargs)).content.decode()
    join_url = f"{live_server.url}/g/{start.code}"
    assert join_url in room
    assert f"{live_server.url}/start" in room
    assert not re.search(r"127\.0\.0\.1:8000|localhost:8000", room)

    poster = client.get(reverse("groups:poster", kwargs=kwargs))
    assert poster["Content-Type"] == "application/pdf"
    decoded = _decode_poster_qr(poster.content, tmp_path)
    assert decoded == join_url
    # A parent's phone opens what it scanned: the served site answers with the join page.
    with urllib.request.urlopen(decoded, timeout=10) as response:  # noqa: S310 (our test server)
        assert response.status == 200
        assert "Join Tuesday Together Time" in response.read().decode()
