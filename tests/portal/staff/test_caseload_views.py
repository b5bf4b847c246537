"""The caseload: flags without opening the record, the user's own families first, search and
filters (INJ-3), paging, and a query count that does not grow with the families."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
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
from questionnaires.services import families
from tests.conftest import sign_in
from tests.questionnaires import factories


def test_caseload_shows_flags_without_opening_the_record(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    rows = {label: page.split(label, 1)[1].split("</tr>", 1)[0] for label in demo_families}
    # Above the cut-off at the start, below it at the end: history in a grey tag, not red.
    assert "ASQ:SE-2 above cut-off" not in rows["DEMO-C01"]
    assert 'nhsuk-tag--grey">ASQ:SE-2 was above cut-off (T1)' in rows["DEMO-C01"]
    # The overall question is named by its number, as the record numbers it.
    assert "Overall question answered yes: question 1 (T2)" in rows["DEMO-C04"]
    assert "ASQ:SE-2 monitoring zone (T2)" in rows["DEMO-C04"]
    # Parents' concerns reach the caseload (they used to stop at the record).
    assert 'nhsuk-tag--red">Concern ticked: question 2 (T1, T2)' in rows["DEMO-C02"]
    assert "above cut-off" not in rows["DEMO-C02"]
    # The demo instrument is said once, above the table, not on every row.
    assert page.count("Unverified instrument") == 1
    assert page.index("Unverified instrument") < page.index("<table")
    assert "Unverified instrument" not in rows["DEMO-C02"]
    assert "End (T2) answers in" in rows["DEMO-C01"]
    # One vocabulary: "sent" no longer means "answers received" here.
    assert "Start (T1): Answers received" in rows["DEMO-C01"]
    assert ": sent" not in page


def test_caseload_puts_the_users_own_families_first(
    client: Client, clinician: StaffUser, colleague: StaffUser
) -> None:
    theirs = factories.episode(factories.service_of(clinician), colleague, parent_name="Aaron")
    mine = factories.episode(factories.service_of(clinician), clinician, parent_name="Zed")
    sign_in(client, clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    assert page.index(mine.family.label) < page.index(theirs.family.label)
    assert page.count("Your family") == 1


def test_search_by_label_or_nickname_and_filter(client: Client, clinician: StaffUser) -> None:
    service = factories.service_of(clinician)
    waiting = factories.episode(service, clinician, parent_name="Maryam")
    started = factories.episode(service, clinician, parent_name="Joanne")
    factories.send(started, "T1", {"prfq": factories.PRFQ_ALL})
    finished = factories.episode(service, clinician, parent_name="Priya")
    factories.send(finished, "T1", {"prfq": factories.PRFQ_ALL})
    factories.send(finished, "T2", {"prfq": factories.PRFQ_ALL})
    group = factories.family(service, parent_name="Grace")
    families.open_episode(group, Programme.TOGETHER_TIME, timezone.localdate(), clinician)
    closed = factories.episode(service, clinician, parent_name="Cora")
    Episode.objects.filter(pk=closed.pk).update(closed_on=timezone.localdate())
    sign_in(client, clinician)

    def labels(**query: str) -> set[str]:
        page = client.get(reverse("staff:caseload"), query).content.decode()
        return set(re.findall(r">(RV-\d{4})</a>", page))

    everyone = {e.family.label for e in (waiting, started, finished, closed)} | {group.label}
    assert labels() == everyone
    assert labels(q="mary") == {waiting.family.label}
    assert labels(q=started.family.label.lower()) == {started.family.label}
    assert labels(programme=Programme.TOGETHER_TIME) == {group.label}
    assert labels(status="awaiting_t1") == {waiting.family.label, group.label}
    assert labels(status="t1_done") == {started.family.label}
    assert labels(status="t2_done") == {finished.family.label}
    assert labels(status="closed") == {closed.family.label}
    # INJ-3: request data is only ever a value; unknown filters are ignored, never a 500.
    assert labels(status="label__startswith", programme="x") == everyone
    assert labels(q="%") == set()
    assert (
        "No families match" in client.get(reverse("staff:caseload"), {"q": "zzz"}).content.decode()
    )


def _bulk_families(service: Service, clinician: StaffUser, count: int, start: int) -> None:
    """Many families cheaply: rows straight in with bulk_create (a query-count test only)."""
    today, now = timezone.localdate(), timezone.now()
    asq = InstrumentVersion.objects.get(code="asq_se2", is_current=True)
    families = Family.objects.bulk_create(
        Family(
            service=service,
            label=f"BULK-{start + n:05d}",
            parent_name=f"Parent {n}",
            relationship="mother",
            infant_dob=today - timedelta(days=200),
        )
        for n in range(count)
    )
    episodes = Episode.objects.bulk_create(
        Episode(
            family=family,
            programme=Programme.PSYCHOTHERAPY,
            clinician=clinician if n % 2 else None,
            opened_on=today,
        )
        for n, family in enumerate(families)
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            episode=episode,
            timepoint=Timepoint.T1,
            instruments=["asq_se2"],
            token_hash=uuid.uuid4().hex,
            short_code_hash=uuid.uuid4().hex,
            expires_at=now + timedelta(days=1),
        )
        for episode in episodes
    )
    responses = Response.objects.bulk_create(
        Response(invitation=invitation, status=ResponseStatus.SUBMITTED, submitted_at=now)
        for invitation in invitations
    )
    measures = ResponseMeasure.objects.bulk_create(
        ResponseMeasure(response=response, instrument=asq, position=0, asq_interval=6)
        for response in responses
    )
    ScoreRecord.objects.bulk_create(
        ScoreRecord(
            measure=measure,
            result={},
            definition_version=asq.version,
            scoring_version="asq_points/1",
            flags=["above_cutoff"] if n % 3 == 0 else ["monitoring", "overall_yes:overall_1"],
        )
        for n, measure in enumerate(measures)
    )


def _caseload_queries(client: Client, **query: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff:caseload"), query)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_caseload_query_count_is_the_same_for_5_and_500_families(
    client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    _bulk_families(factories.service_of(clinician), clinician, 5, 0)
    # The definitions that number overall questions are read once per instrument version and
    # cached: warm them, so the counts compare pages rather than the cache.
    _caseload_queries(client)
    with_five, page = _caseload_queries(client)
    assert "ASQ:SE-2 above cut-off (T1)" in page
    attention_five, _ = _caseload_queries(client, attention="yes", sort="attention")
    _bulk_families(factories.service_of(clinician), clinician, 495, 5)
    with_500, page = _caseload_queries(client)
    assert with_500 == with_five
    assert "Families 1 to 25 of 500" in page
    assert "Overall question answered yes: question 1 (T1)" in page
    filtered, _ = _caseload_queries(client, q="BULK", status="t1_done", programme="psychotherapy")
    assert filtered == with_five
    attention_500, page = _caseload_queries(client, attention="yes", sort="attention")
    # Two queries find who needs attention (stored flags, ticked concerns), whatever the count.
    assert attention_500 == attention_five <= with_five + 2
    assert "Families 1 to 25 of 500" in page
    # session, user, roles, service, count, page, episodes, flags, concerns… (16: one more
    # than before, for the concerns parents ticked, which the caseload now shows)
    assert with_five <= 16


def test_needs_attention_filter_and_sort(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    service = factories.service_of(clinician)
    quiet = factories.episode(service, clinician, parent_name="Aaron")  # no answers, no flags
    answered = factories.episode(service, clinician, parent_name="Abe")
    factories.send(answered, "T1", {"prfq": factories.PRFQ_ALL})  # answers, but no flag
    sign_in(client, clinician)

    def labels(**query: str) -> list[str]:
        page = client.get(reverse("staff:caseload"), query).content.decode()
        return re.findall(r">((?:RV-\d{4})|(?:DEMO-C\d\d))</a>", page)

    everyone = labels()
    assert {quiet.family.label, answered.family.label} <= set(everyone)
    attention = labels(attention="yes")
    assert set(attention) == set(demo_families)  # each has a current concern or flag
    by_attention = labels(sort="attention")
    assert set(by_attention[: len(demo_families)]) == set(demo_families)
    assert set(by_attention) == set(everyone)
    page = client.get(reverse("staff:caseload"), {"attention": "yes"}).content.decode()
    assert "Concern ticked: question 2" in page
    assert "Clear search and filters" in page and "found" in page
    # Bad values are no filter, never a 500 (INJ-3).
    assert set(labels(attention="1; drop", sort="-label")) == set(everyone)


def test_pages_read_along_the_label_index_keep_the_users_own_families_first(
    clinician: StaffUser, colleague: StaffUser
) -> None:
    """PERF-6: the default order is read a page at a time (`MineFirst`), never by sorting the
    whole service; paging across the boundary between the user's own families and the rest
    gives exactly the order the whole sorted list had, each family once."""
    from django.core.paginator import Paginator

    from questionnaires.selectors.caseload import (
        CaseloadFilters,
        MineFirst,
        caseload_families,
        caseload_queryset,
    )

    service = factories.service_of(clinician)
    for n in range(5):
        factories.episode(service, clinician, parent_name=f"Mine {n}")
    for n in range(6):
        factories.episode(service, colleague, parent_name=f"Theirs {n}")
    families = caseload_families(clinician, CaseloadFilters())
    assert isinstance(families, MineFirst)
    sorted_in_sql = [f.pk for f in caseload_queryset(clinician, CaseloadFilters())]
    paginator: Paginator[Family] = Paginator(families, 3)
    assert paginator.count == 11
    paged = [
        (family.pk, getattr(family, "is_mine", None))
        for number in paginator.page_range
        for family in paginator.page(number)
    ]
    assert [pk for pk, _ in paged] == sorted_in_sql
    assert [mine for _, mine in paged] == [True] * 5 + [False] * 6
    # Page 2 straddles the boundary: still three queries (counts, families, episodes).
    with CaptureQueriesContext(connection) as queries:
        list(Paginator(caseload_families(clinician, CaseloadFilters()), 3).page(2))
    assert len(queries) == 3
