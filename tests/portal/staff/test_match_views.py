"""The match queue: end answers shown beside the likely parent, confirmed, rejected, or linked to a
chosen parent of the same group."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    GroupCollection,
    Invitation,
    MatchReview,
    MatchStatus,
    ParentGroup,
    StaffUser,
    Timepoint,
)
from questionnaires.services import together_time

BABY = timezone.localdate() - timedelta(days=150)


def _url(name: str, group: ParentGroup, **kwargs: Any) -> str:
    return reverse(f"groups:{name}", kwargs={"group_id": group.pk, **kwargs})


def test_match_queue_shows_both_sides_and_confirming_links(
    fran: Client, group: ParentGroup, review: MatchReview, facilitator: StaffUser
) -> None:
    detail = fran.get(_url("detail", group)).content.decode()
    assert "1 set of end answers needs you" in detail
    page = fran.get(_url("matches", group)).content.decode()
    assert "Maryam" in page and BABY.strftime("%B %Y") in page
    assert "Typed at the end" in page and "Maryam's record" in page
    assert "Yes, this is the same parent: link these answers to Maryam" in page
    assert "Not this parent: keep these answers on a separate record for now" in page
    response = fran.post(_url("match_confirm", group, review_id=review.pk))
    assert response.status_code == 302 and response["Location"] == _url("matches", group)
    review.refresh_from_db()
    assert review.status == MatchStatus.CONFIRMED and review.decided_by == facilitator
    assert "There are no end answers to match." in fran.get(_url("matches", group)).content.decode()
    # Decided is decided: a second press changes nothing.
    fran.post(_url("match_reject", group, review_id=review.pk))
    review.refresh_from_db()
    assert review.status == MatchStatus.CONFIRMED


def test_not_this_parent_unlinks_the_answers(
    fran: Client, group: ParentGroup, review: MatchReview
) -> None:
    participant = review.proposed
    assert participant is not None
    fran.post(_url("match_reject", group, review_id=review.pk))
    review.refresh_from_db()
    assert review.status == MatchStatus.REJECTED
    assert review.invitation.episode != participant.episode


def test_an_unmatched_answer_is_linked_to_the_chosen_parent(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    maryam = together_time.join_start(start, "Maryam", "mother", BABY).participant
    zofia = together_time.join_start(start, "Zofia", "mother", BABY).participant
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_for_end(end, zofia)  # Zofia came back on her own phone: already linked
    invitation = together_time.return_by_details(end, "Mariam", "mother", BABY)  # spelt differently
    review = invitation.match_review
    assert review.status == MatchStatus.UNMATCHED

    page = fran.get(_url("matches", group)).content.decode()
    field = f"{review.pk}-participant"
    assert f'name="{field}" type="radio" value="{maryam.pk}"' in page
    assert f'value="{zofia.pk}"' not in page  # only parents without end answers yet
    assert f"Maryam, baby born {BABY.day} {BABY:%B %Y}" in page

    # Nothing chosen: the page says what to do and nothing changes.
    response = fran.post(_url("match_confirm", group, review_id=review.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Select the parent these end answers belong to" in page
    assert f'href="#id_{field}_0"' in page

    # Someone from another group cannot be chosen.
    other = together_time.create_group(group.service, "Other", date(2026, 4, 1), 8)
    stranger = together_time.join_start(
        together_time.open_collection(other, Timepoint.T1), "Mo", "mother", BABY
    )
    fran.post(_url("match_confirm", group, review_id=review.pk), {field: stranger.participant.pk})
    review.refresh_from_db()
    assert review.status == MatchStatus.UNMATCHED

    fran.post(_url("match_confirm", group, review_id=review.pk), {field: maryam.pk})
    review.refresh_from_db()
    invitation.refresh_from_db()
    assert review.status == MatchStatus.CONFIRMED and review.proposed == maryam
    assert invitation.episode == maryam.episode
    assert Invitation.objects.filter(episode=maryam.episode, timepoint="T2").count() == 1


def test_the_match_queue_makes_the_same_queries_for_1_and_12_reviews(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    """PERF-2: the queue's queries do not grow with the number of answers waiting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    end = together_time.open_collection(group, Timepoint.T2)

    def waiting(names: list[str]) -> tuple[int, str]:
        for name in names:
            together_time.join_start(start, name, "mother", BABY)
            together_time.return_by_details(end, name, "mother", BABY)
        fran.get(_url("matches", group))
        with CaptureQueriesContext(connection) as queries:
            page = fran.get(_url("matches", group)).content.decode()
        return len(queries), page

    one, page = waiting(["Maryam"])
    assert page.count("Yes, this is the same parent") == 1
    twelve, page = waiting([f"Parent {n}" for n in range(11)])
    assert page.count("Yes, this is the same parent") == 12
    assert one == twelve
