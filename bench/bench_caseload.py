"""How fast are the clinician's pages with a large service? Fills a throwaway SQLite database with
5,000 families and 20,000 submitted responses (bulk_create: this measures reading, not writing),
then times, through Django's test client with a signed-in clinician:

* the caseload, first page and a searched + filtered page,
* one family record with start (T1) and end (T2) answers to all three questionnaires
  (real answers and scores, written through the services), and its PDF report,

reporting p50/p95 in ms and the queries per request. Target: caseload p95 < 150 ms.

Run:  .venv/bin/python bench/bench_caseload.py [N] [FAMILIES]
      (default N=100 timed requests per page, FAMILIES=5000; PERF-6 measures 20000)
      BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf_bench runs it on
      PostgreSQL (the database is dropped and made again).

It never touches db.sqlite3."""

from __future__ import annotations

import os
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

WORKDIR = tempfile.mkdtemp(prefix="bench-caseload-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3"
)
if os.environ["DATABASE_URL"].startswith("postgres"):
    import subprocess

    _server, _name = os.environ["DATABASE_URL"].rsplit("/", 1)
    for _sql in (f"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", f"CREATE DATABASE {_name}"):
        subprocess.run(["psql", f"{_server}/postgres", "-qc", _sql], check=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from questionnaires import demo  # noqa: E402
from questionnaires.models import (  # noqa: E402
    Episode,
    Family,
    InstrumentVersion,
    Invitation,
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
from tests.conftest import sign_in  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
FAMILIES = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
RESPONSES = 4 * FAMILIES  # 4 per family: two episodes, T1 and T2 each
WARM_UP = 10
BATCH = 2_000


def fill(service: Service, clinician: StaffUser) -> None:
    today, now = timezone.localdate(), timezone.now()
    versions = {v.code: v for v in InstrumentVersion.objects.filter(is_current=True, language="en")}
    families = Family.objects.bulk_create(
        (
            Family(
                service=service,
                label=f"RV-{n:05d}",
                parent_name=f"Parent {n}",
                relationship="mother",
                infant_dob=today - timedelta(days=30 + n % 600),
            )
            for n in range(FAMILIES)
        ),
        batch_size=BATCH,
    )
    episodes = Episode.objects.bulk_create(
        (
            Episode(
                family=family,
                programme=Programme.PSYCHOTHERAPY if n % 3 else Programme.TOGETHER_TIME,
                clinician=clinician if n % 4 == 0 else None,
                opened_on=today - timedelta(days=90 * (1 + copy)),
                closed_on=today - timedelta(days=5) if copy == 0 and n % 5 == 0 else None,
            )
            for n, family in enumerate(families)
            for copy in range(2)
        ),
        batch_size=BATCH,
    )
    invitations = Invitation.objects.bulk_create(
        (
            Invitation(
                episode=episode,
                timepoint=timepoint,
                instruments=["prfq", "mors_sf", "asq_se2"],
                token_hash=uuid.uuid4().hex,
                short_code_hash=uuid.uuid4().hex,
                expires_at=now + timedelta(days=28),
            )
            for episode in episodes
            for timepoint in (Timepoint.T1, Timepoint.T2)
        ),
        batch_size=BATCH,
    )
    responses = Response.objects.bulk_create(
        (
            Response(invitation=inv, status=ResponseStatus.SUBMITTED, submitted_at=now)
            for inv in invitations
        ),
        batch_size=BATCH,
    )
    assert len(responses) == RESPONSES
    measures = ResponseMeasure.objects.bulk_create(
        (
            ResponseMeasure(
                response=response,
                instrument=versions[code],
                position=position,
                asq_interval=6 if code == "asq_se2" else None,
            )
            for response in responses
            for position, code in enumerate(("prfq", "mors_sf", "asq_se2"))
        ),
        batch_size=BATCH,
    )
    flag_sets = [["demo_wording"], ["above_cutoff", "unverified_cutoffs"], ["monitoring"], []]
    ScoreRecord.objects.bulk_create(
        (
            ScoreRecord(
                measure=measure,
                result={},
                definition_version=versions[measure.instrument.code].version,
                scoring_version="bench",
                flags=flag_sets[n % 4] if measure.asq_interval else [],
            )
            for n, measure in enumerate(measures)
        ),
        batch_size=BATCH,
    )


def timed(client: Client, url: str, data: dict[str, str] | None = None) -> tuple[list[float], int]:
    for _ in range(WARM_UP):
        assert client.get(url, data).status_code == 200
    times = []
    for _ in range(N):
        start = time.perf_counter()
        response = client.get(url, data)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, data)
    return times, len(queries)


def report(name: str, times: list[float], queries: int) -> float:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {queries:3d} queries")
    return p95


def main() -> None:
    try:
        call_command("migrate", verbosity=0)
        service = staff.create_service("Bench parent–infant team")
        clinician = staff.create_staff_user(
            "bench-clinician", "bench-password-0123", service, [Role.CLINICIAN]
        )
        started = time.perf_counter()
        fill(service, clinician)
        # One family with real answers, scores and LOAF through the services.
        demo.demo_caseload(service, clinician)
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would have after a bulk load: without
            # them PostgreSQL guessed 29 families and the caseload took 1.3 s instead of ≈ 70 ms.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"Filled {Family.objects.count():,} families, {Response.objects.count():,} responses, "
            f"{ScoreRecord.objects.count():,} scores in {time.perf_counter() - started:.0f} s "
            f"({WORKDIR})"
        )
        client = Client()
        sign_in(client, clinician)  # both factors (AUTH-3), as the staff tests sign in
        caseload = reverse("staff:caseload")
        family = Family.objects.get(label="DEMO-C01")
        record = reverse("staff:family_detail", kwargs={"family_id": family.id})
        pdf = reverse("staff:family_report_pdf", kwargs={"family_id": family.id})
        p95 = report("caseload, page 1", *timed(client, caseload))
        report("caseload, page 40", *timed(client, caseload, {"page": "40"}))
        filtered = {"q": "RV-01", "programme": "psychotherapy", "status": "closed"}
        report("caseload, searched + filtered", *timed(client, caseload, filtered))
        record_p95 = report("family record (T1+T2, 3 measures, LOAF)", *timed(client, record))
        report("family PDF report", *timed(client, pdf))
        print(f"Caseload p95 target < 150 ms: {'met' if p95 < 150 else 'NOT met'} ({p95:.1f} ms)")
        met = "met" if record_p95 < 100 else "NOT met"
        print(f"Family record p95 target < 100 ms: {met} ({record_p95:.1f} ms)")
    finally:
        connection.close()
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
