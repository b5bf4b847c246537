"""Who may open a family's record, its PDF and its LOAF form: another service's family is not found
(AZ-2), facilitators are refused (AZ-3), anonymous users sign in first; reading a record or its
PDF is audited without the answers (LOG-1)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    LoafRating,
    Service,
    StaffUser,
)
from tests.conftest import sign_in
from tests.questionnaires import factories


def _detail(client: Client, family: Family) -> str:
    url = reverse("staff:family_detail", kwargs={"family_id": family.id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _new_urls(episode: Episode) -> list[tuple[str, str]]:
    family = {"family_id": episode.family_id}
    return [
        ("get", reverse("staff:caseload")),
        ("get", reverse("staff:family_detail", kwargs=family)),
        ("get", reverse("staff:family_report_pdf", kwargs=family)),
        ("post", reverse("staff:loaf_record", kwargs={"episode_id": episode.id})),
    ]


def test_another_services_family_is_not_found(
    client: Client, clinician: StaffUser, outsider: StaffUser
) -> None:
    """AZ-2: every new URL with another service's id is 404, and nothing is written."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, outsider)
    for method, url in _new_urls(episode)[1:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert episode.family.label not in client.get(reverse("staff:caseload")).content.decode()
    assert not LoafRating.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["family.viewed", "family.report_downloaded"]
    ).exists()


def test_facilitators_are_refused(client: Client, facilitator: StaffUser) -> None:
    """AZ-3: facilitators never see answers or scores."""
    episode = factories.episode(factories.service_of(facilitator))
    sign_in(client, facilitator)
    for method, url in _new_urls(episode):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client: Client, service: Service) -> None:
    episode = factories.episode(service)
    for method, url in _new_urls(episode):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/staff/login" in response["Location"], url


def test_record_views_and_pdfs_are_audited(
    client: Client, clinician: StaffUser, colleague: StaffUser
) -> None:
    """LOG-1: who, what, when; never the answers."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, colleague)
    _detail(client, episode.family)
    client.get(reverse("staff:family_report_pdf", kwargs={"family_id": episode.family_id}))
    viewed = AuditEvent.objects.get(action="family.viewed")
    downloaded = AuditEvent.objects.get(action="family.report_downloaded")
    for event in (viewed, downloaded):
        assert event.actor == colleague and event.object_id == str(episode.family_id)
        assert event.at is not None and event.detail == {}
