"""RET-1, DATA-8: the service lead and the administrator see how long each kind of record is
kept, with the periods this deployment is set to."""

from __future__ import annotations

import html

from django.test import Client
from pytest_django import Settings

from questionnaires.models import Service
from questionnaires.retention import RULES, Kind, rule
from questionnaires.roles import Role
from tests.conftest import make_staff, sign_in


def test_the_page_lists_every_rule_with_this_deployments_period(
    client: Client, service: Service, settings: Settings
) -> None:
    settings.RETENTION_ABANDONED_DAYS = 45
    sign_in(client, make_staff(service, "lee", Role.SERVICE_LEAD))
    page = html.unescape(client.get("/staff/retention").content.decode())
    for each in RULES:
        assert each.name.capitalize() in page, each.name
        assert each.period_words() in page, each.name
    assert rule(Kind.ABANDONED).period == 45 and "45 days" in page


def test_the_home_page_links_to_it_for_those_who_may_see_it(
    client: Client, service: Service
) -> None:
    sign_in(client, make_staff(service, "ida", Role.ADMIN))
    assert 'href="/staff/retention"' in client.get("/staff/").content.decode()
    clinician = Client()
    sign_in(clinician, make_staff(service, "alice", Role.CLINICIAN))
    assert 'href="/staff/retention"' not in clinician.get("/staff/").content.decode()
