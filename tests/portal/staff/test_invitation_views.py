"""Issuing, resending and revoking the parent's personal link (journey 1), the family page's link
statuses, and who may use these pages: AZ-2/AZ-3, audit LOG-1, credentials LINK-1/2/3, POST only
LINK-6."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials
from questionnaires.models import (
    AuditEvent,
    Episode,
    Invitation,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from questionnaires.services import invitations, responses
from tests.conftest import ClientResponse, make_staff, sign_in
from tests.questionnaires import factories

LINK_PATTERN = re.compile(r"https?://[^/\s\"<]+(/p/[A-Za-z0-9_-]+)")


CODE_PATTERN = re.compile(r'id="short-code">\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*<')


def _issue(client: Client, episode: Episode, timepoint: str = "T1") -> ClientResponse:
    return client.post(
        reverse("staff:invitation_issue", kwargs={"episode_id": episode.id}),
        {"timepoint": timepoint},
    )


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.SERVICE_LEAD])
def test_clinicians_and_leads_may_use_the_pages(
    client: Client, service: Service, role: Role
) -> None:
    user = make_staff(service, f"user-{role.value}", role)
    episode = factories.episode(service)
    sign_in(client, user)
    assert client.get(reverse("staff:families")).status_code == 200
    assert client.get(reverse("staff:family_new")).status_code == 200
    detail = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert client.get(detail).status_code == 200
    assert _issue(client, episode).status_code == 200


def test_an_it_admin_reads_no_family_by_default(client: Client, service: Service) -> None:
    """AZ-1: the IT admin role manages accounts; it is not a case role, so it sees no answers."""
    episode = factories.episode(service)
    sign_in(client, make_staff(service, "it-admin", Role.ADMIN))
    detail = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert client.get(reverse("staff:families")).status_code == 403
    assert client.get(detail).status_code == 403
    assert _issue(client, episode).status_code == 403
    assert not Invitation.objects.exists()


def _all_urls(episode: Episode, invitation: Invitation) -> list[tuple[str, str]]:
    return [
        ("get", reverse("staff:families")),
        ("get", reverse("staff:family_new")),
        ("post", reverse("staff:family_new")),
        ("get", reverse("staff:family_detail", kwargs={"family_id": episode.family_id})),
        ("post", reverse("staff:invitation_issue", kwargs={"episode_id": episode.id})),
        ("post", reverse("staff:invitation_revoke", kwargs={"invitation_id": invitation.id})),
    ]


def test_anonymous_users_are_sent_to_sign_in(client: Client, service: Service) -> None:
    episode = factories.episode(service)
    invitation = invitations.issue_invitation(episode, "T1").invitation
    for method, url in _all_urls(episode, invitation):
        response = getattr(client, method)(url, {"timepoint": "T1"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("staff:login")), url
    assert Invitation.objects.count() == 1


def test_a_facilitator_only_user_is_refused(client: Client, facilitator: StaffUser) -> None:
    """AZ-3: facilitators see group completion, never a family's record."""
    episode = factories.episode(factories.service_of(facilitator))
    invitation = invitations.issue_invitation(episode, "T1").invitation
    sign_in(client, facilitator)
    for method, url in _all_urls(episode, invitation):
        assert getattr(client, method)(url, {"timepoint": "T1"}).status_code == 403, url
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Invitation.objects.count() == 1
    assert not AuditEvent.objects.filter(action="family.viewed").exists()


def test_another_services_records_are_not_found(
    client: Client, clinician: StaffUser, outsider: StaffUser
) -> None:
    """AZ-2: a clinician of another service gets 404 for every record by id, and nothing
    changes."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    invitation = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    sign_in(client, outsider)
    urls = _all_urls(episode, invitation)[3:]
    for method, url in urls:
        assert getattr(client, method)(url, {"timepoint": "T1"}).status_code == 404, url
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Invitation.objects.count() == 1
    assert episode.family.label not in client.get(reverse("staff:families")).content.decode()


def test_unknown_ids_are_not_found(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/staff/families/{unknown}").status_code == 404
    issue = client.post(f"/staff/episodes/{unknown}/invitations", {"timepoint": "T1"})
    assert issue.status_code == 404
    assert client.post(f"/staff/invitations/{unknown}/revoke").status_code == 404


def test_issuing_and_revoking_are_post_only(client: Client, clinician: StaffUser) -> None:
    """LINK-6: a GET changes nothing."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    invitation = invitations.issue_invitation(episode, "T1").invitation
    sign_in(client, clinician)
    issue = reverse("staff:invitation_issue", kwargs={"episode_id": episode.id})
    revoke = reverse("staff:invitation_revoke", kwargs={"invitation_id": invitation.id})
    assert client.get(issue).status_code == 405
    assert client.get(revoke).status_code == 405
    assert Invitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("timepoint", ["", "T3", "t1"])
def test_an_unknown_timepoint_is_a_bad_request(
    client: Client, clinician: StaffUser, timepoint: str
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    assert _issue(client, episode, timepoint).status_code == 400
    assert not Invitation.objects.exists()


def test_viewing_a_family_is_audited(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    client.get(reverse("staff:family_detail", kwargs={"family_id": episode.family_id}))
    event = AuditEvent.objects.get(action="family.viewed")
    assert event.actor == clinician
    assert event.object_id == str(episode.family_id)
    assert event.object_type == "questionnaires.Family"


def test_the_family_page_shows_episodes_and_link_statuses(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sent = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    revoked = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    invitations.revoke_invitation(revoked)
    sign_in(client, clinician)
    page = client.get(
        reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    ).content.decode()
    assert "Parent–infant psychotherapy" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Link sent – not opened</strong>' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Revoked</strong>' in page
    assert "PRFQ, MORS-SF, ASQ:SE-2" in page
    # Only the working link can be revoked.
    assert reverse("staff:invitation_revoke", kwargs={"invitation_id": sent.id}) in page
    assert reverse("staff:invitation_revoke", kwargs={"invitation_id": revoked.id}) not in page
    assert 'name="timepoint" value="T1"' in page and 'name="timepoint" value="T2"' in page


def test_issuing_shows_a_link_a_qr_code_and_a_code_that_all_work(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=200)
    sign_in(client, clinician)
    response = _issue(client, episode)

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.created_by == clinician
    assert invitation.timepoint == "T1"
    assert '<svg width="280" height="280"' in page and 'role="img"' in page
    assert 'aria-label="QR code of the personal link"' in page
    assert "<?xml" not in page
    assert "Type this code at http://127.0.0.1:8000/start" in page
    expires = timezone.localtime(invitation.expires_at)
    assert f"Link works until {expires.day} {expires:%B %Y}." in page
    for name in ("PRFQ", "MORS-SF", "ASQ:SE-2"):
        assert f"<li>{name}</li>" in page

    link_match = LINK_PATTERN.search(page)
    code_match = CODE_PATTERN.search(page)
    assert link_match and code_match

    # The parent's side, in fresh browsers: the link lands on the welcome page...
    parent = Client()
    entry = parent.get(link_match.group(1))
    assert entry.status_code == 302
    assert entry["Location"] == reverse("parents:welcome")
    welcome = parent.get(entry["Location"])
    assert "Questions about you and your baby" in welcome.content.decode()
    # ...and so does the short code typed at /start.
    typing_parent = Client()
    typed = typing_parent.post(reverse("parents:code"), {"code": code_match.group(1)})
    assert typed.status_code == 302
    assert typed["Location"] == reverse("parents:welcome")


def test_a_baby_not_born_yet_gets_a_note_on_the_issued_page(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=None)
    sign_in(client, clinician)
    page = _issue(client, episode, "T1").content.decode()
    # The plan's pregnancy set, and the reason each born-baby measure waits.
    assert "<li>P-PRFQ</li>" in page
    assert "MORS-SF is asked after the birth; it asks about the baby&#x27;s warmth" in page
    assert "<li>ASQ:SE-2</li>" not in page and "<li>PRFQ</li>" not in page


def test_the_plain_token_and_code_are_stored_nowhere(client: Client, clinician: StaffUser) -> None:
    """LINK-1: only keyed hashes are kept; the token is in no column, audit entry or session."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    page = _issue(client, episode).content.decode()
    link_match, code_match = LINK_PATTERN.search(page), CODE_PATTERN.search(page)
    assert link_match and code_match
    token = link_match.group(1).removeprefix("/p/")
    code = credentials.normalise_code(code_match.group(1))
    invitation = Invitation.objects.get()
    assert invitation.token_hash == credentials.credential_hash(token)
    assert invitation.short_code_hash == credentials.credential_hash(code)
    for row in Invitation.objects.values():
        for value in row.values():
            assert token not in str(value) and code not in str(value)
    for event in AuditEvent.objects.all():
        text = f"{event.action} {event.object_type} {event.object_id} {event.detail}"
        assert token not in text and code not in text
    assert all(token not in str(v) for v in client.session.values())
    # The page's address carries no token either: it is the POST's own URL.
    assert "/p/" not in reverse("staff:invitation_issue", kwargs={"episode_id": episode.id})


def test_revoking_stops_the_link(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    page = _issue(client, episode).content.decode()
    link_match = LINK_PATTERN.search(page)
    assert link_match
    invitation = Invitation.objects.get()

    response = client.post(
        reverse("staff:invitation_revoke", kwargs={"invitation_id": invitation.id})
    )
    detail = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert response.status_code == 302 and response["Location"] == detail
    after = client.get(detail).content.decode()
    assert "The Start (T1) link is revoked. It no longer works." in after
    assert "Revoked</strong>" in after
    assert AuditEvent.objects.filter(action="invitation.revoked", actor=clinician).exists()

    parent = Client()
    stopped = parent.get(link_match.group(1))
    assert stopped.status_code == 404
    assert "This link is not working" in stopped.content.decode()


def test_resend_gives_a_new_link_and_keeps_the_answers(
    client: Client, clinician: StaffUser, service: Service
) -> None:
    """Resending (a new link and QR code): the old link and code stop, the new ones reach the
    same response with the answers already given (LINK-3)."""
    from questionnaires.models import Answer
    from tests.questionnaires import factories

    issued, response = factories.invited_response(service, actor=clinician)
    responses.record_consent(response, True)
    measure = response.measures.get(instrument__code="prfq")
    responses.save_answer(measure, "1", "4")
    sign_in(client, clinician)
    page = client.post(f"/staff/invitations/{issued.invitation.pk}/resend")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and page["Referrer-Policy"] == "no-referrer"
    new_link = re.search(r"/p/([A-Za-z0-9_-]{40,})", html)
    assert new_link and new_link.group(1) != issued.token
    parent = Client()
    assert parent.get(f"/p/{issued.token}").status_code == 404
    assert parent.post("/start", {"code": issued.short_code}).status_code == 200  # not found
    entered = parent.get(f"/p/{new_link.group(1)}")
    assert entered.status_code == 302
    resumed = parent.get("/questionnaire/")
    # Back into the same response: consent is kept, so it resumes at the first unseen page.
    assert resumed.status_code == 302 and "/questionnaire/q/prfq-about/" in resumed["Location"]
    assert Answer.objects.get(measure=measure, item="1").value == "4"
    assert AuditEvent.objects.filter(action="invitation.resent").count() == 1


def test_sent_back_answers_cannot_be_resent(
    client: Client, clinician: StaffUser, service: Service
) -> None:
    from tests.questionnaires import factories

    issued, response = factories.invited_response(service, actor=clinician)
    responses.submit_response(response)
    sign_in(client, clinician)
    before = issued.invitation.token_hash
    reply = client.post(f"/staff/invitations/{issued.invitation.pk}/resend")
    assert reply.status_code == 302
    issued.invitation.refresh_from_db()
    assert issued.invitation.token_hash == before


def test_resend_is_scoped_to_the_service(
    client: Client, outsider: StaffUser, clinician: StaffUser, service: Service
) -> None:
    from tests.questionnaires import factories

    issued, _ = factories.invited_response(service, actor=clinician)
    sign_in(client, outsider)
    assert client.post(f"/staff/invitations/{issued.invitation.pk}/resend").status_code == 404
    assert client.get(f"/staff/invitations/{issued.invitation.pk}/resend").status_code in (
        403,
        404,
        405,
    )
