"""The facilitator's pages at a glance: the projector shows only what the room needs, opening
start and end together is a decision, the poster says how long its code works, the match queue
puts both parents' details side by side, and a shared tablet says how to hand it on."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from questionnaires.models import GroupCollection, MatchReview, ParentGroup, Timepoint
from questionnaires.services import responses
from tests.portal.security.test_group_attacks import _response_of, join

BABY = timezone.localdate() - timedelta(days=150)


def _url(name: str, group: ParentGroup, **kwargs: Any) -> str:
    return reverse(f"groups:{name}", kwargs={"group_id": group.pk, **kwargs})


def test_the_room_page_is_a_kiosk_with_no_staff_navigation(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    page = fran.get(_url("room", group, collection_id=start.pk)).content.decode()
    assert " ".join(start.code) in page and 'aria-label="QR code to join the group"' in page
    assert "Scan the square code with your phone's camera." in page
    for staff_only in ("Staff menu", "Staff home", ">Groups<", "Sign out", "Staff sign in"):
        assert staff_only not in page, staff_only
    assert "nhsuk-footer" not in page and "nhsuk-header" not in page
    # The facilitator still has a way back (shown when focused, like a skip link).
    assert f'href="{_url("detail", group)}"' in page
    # The room knows how long the code lasts, as the poster does.
    until = timezone.localtime(start.expires_at)
    assert f"This code works until {until:%H:%M} on {until.day} {until:%B}." in page


def test_opening_the_end_while_the_start_is_open_asks_first(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    asked = fran.post(_url("open", group), {"timepoint": "T2"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Start (T1) collection is still open" in page
    assert "Open end (T2) as well" in page and 'name="both" value="yes"' in page
    assert not GroupCollection.objects.filter(group=group, timepoint=Timepoint.T2).exists()

    opened = fran.post(_url("open", group), {"timepoint": "T2", "both": "yes"})
    assert opened.status_code == 302
    end = GroupCollection.objects.get(group=group, timepoint=Timepoint.T2)
    banner = fran.get(_url("detail", group)).content.decode()
    assert "End (T2) collection is open." in banner and "end (t2)" not in banner
    assert " ".join(end.code) in banner
    start.refresh_from_db()
    assert start.closed_at is None  # the start stayed open: both are, as the facilitator chose

    fran.post(_url("close", group, collection_id=end.pk))
    assert "End (T2) collection is closed." in fran.get(_url("detail", group)).content.decode()


def test_opening_with_nothing_else_open_needs_no_question(fran: Client, group: ParentGroup) -> None:
    response = fran.post(_url("open", group), {"timepoint": "T1"})
    assert response.status_code == 302
    assert "Start (T1) collection is open." in fran.get(_url("detail", group)).content.decode()


def test_the_poster_says_when_its_code_stops_and_how_long_the_questions_take(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    tomorrow = timezone.localtime() + timedelta(days=1)
    start.expires_at = tomorrow.replace(hour=23, minute=59, second=0, microsecond=0)
    start.save(update_fields=["expires_at"])
    pdf = fran.get(_url("poster", group, collection_id=start.pk)).content
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"This code works until 23:59 on {tomorrow.day} {tomorrow:%B}." in text
    assert "They take about 20 minutes." in text


def test_the_match_queue_puts_both_parents_side_by_side(
    fran: Client, group: ParentGroup, review: MatchReview
) -> None:
    # A soft hyphen marks where "Relationship" may break on a 320 px phone.
    page = fran.get(_url("matches", group)).content.decode().replace("&shy;", "")
    assert "Typed at the end" in page and "Maryam's record" in page
    assert "Relationship to baby" in page and page.count("Mother") >= 2
    assert page.count(f"Baby born {BABY:%-d %B %Y}") == 2
    assert "Yes, this is the same parent: link these answers to Maryam's record" in page
    assert "Not this parent: keep these answers on a separate record for now" in page


def test_a_shared_tablet_says_how_to_hand_it_on(start: GroupCollection) -> None:
    tablet = Client()
    join(tablet, start.code, "Sam", shared="1")
    sams = _response_of(tablet)
    responses.record_consent(sams, True)
    responses.submit_response(sams)
    sent = tablet.get(reverse("parents:sent")).content.decode()
    assert "Handing the tablet to the next parent" in sent
    assert "Write down your return code" in sent
    assert "give it back to the group leader" in sent
    assert "Start for the next parent" in sent


def test_a_parents_own_phone_gets_no_hand_over_steps(start: GroupCollection) -> None:
    phone = Client()
    join(phone, start.code, "Sam")
    sams = _response_of(phone)
    responses.record_consent(sams, True)
    responses.submit_response(sams)
    sent = phone.get(reverse("parents:sent")).content.decode()
    assert "Your answers have been sent" in sent
    assert "Handing the tablet" not in sent
