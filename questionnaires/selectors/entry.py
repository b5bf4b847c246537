"""What a parent's credential leads to: a personal link's token or short code, a group's room
code, a group parent's return code, and the invitation a parent session holds. Unknown,
expired and revoked credentials all come back as None (LINK-3)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError

from questionnaires import scoring_adapter
from questionnaires.credentials import credential_hash, derived_code, normalise_code
from questionnaires.models import (
    GroupCollection,
    GroupParticipant,
    Invitation,
    Response,
    ResponseMeasure,
    ResponseStatus,
)
from questionnaires.statuses import collection_is_open, invitation_is_usable
from scoring.definitions import Definition


def usable_invitation_by_token(token: str) -> Invitation | None:
    found = Invitation.objects.filter(token_hash=credential_hash(token)).first()
    return found if found is not None and invitation_is_usable(found) else None


def usable_invitation_by_code(code: str) -> Invitation | None:
    found = Invitation.objects.filter(short_code_hash=credential_hash(code)).first()
    return found if found is not None and invitation_is_usable(found) else None


def open_collection_by_code(code: str) -> GroupCollection | None:
    found = (
        GroupCollection.objects.select_related("group__service")
        .filter(code_hash=credential_hash(normalise_code(code)))
        .first()
    )
    return found if found is not None and collection_is_open(found) else None


def participant_by_return_code(code: str) -> GroupParticipant | None:
    return (
        GroupParticipant.objects.select_related("group", "family", "episode")
        .filter(return_code_hash=credential_hash(normalise_code(code)))
        .first()
    )


def participant_by_id(participant_id: str) -> GroupParticipant | None:
    return GroupParticipant.objects.filter(pk=participant_id).first()


def return_code_of(participant: GroupParticipant) -> str:
    """The parent's return code, worked out again from its seed; empty for parents who joined
    before codes were derived (they were shown theirs once, when they joined)."""
    if not participant.return_code_seed:
        return ""
    return derived_code(participant.return_code_seed)


def collection_by_id(collection_id: str) -> GroupCollection | None:
    return GroupCollection.objects.select_related("group").filter(pk=collection_id).first()


def remembered_participant(
    participant_id: uuid.UUID, collection: GroupCollection
) -> GroupParticipant | None:
    """The parent a phone's device cookie names, if they are in this collection's group."""
    return (
        GroupParticipant.objects.select_related("family", "episode")
        .filter(pk=participant_id, group=collection.group)
        .first()
    )


def session_invitation(invitation_id: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("episode__family__service")
        .filter(pk=invitation_id)
        .first()
    )


def session_response(invitation_id: str) -> Response | None:
    # One query for the response and the invitation every question page checks. get() rather
    # than first(): the invitation is unique, and first() would add an ORDER BY (PERF-1).
    try:
        return Response.objects.select_related("invitation__episode__family__service").get(
            invitation_id=invitation_id
        )
    except (Response.DoesNotExist, ValueError, ValidationError):
        return None


def sent_response(response_id: str) -> Response | None:
    return (
        Response.objects.select_related("invitation__episode__family__service")
        .filter(pk=response_id, status=ResponseStatus.SUBMITTED)
        .first()
    )


def sent_measures(response: Response) -> list[tuple[ResponseMeasure, Definition]]:
    """A sent response's questionnaires with their answers and definitions, for the parent's
    own copy."""
    measures = response.measures.select_related("instrument").prefetch_related("answers")
    return [(measure, scoring_adapter.definition_of(measure.instrument)) for measure in measures]
