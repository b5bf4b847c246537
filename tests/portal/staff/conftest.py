"""Fixtures for the group pages: a group fran facilitates, its start collection, fran signed in,
and an end answer waiting in the match queue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questionnaires.models import (
    GroupCollection,
    MatchReview,
    ParentGroup,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import together_time
from tests.conftest import sign_in

BABY = timezone.localdate() - timedelta(days=150)


@pytest.fixture
def group(service: Service, facilitator: StaffUser) -> ParentGroup:
    return together_time.create_group(
        service, "Tuesday Together Time", date(2026, 4, 14), 8, "Riverside Centre", [facilitator]
    )


@pytest.fixture
def start(group: ParentGroup, facilitator: StaffUser) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1, facilitator)


@pytest.fixture
def fran(client: Client, facilitator: StaffUser) -> Client:
    sign_in(client, facilitator)
    return client


@pytest.fixture
def review(group: ParentGroup, start: GroupCollection) -> MatchReview:
    together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    return together_time.return_by_details(end, "Maryam", "mother", BABY).match_review
