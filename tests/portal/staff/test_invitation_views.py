"""Issue 4, item 2: the clinician registers a family, opens an episode and issues the parent's
personal link (journey 1). Access is AZ-2/AZ-3/AZ-4, audit LOG-1, credentials LINK-1/2/3."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials, qr
from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    Invitation,
    Programme,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from questionnaires.services import families, invitations, responses
from questionnaires.statuses import InvitationStatus, invitation_status
from questionnaires.summary.wording import baby_age
from tests.conftest import make_staff
from tests.questionnaires import factories

LINK_PATTERN = re.compile(r"https?://[^/\s\"<]+(/p/[A-Za-z0-9_-]+)")
CODE_PATTERN = re.compile(r'id="short-code">\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*<')


def _date_parts(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _family_data(**overrides: Any) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "label": "RV-0042",
        "parent_name": "Maryam",
        "relationship": "mother",
        **_date_parts("infant_dob", today - timedelta(days=200)),
        **_date_parts("due_date", None),
        "weeks_premature": "0",
        "programme": Programme.PSYCHOTHERAPY,
    }
    data.update(overrides)
    return data


def _episode(service: Service, actor: StaffUser | None = None, **kwargs: Any) -> Episode:
    family = factories.family(service, **kwargs)
    return families.open_episode(family, Programme.PSYCHOTHERAPY, timezone.localdate(), actor)


def _issue(client: Client, episode: Episode, timepoint: str = "T1") -> Any:
    return client.post(
        reverse("staff:invitation_issue", kwargs={"episode_id": episode.id}),
        {"timepoint": timepoint},
    )


# --- Registering a family ---------------------------------------------------------------------


def test_registering_a_family_opens_an_episode_in_the_same_step(
    client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    response = client.post(reverse("staff:family_new"), _family_data())

    family = Family.objects.get(label="RV-0042")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:family_detail", kwargs={"family_id": family.id})
    assert family.service == clinician.service
    assert family.parent_name == "Maryam"
    assert family.infant_dob == timezone.localdate() - timedelta(days=200)
    episode = family.episodes.get()
    assert episode.programme == Programme.PSYCHOTHERAPY
    assert episode.clinician == clinician
    assert episode.opened_on == timezone.localdate()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"family.registered", "episode.opened"} <= actions
    page = client.get(response["Location"]).content.decode()
    assert "Family RV-0042 is registered." in page


def test_a_family_with_a_due_date_is_not_born_yet(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    due = timezone.localdate() + timedelta(days=60)
    data = _family_data(**_date_parts("infant_dob", None), **_date_parts("due_date", due))
    assert client.post(reverse("staff:family_new"), data).status_code == 302
    family = Family.objects.get(label="RV-0042")
    assert (family.infant_dob, family.due_date) == (None, due)
    assert "Not born yet" in client.get(reverse("staff:families")).content.decode()


def test_the_service_comes_from_the_user_never_the_form(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    """AZ-4: a posted service (or any extra field) is ignored."""
    client.force_login(clinician)
    data = _family_data(service=str(other_service.id), service_id=str(other_service.id))
    client.post(reverse("staff:family_new"), data)
    assert Family.objects.get(label="RV-0042").service == clinician.service


@pytest.mark.parametrize("typed", ["RV-0042", "rv-0042", "  RV-0042 "])
def test_a_label_clash_is_a_plain_error(client: Client, clinician: StaffUser, typed: str) -> None:
    families.register_family(clinician.service, "RV-0042", "Ada", "mother", date(2026, 1, 1))
    client.force_login(clinician)
    response = client.post(reverse("staff:family_new"), _family_data(label=typed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A family in your service already has this label" in page
    assert "<title>Error: " in page
    assert Family.objects.count() == 1


def test_a_label_taken_at_the_same_moment_is_still_a_plain_error(
    client: Client, clinician: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form's check passes, then another clinician's save wins: the database constraint
    decides and the clinician sees the same plain message, never a 500."""
    families.register_family(clinician.service, "RV-0042", "Ada", "mother", date(2026, 1, 1))
    monkeypatch.setattr("portal.staff.family_forms.label_is_taken", lambda service, label: False)
    answers = iter([False, True])
    monkeypatch.setattr(families, "label_is_taken", lambda s, label: next(answers))
    client.force_login(clinician)
    response = client.post(reverse("staff:family_new"), _family_data())
    assert response.status_code == 200
    assert "A family in your service already has this label" in response.content.decode()
    assert Family.objects.count() == 1
    assert not Episode.objects.exists()


def test_the_same_label_is_fine_in_another_service(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    families.register_family(other_service, "RV-0042", "Ada", "mother", date(2026, 1, 1))
    client.force_login(clinician)
    assert client.post(reverse("staff:family_new"), _family_data()).status_code == 302


TODAY = date.today()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({}, "Enter the baby&#x27;s date of birth or due date"),
        (
            {"infant_dob": TODAY - timedelta(days=30), "due_date": TODAY + timedelta(days=30)},
            "Enter the baby&#x27;s date of birth or due date, not both",
        ),
        (
            {"infant_dob": TODAY + timedelta(days=3)},
            "Baby&#x27;s date of birth must be today or in the past",
        ),
        ({"due_date": TODAY - timedelta(days=3)}, "Due date must be today or in the future"),
        (
            {"infant_dob": TODAY - timedelta(days=6 * 365)},
            "Baby&#x27;s date of birth must be within the last 5 years",
        ),
        ({"due_date": TODAY + timedelta(days=400)}, "Due date must be within the next 10 months"),
    ],
)
def test_dates_are_checked(
    client: Client, clinician: StaffUser, dates: dict[str, date], message: str
) -> None:
    client.force_login(clinician)
    data = _family_data(
        **_date_parts("infant_dob", dates.get("infant_dob")),
        **_date_parts("due_date", dates.get("due_date")),
    )
    response = client.post(reverse("staff:family_new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "<title>Error: " in page
    # The error summary links to the day box of the date.
    assert 'href="#id_infant_dob"' in page or 'href="#id_due_date"' in page
    assert not Family.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2026"), "Baby&#x27;s date of birth must be a real date"),
        (("1", "", "2026"), "Baby&#x27;s date of birth must include a month"),
        (("", "", "2026"), "Baby&#x27;s date of birth must include a day and a month"),
        (("1", "two", "2026"), "Baby&#x27;s date of birth must be a real date"),
        (("1", "2", "26"), "Year must include 4 numbers"),
    ],
)
def test_a_date_must_be_real_and_whole(
    client: Client, clinician: StaffUser, parts: tuple[str, str, str], message: str
) -> None:
    client.force_login(clinician)
    day, month, year = parts
    data = _family_data(infant_dob_day=day, infant_dob_month=month, infant_dob_year=year)
    page = client.post(reverse("staff:family_new"), data).content.decode()
    assert message in page
    # What was typed is kept, so the clinician corrects rather than retypes.
    assert f'name="infant_dob_year" type="text" inputmode="numeric" value="{year}"' in page
    assert not Family.objects.exists()


@pytest.mark.parametrize("weeks", ["21", "-1", "two"])
def test_weeks_premature_is_a_whole_number_up_to_20(
    client: Client, clinician: StaffUser, weeks: str
) -> None:
    client.force_login(clinician)
    page = client.post(
        reverse("staff:family_new"), _family_data(weeks_premature=weeks)
    ).content.decode()
    assert "Enter weeks premature as a whole number from 0 to 20" in page
    assert not Family.objects.exists()


def test_an_unborn_baby_cannot_be_premature(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    data = _family_data(
        **_date_parts("infant_dob", None),
        **_date_parts("due_date", TODAY + timedelta(days=30)),
        weeks_premature="4",
    )
    page = client.post(reverse("staff:family_new"), data).content.decode()
    assert "Enter 0 weeks premature when the baby is not born yet" in page


def test_an_empty_form_shows_every_error_and_no_page_says_please(
    client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    page = client.post(reverse("staff:family_new"), {}).content.decode()
    for message in (
        "Enter a family label",
        "Enter the parent&#x27;s first name or nickname",
        "Select the parent&#x27;s relationship to the baby",
        "Enter the baby&#x27;s date of birth or due date",
        "Select the programme",
    ):
        assert message in page
    assert "please" not in page.lower()
    assert "invalid" not in page.lower()


# --- The families list ------------------------------------------------------------------------


def test_the_list_shows_only_the_users_service(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    mine = factories.family(clinician.service, parent_name="Maryam")
    unborn = factories.family(clinician.service, infant_age_days=None, parent_name="Jo")
    theirs = factories.family(other_service, parent_name="Zainab")
    families.open_episode(mine, Programme.TOGETHER_TIME, date(2026, 3, 3), clinician)
    client.force_login(clinician)
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
    client.force_login(clinician)
    for _ in range(5):
        _episode(clinician.service, clinician)
    with_five = _list_queries(client)
    for _ in range(25):
        _episode(clinician.service, clinician)
    assert _list_queries(client) == with_five


def test_the_list_pages_by_25(client: Client, clinician: StaffUser) -> None:
    for _ in range(30):
        factories.family(clinician.service)
    client.force_login(clinician)
    first = client.get(reverse("staff:families")).content.decode()
    second = client.get(reverse("staff:families") + "?page=2").content.decode()
    assert "Families 1 to 25 of 30" in first
    assert "Families 26 to 30 of 30" in second
    assert first.count("/staff/families/") - first.count("/staff/families/new") == 25
    assert 'rel="next"' in first and 'rel="prev"' in second


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.SERVICE_LEAD, Role.ADMIN])
def test_clinicians_leads_and_admins_may_use_the_pages(
    client: Client, service: Service, role: Role
) -> None:
    user = make_staff(service, f"user-{role.value}", role)
    episode = _episode(service)
    client.force_login(user)
    assert client.get(reverse("staff:families")).status_code == 200
    assert client.get(reverse("staff:family_new")).status_code == 200
    detail = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert client.get(detail).status_code == 200
    assert _issue(client, episode).status_code == 200


# --- Access: AZ-2, AZ-3 -----------------------------------------------------------------------


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
    episode = _episode(service)
    invitation = invitations.issue_invitation(episode, "T1").invitation
    for method, url in _all_urls(episode, invitation):
        response = getattr(client, method)(url, {"timepoint": "T1"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("staff:login")), url
    assert Invitation.objects.count() == 1


def test_a_facilitator_only_user_is_refused(client: Client, facilitator: StaffUser) -> None:
    """AZ-3: facilitators see group completion, never a family's record."""
    episode = _episode(facilitator.service)  # type: ignore[arg-type]
    invitation = invitations.issue_invitation(episode, "T1").invitation
    client.force_login(facilitator)
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
    episode = _episode(clinician.service, clinician)
    invitation = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    client.force_login(outsider)
    urls = _all_urls(episode, invitation)[3:]
    for method, url in urls:
        assert getattr(client, method)(url, {"timepoint": "T1"}).status_code == 404, url
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Invitation.objects.count() == 1
    assert episode.family.label not in client.get(reverse("staff:families")).content.decode()


def test_unknown_ids_are_not_found(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/staff/families/{unknown}").status_code == 404
    issue = client.post(f"/staff/episodes/{unknown}/invitations", {"timepoint": "T1"})
    assert issue.status_code == 404
    assert client.post(f"/staff/invitations/{unknown}/revoke").status_code == 404


def test_issuing_and_revoking_are_post_only(client: Client, clinician: StaffUser) -> None:
    """LINK-6: a GET changes nothing."""
    episode = _episode(clinician.service, clinician)
    invitation = invitations.issue_invitation(episode, "T1").invitation
    client.force_login(clinician)
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
    episode = _episode(clinician.service, clinician)
    client.force_login(clinician)
    assert _issue(client, episode, timepoint).status_code == 400
    assert not Invitation.objects.exists()


# --- Viewing a family: LOG-1 ------------------------------------------------------------------


def test_viewing_a_family_is_audited(client: Client, clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)
    client.force_login(clinician)
    client.get(reverse("staff:family_detail", kwargs={"family_id": episode.family_id}))
    event = AuditEvent.objects.get(action="family.viewed")
    assert event.actor == clinician
    assert event.object_id == str(episode.family_id)
    assert event.object_type == "questionnaires.Family"


def test_the_family_page_shows_episodes_and_link_statuses(
    client: Client, clinician: StaffUser
) -> None:
    episode = _episode(clinician.service, clinician)
    sent = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    revoked = invitations.issue_invitation(episode, "T1", actor=clinician).invitation
    invitations.revoke_invitation(revoked)
    client.force_login(clinician)
    page = client.get(
        reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    ).content.decode()
    assert "Parent–infant psychotherapy" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Sent</strong>' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Revoked</strong>' in page
    assert "PRFQ, MORS-SF, ASQ:SE-2" in page
    # Only the working link can be revoked.
    assert reverse("staff:invitation_revoke", kwargs={"invitation_id": sent.id}) in page
    assert reverse("staff:invitation_revoke", kwargs={"invitation_id": revoked.id}) not in page
    assert 'name="timepoint" value="T1"' in page and 'name="timepoint" value="T2"' in page


# --- Issuing a link: journey 1 ----------------------------------------------------------------


def test_issuing_shows_a_link_a_qr_code_and_a_code_that_all_work(
    client: Client, clinician: StaffUser
) -> None:
    episode = _episode(clinician.service, clinician, infant_age_days=200)
    client.force_login(clinician)
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
    episode = _episode(clinician.service, clinician, infant_age_days=None)
    client.force_login(clinician)
    page = _issue(client, episode, "T1").content.decode()
    assert "ASQ:SE-2 left out: the baby is not born yet." in page
    assert "<li>ASQ:SE-2</li>" not in page


def test_the_plain_token_and_code_are_stored_nowhere(client: Client, clinician: StaffUser) -> None:
    """LINK-1: only keyed hashes are kept; the token is in no column, audit entry or session."""
    episode = _episode(clinician.service, clinician)
    client.force_login(clinician)
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
    episode = _episode(clinician.service, clinician)
    client.force_login(clinician)
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


# --- Pieces ------------------------------------------------------------------------------------


def test_qr_is_an_inline_svg_of_the_url() -> None:
    first = qr.svg_for_url("https://portal.example.nhs.uk/p/aaaaaaaa")
    second = qr.svg_for_url("https://portal.example.nhs.uk/p/bbbbbbbb")
    assert first.startswith("<svg") and first.endswith("</svg>")
    assert "<path" in first and "<?xml" not in first
    assert 'role="img"' in first and "<title>QR code of the personal link</title>" in first
    assert first != second
    assert qr.svg_for_url("https://portal.example.nhs.uk/p/aaaaaaaa") == first


@pytest.mark.django_db
def test_link_statuses_follow_the_parent_and_the_link(service: Service) -> None:
    issued, response = factories.invited_response(service)
    invitation = Invitation.objects.select_related("response").get(pk=issued.invitation.pk)
    assert invitation_status(invitation) == InvitationStatus.OPENED

    responses.record_consent(response, True)
    invitation = Invitation.objects.select_related("response").get(pk=invitation.pk)
    assert invitation_status(invitation) == InvitationStatus.IN_PROGRESS
    later = invitation.expires_at + timedelta(seconds=1)
    assert invitation_status(invitation, now=later) == InvitationStatus.EXPIRED

    responses.submit_response(response)
    invitations.revoke_invitation(invitation)
    invitation = Invitation.objects.select_related("response").get(pk=invitation.pk)
    # Answers sent back stay "Sent back" whatever happens to the link afterwards.
    assert invitation_status(invitation, now=later) == InvitationStatus.SENT_BACK

    fresh = _episode(service)
    unopened = invitations.issue_invitation(fresh, "T2").invitation
    assert invitation_status(unopened) == InvitationStatus.SENT
    invitations.revoke_invitation(unopened)
    assert invitation_status(unopened) == InvitationStatus.REVOKED

    declined_issue, declined = factories.invited_response(service)
    responses.record_consent(declined, False)
    declined_invitation = Invitation.objects.get(pk=declined_issue.invitation.pk)
    assert invitation_status(declined_invitation) == InvitationStatus.DECLINED


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (None, "Not born yet"),
        (date(2026, 3, 10), "Not born yet"),
        (date(2026, 3, 9), "Born today"),
        (date(2026, 3, 8), "1 day"),
        (date(2026, 2, 20), "2 weeks"),
        (date(2026, 2, 9), "1 month"),
        (date(2025, 8, 1), "7 months"),
        (date(2024, 3, 9), "2 years"),
        (date(2023, 12, 1), "2 years 3 months"),
    ],
)
def test_baby_age_reads_as_a_clinician_says_it(dob: date | None, expected: str) -> None:
    family = Family(label="x", parent_name="x", relationship="mother", infant_dob=dob)
    assert baby_age(family, date(2026, 3, 9)) == expected


def test_resend_gives_a_new_link_and_keeps_the_answers(
    client: Client, clinician: StaffUser, service: Service
) -> None:
    """Issue 6 item 2 (resend, show QR): the old link and code stop, the new ones reach the
    same response with the answers already given (LINK-3)."""
    from questionnaires.models import Answer
    from tests.questionnaires import factories

    issued, response = factories.invited_response(service, actor=clinician)
    responses.record_consent(response, True)
    measure = response.measures.get(instrument__code="prfq")
    responses.save_answer(measure, "1", "4")
    client.force_login(clinician)
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
    client.force_login(clinician)
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
    client.force_login(outsider)
    assert client.post(f"/staff/invitations/{issued.invitation.pk}/resend").status_code == 404
    assert client.get(f"/staff/invitations/{issued.invitation.pk}/resend").status_code in (
        403,
        404,
        405,
    )
