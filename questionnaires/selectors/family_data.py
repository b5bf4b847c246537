"""Every row held about one family, in every table (SAR-1, SAR-2, SAR-3).

One concept in one place: subject access (`pdf/subject_access`, the JSON download) and erasure
(`services/erasure`) both start here, so a table added with a path to a family is added once,
here, and both follow. `tests/questionnaires/services/test_erasure.py` walks Django's model
registry and fails when a model with a foreign-key path to `Family` is not covered.

What belongs to a family: the family row; its episodes; their personal links (invitations),
responses, the questionnaires within them (response measures), answers and score records; LOAF
ratings; the group participant and the match reviews that came in on its own links; the
parent's contact details, the planned end (T2) date and the outbox's messages (issue 14). Match
reviews on *another* family's link that only proposed this family's participant are listed
separately (`proposed_reviews`): the nickname and baby's date in them were typed by whoever
came in by details, so they are another family's record and are not erased with this one
(erasure takes the proposal off them). Instrument versions are the questionnaires' wording,
shared by every family: listed so answers can be read, never erased. Audit events name the
family by id and are append-only (LOG-3); they are listed, and they stay."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from questionnaires.models import (
    Answer,
    AuditEvent,
    Contact,
    Episode,
    Family,
    GroupParticipant,
    InstrumentVersion,
    Invitation,
    LoafRating,
    MatchReview,
    OutboundMessage,
    Response,
    ResponseMeasure,
    ScoreRecord,
    T2Plan,
)


@dataclass(frozen=True)
class FamilyRows:
    """Querysets of one family's rows, one per table, leaves last to first in `erasable()`."""

    family: QuerySet[Family]
    episodes: QuerySet[Episode]
    invitations: QuerySet[Invitation]
    responses: QuerySet[Response]
    measures: QuerySet[ResponseMeasure]
    answers: QuerySet[Answer]
    scores: QuerySet[ScoreRecord]
    loaf_ratings: QuerySet[LoafRating]
    participants: QuerySet[GroupParticipant]
    match_reviews: QuerySet[MatchReview]
    proposed_reviews: QuerySet[MatchReview]
    instrument_versions: QuerySet[InstrumentVersion]
    audit_events: QuerySet[AuditEvent]
    messages: QuerySet[OutboundMessage]
    contacts: QuerySet[Contact]
    t2_plans: QuerySet[T2Plan]

    def erasable(self) -> list[tuple[str, QuerySet[Any]]]:
        """The family's own rows, in an order that deletes children before their parents, so
        no PROTECT or cascade decides what goes: each table's count is exact."""
        return [
            ("answers", self.answers),
            ("score_records", self.scores),
            ("response_measures", self.measures),
            ("match_reviews", self.match_reviews),
            ("responses", self.responses),
            ("messages", self.messages),
            ("invitations", self.invitations),
            ("loaf_ratings", self.loaf_ratings),
            ("group_participants", self.participants),
            ("contacts", self.contacts),
            ("t2_plans", self.t2_plans),
            ("episodes", self.episodes),
            ("families", self.family),
        ]


def family_rows(family_id: uuid.UUID) -> FamilyRows:
    """Querysets (not yet run) for every row about the family. Callers scope the family first
    (`selectors.scope.get_family_for`): this takes an id it trusts."""
    episode = Q(episode__family_id=family_id)
    invitation = Q(invitation__episode__family_id=family_id)
    response = Q(response__invitation__episode__family_id=family_id)
    measure = Q(measure__response__invitation__episode__family_id=family_id)
    measures = ResponseMeasure.objects.filter(response)
    return FamilyRows(
        family=Family.objects.filter(pk=family_id),
        episodes=Episode.objects.filter(family_id=family_id).order_by("opened_on", "id"),
        invitations=Invitation.objects.filter(episode).order_by("created_at", "id"),
        responses=Response.objects.filter(invitation).order_by("started_at", "id"),
        measures=measures.order_by("response__started_at", "response_id", "position"),
        answers=Answer.objects.filter(measure).order_by("measure_id", "item"),
        scores=ScoreRecord.objects.filter(measure).order_by("scored_at", "id"),
        loaf_ratings=LoafRating.objects.filter(episode).order_by("rated_on", "id"),
        participants=GroupParticipant.objects.filter(family_id=family_id),
        match_reviews=MatchReview.objects.filter(invitation).order_by("created_at", "id"),
        proposed_reviews=MatchReview.objects.filter(proposed__family_id=family_id)
        .exclude(invitation)
        .order_by("created_at", "id"),
        instrument_versions=InstrumentVersion.objects.filter(
            pk__in=measures.values("instrument_id")
        ).order_by("code", "version"),
        audit_events=AuditEvent.objects.filter(family_id=family_id)
        .select_related("actor")
        .order_by("at", "id"),
        messages=OutboundMessage.objects.filter(family_id=family_id).order_by("created_at", "id"),
        contacts=Contact.objects.filter(episode),
        t2_plans=T2Plan.objects.filter(episode),
    )


@dataclass(frozen=True)
class FamilyData:
    """The rows of `FamilyRows`, fetched, with what subject access shows beside each (group
    names, staff names, instrument versions) loaded in the same few queries."""

    family: Family
    episodes: list[Episode]
    invitations: list[Invitation]
    responses: list[Response]
    measures: list[ResponseMeasure]
    answers: list[Answer]
    scores: list[ScoreRecord]
    instrument_versions: list[InstrumentVersion]
    loaf_ratings: list[LoafRating]
    participants: list[GroupParticipant]
    match_reviews: list[MatchReview]
    proposed_reviews: list[MatchReview]
    audit_events: list[AuditEvent]
    contacts: list[Contact]
    t2_plans: list[T2Plan]
    messages: list[OutboundMessage]


def family_data(family_id: uuid.UUID) -> FamilyData:
    rows = family_rows(family_id)
    reviews = ("collection__group", "decided_by")
    return FamilyData(
        family=rows.family.select_related("service", "created_by").get(),
        episodes=list(rows.episodes.select_related("clinician")),
        invitations=list(rows.invitations.select_related("collection__group", "created_by")),
        responses=list(rows.responses),
        measures=list(rows.measures.select_related("instrument")),
        answers=list(rows.answers),
        scores=list(rows.scores),
        instrument_versions=list(rows.instrument_versions),
        loaf_ratings=list(rows.loaf_ratings.select_related("rater")),
        participants=list(rows.participants.select_related("group")),
        match_reviews=list(rows.match_reviews.select_related(*reviews)),
        proposed_reviews=list(rows.proposed_reviews.select_related(*reviews)),
        audit_events=list(rows.audit_events),
        contacts=list(rows.contacts.select_related("recorded_by")),
        t2_plans=list(rows.t2_plans),
        messages=list(rows.messages),
    )
