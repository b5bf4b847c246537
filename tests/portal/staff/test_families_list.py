"""The families list (the caseload's first address): only the user's service, paged by 25, with a
query count that does not grow with families."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaires.models import (
    Programme,
    Service,
    StaffUser,
)
from questionnaires.services import families
from tests.conftest import sign_in
from tests.questionnaires import factories


def test_the_list_shows_only_the_users_service(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    service = factories.service_of(clinician)
    mine = factories.family(service, parent_name="Maryam")
    unborn = factories.family(service, infant_age_days=None, parent_name="Jo")
    theirs = factories.family(other_service, parent_name="Zainab")
    families.open_episode(mine, Programme.TOGETHER_TIME, date(2026, 3, 3), clinician)
    sign_in(client, clinician)
    page = client.get(reverse("staff:families")).content.decode()
    assert mine.label in page and "Maryam" in page
    assert unborn.label in page and "Not born yet" in page
    assert "Together Time group, from 3 March 2026" in page
    assert theirs.label not in page and "Zainab" not in page


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:families")).status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_families(
    client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    for _ in range(5):
        factories.episode(factories.service_of(clinician), clinician)
    with_five = _list_queries(client)
    for _ in range(25):
        factories.episode(factories.service_of(clinician), clinician)
    assert _list_queries(client) == with_five


def test_the_list_pages_by_25(client: Client, clinician: StaffUser) -> None:
    for _ in range(30):
        factories.family(factories.service_of(clinician))
    sign_in(client, clinician)
    first = client.get(reverse("staff:families")).content.decode()
    second = client.get(reverse("staff:families") + "?page=2").content.decode()
    assert "Families 1 to 25 of 30" in first
    assert "Families 26 to 30 of 30" in second
    assert first.count("/staff/families/") - first.count("/staff/families/new") == 25
    assert 'rel="next"' in first and 'rel="prev"' in second
