"""The per-client limit on failed link and code look-ups (LINK-5)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.urls import reverse

from questionnaires import credentials
from questionnaires.models import (
    AuditEvent,
    Service,
)
from questionnaires.services import families, invitations
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db


def issue(service: Service, **kwargs: Any) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1", **kwargs)


def test_failed_lookups_are_rate_limited_per_client(service: Service) -> None:
    """LINK-5: 10 failed code or link look-ups from one client and the 11th attempt gets 429,
    even with a valid code or link; another client is not blocked; the window expires; the
    bucket stores a keyed hash, never the IP address."""
    from questionnaires.models import RateLimitBucket

    assert settings.CODE_FAILURE_LIMIT == 10
    issued = issue(service)
    address = "198.51.100.23"
    attacker = Client(REMOTE_ADDR=address)
    for attempt in range(settings.CODE_FAILURE_LIMIT):
        if attempt % 2:
            result = attacker.get(f"/p/{credentials.new_token()}")
            assert result.status_code == 404
        else:
            result = attacker.post(reverse("parents:code"), {"code": credentials.new_code()})
            assert result.status_code == 200
            assert b"We could not find that code" in result.content

    blocked = attacker.post(reverse("parents:code"), {"code": issued.short_code})
    assert blocked.status_code == 429
    assert attacker.get(f"/p/{issued.token}").status_code == 429
    assert attacker.get(reverse("parents:code")).status_code == 429
    assert Session.objects.count() == 0  # nothing was bound while blocked

    neighbour = Client(REMOTE_ADDR="198.51.100.24")
    assert neighbour.post(reverse("parents:code"), {"code": issued.short_code}).status_code == 302

    bucket = RateLimitBucket.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", bucket.key)
    assert bucket.key != hashlib.sha256(address.encode()).hexdigest()
    for row in RateLimitBucket.objects.values():
        assert address not in str(row)
    for detail in AuditEvent.objects.values_list("detail", flat=True):
        assert address not in str(detail)

    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES, seconds=1)
    RateLimitBucket.objects.update(window_started=F("window_started") - window)
    assert attacker.post(reverse("parents:code"), {"code": issued.short_code}).status_code == 302
    assert attacker.get(f"/p/{issued.token}").status_code == 302


def test_the_tenth_failure_is_still_answered_normally(service: Service) -> None:
    """LINK-5: the limit is exactly N failures; success does not count as failure."""
    issued = issue(service)
    client = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(30):
        assert client.get(f"/p/{issued.token}").status_code == 302
    for _ in range(settings.CODE_FAILURE_LIMIT - 1):
        assert client.get(f"/p/{credentials.new_token()}").status_code == 404
    assert client.get(f"/p/{credentials.new_token()}").status_code == 404
    assert client.get(f"/p/{credentials.new_token()}").status_code == 429
