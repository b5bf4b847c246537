"""How fast is the service outcomes page, and its exports, for a large service (issue 13)?
Fills a throwaway database with 20,000 families, 50,000 episodes and 100,000 responses (start
and end, ~9% of end answers never sent), 200,000 current scores with realistic JSON (PRFQ and
MORS-SF for everyone, ASQ:SE-2 zones) and LOAF ratings — bulk_create: this measures reading,
not writing; answers are not seeded, so the item-level table is empty — then, with a
signed-in service lead through Django's test client, times (with BENCH_PROFILE=DIR, a
cProfile of each request is kept in DIR):

* the worker start-up work (`portal/warm_up.py`: loading every view module and pandas,
  scipy and matplotlib, done once per worker by `portal/wsgi.py`, not in a request),
* the outcomes page: the first view (which computes the report), then p50/p95 over N
  requests (the report kept until the data change) and its query count,
* the CSV (zip) export and the XLSX export (one request each),

and reports the process's peak memory (max RSS). Targets: page p95 < 1 s, CSV < 5 s,
XLSX < 20 s.

Run:  .venv/bin/python bench/bench_outcomes.py [N]          (SQLite in a temporary folder)
      BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_outcomes \\
      .venv/bin/python bench/bench_outcomes.py [N]          (a PostgreSQL database it creates
                                                             and drops; never an existing one)"""

from __future__ import annotations

import cProfile
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKDIR = tempfile.mkdtemp(prefix="bench-outcomes-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from questionnaires.models import (  # noqa: E402
    Episode,
    Family,
    InstrumentVersion,
    Invitation,
    LoafRating,
    Programme,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role  # noqa: E402
from questionnaires.services import staff  # noqa: E402

FAMILIES = 20_000
EPISODES_PER_FAMILY = (2, 3)  # half the families have two episodes, half three: 50,000
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
WARM_UP = 2
BATCH = 5_000


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(service: Service, clinician: StaffUser) -> None:
    rng = random.Random(13)
    today, now = timezone.localdate(), timezone.now()
    versions = {v.code: v for v in InstrumentVersion.objects.filter(is_current=True)}
    families = Family.objects.bulk_create(
        (
            Family(
                service=service, label=f"RV-{n:05d}", parent_name=f"Parent {n}",
                relationship="mother", infant_dob=today - timedelta(days=30 + n % 600),
                referral_source=rng.choice(["midwifery", "health_visiting", "gp", "self", ""]),
                imd_decile=rng.choice([None, *range(1, 11)]),
                pregnant_at_referral=rng.choice([None, True, False]),
            )
            for n in range(FAMILIES)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    episodes = Episode.objects.bulk_create(
        (
            Episode(
                family=family,
                programme=Programme.PSYCHOTHERAPY if copy % 2 else Programme.TOGETHER_TIME,
                clinician=clinician if n % 4 == 0 else None,
                opened_on=today - timedelta(days=120 * (1 + copy)),
                closed_on=today - timedelta(days=10 + 120 * copy) if n % 10 else None,
            )
            for n, family in enumerate(families)
            for copy in range(EPISODES_PER_FAMILY[n % 2])
        ),
        batch_size=BATCH,
    )
    invitations = Invitation.objects.bulk_create(
        (
            Invitation(
                episode=episode, timepoint=timepoint, instruments=["prfq", "mors_sf"],
                token_hash=uuid.uuid4().hex, short_code_hash=uuid.uuid4().hex,
                expires_at=now + timedelta(days=28),
            )
            for episode in episodes
            for timepoint in (Timepoint.T1, Timepoint.T2)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    about: tuple[dict[str, str], ...] = (
        {"ethnic_group": "white", "age_band": "25_29"},
        {"ethnic_group": "prefer_not_to_say"},
        {},
    )
    responses = Response.objects.bulk_create(
        (
            Response(
                invitation=inv,
                status=ResponseStatus.IN_PROGRESS
                if inv.timepoint == "T2" and n % 11 == 0
                else ResponseStatus.SUBMITTED,
                submitted_at=now - timedelta(days=rng.randint(1, 400)),
                about_you=about[n % 3],
            )
            for n, inv in enumerate(invitations)
        ),
        batch_size=BATCH,
    )
    measures = ResponseMeasure.objects.bulk_create(
        (
            ResponseMeasure(response=response, instrument=versions[code], position=position)
            for response in responses
            if response.status == ResponseStatus.SUBMITTED
            for position, code in enumerate(("prfq", "mors_sf"))
        ),
        batch_size=BATCH,
    )

    def result(code: str) -> dict[str, object]:
        if code == "prfq":
            subscales = {k: round(rng.uniform(1, 7), 3) for k in ("PM", "CMS", "IC")}
            if rng.random() < 0.05:
                subscales["CMS"] = None  # type: ignore[assignment]
        else:
            subscales = {"warmth": rng.randint(10, 35), "invasiveness": rng.randint(0, 25)}
        return {
            "code": code, "subscales": subscales, "total": None, "zone": None,
            "missing": ["3"] if rng.random() < 0.1 else [], "prorated": False,
            "adjusted": False, "flags": [], "interval": None, "not_scored_reason": None,
            "definition_version": versions[code].version, "scoring_version": "bench",
        }  # fmt: skip

    ScoreRecord.objects.bulk_create(
        (
            ScoreRecord(
                measure=measure,
                result=result(measure.instrument.code),
                definition_version=versions[measure.instrument.code].version,
                scoring_version="bench",
            )
            for measure in measures
        ),
        batch_size=BATCH,
    )
    LoafRating.objects.bulk_create(
        (
            LoafRating(
                episode=episode, timepoint=timepoint, part="B", caregiver="",
                level=rng.randint(1, 4), rated_on=today,
            )
            for episode in episodes[::5]
            for timepoint in ("T1", "T2")
        ),
        batch_size=BATCH,
    )  # fmt: skip


def signed_in(user: StaffUser) -> Client:
    client = Client()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def once(client: Client, url: str) -> tuple[float, int]:
    """One request; with BENCH_PROFILE=DIR set, a cProfile of it is kept in DIR."""
    profile_dir = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_dir else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    response = client.get(url)
    if profiler:
        profiler.disable()
        name = url.strip("/").replace("/", "_").replace("?", "_")
        profiler.dump_stats(os.path.join(str(profile_dir), f"{name}.prof"))
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, len(response.content)


def main() -> None:
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The test runner's machinery creates (and afterwards drops) a fresh database.
        from django.test.utils import setup_databases, teardown_databases

        old = setup_databases(verbosity=0, interactive=False)
    try:
        if not postgres:
            call_command("migrate", verbosity=0)
        service = staff.create_service("Bench parent–infant team")
        lead = staff.create_staff_user(
            "bench-lead", "bench-password-0123", service, [Role.SERVICE_LEAD]
        )
        clinician = staff.create_staff_user(
            "bench-clinician", "bench-password-0123", service, [Role.CLINICIAN]
        )
        started = time.perf_counter()
        fill(service, clinician)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a load
        print(
            f"{connection.vendor}: filled {Family.objects.count():,} families, "
            f"{Episode.objects.count():,} episodes, {Response.objects.count():,} responses, "
            f"{ScoreRecord.objects.count():,} scores in {time.perf_counter() - started:.0f} s"
        )
        client = signed_in(lead)
        # What a gunicorn worker does at start (portal/wsgi.py): imports, not data work.
        from portal.warm_up import warm_up

        started = time.perf_counter()
        warm_up()
        print(f"worker start-up (warm_up) {time.perf_counter() - started:6.1f} s (once per worker)")
        cold = once(client, "/staff/outcomes")[0]
        print(f"outcomes page, first view {cold * 1000:7.0f} ms (computes and keeps the report)")
        for _ in range(WARM_UP):
            once(client, "/staff/outcomes")
        times = [once(client, "/staff/outcomes")[0] * 1000 for _ in range(N)]
        with CaptureQueriesContext(connection) as queries:
            once(client, "/staff/outcomes")
        ordered = sorted(times)
        p50 = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(
            f"outcomes page            p50 {p50:7.0f} ms   p95 {p95:7.0f} ms   "
            f"{len(queries)} queries"
        )
        filtered = "/staff/outcomes?programme=together_time"
        print(f"outcomes page, filtered  {once(client, filtered)[0] * 1000:7.0f} ms")
        # Wall time, and this process's CPU time (the machine is shared: wall time grows
        # with other people's load, CPU time much less; the database's own time is in
        # wall only).
        cpu = time.process_time()
        csv_s, csv_bytes = once(client, "/staff/outcomes/export.csv")
        cpu, csv_cpu = time.process_time(), time.process_time() - cpu
        print(
            f"CSV export (zip)         {csv_s:7.1f} s    {csv_bytes / 1e6:.1f} MB   "
            f"CPU {csv_cpu:.1f} s"
        )
        xlsx_s, xlsx_bytes = once(client, "/staff/outcomes/export.xlsx")
        xlsx_cpu = time.process_time() - cpu
        print(
            f"XLSX export              {xlsx_s:7.1f} s    {xlsx_bytes / 1e6:.1f} MB   "
            f"CPU {xlsx_cpu:.1f} s"
        )
        print(f"peak memory (max RSS)    {_mb():7.0f} MB")
        print(
            f"Targets: page p95 < 1 s {'met' if p95 < 1000 else 'NOT met'}; "
            f"CSV < 5 s {'met' if csv_s < 5 else 'NOT met'}; "
            f"XLSX < 20 s {'met' if xlsx_s < 20 else 'NOT met'}"
        )
    finally:
        if postgres:
            connection.close()
            teardown_databases(old, verbosity=0)
        connection.close()
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
