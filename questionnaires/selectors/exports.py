"""Reads for the national-return exports: a service's current scores of sent, confirmed answers
(AZ-2: scoped to the user's service)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from questionnaires.models import Response, ResponseStatus, ScoreRecord, StaffUser
from questionnaires.selectors.caseload import _sent_responses
from questionnaires.selectors.scope import families_for


@dataclass(frozen=True)
class ExportScores:
    scores: QuerySet[ScoreRecord]
    # Sent answers of the service's families still waiting for a facilitator to confirm whose
    # they are (LINK-8): left out, and counted so the file can say so.
    pending_match_left_out: int
    # Every sent, confirmed response of the service, newest first: where the parent's About-you
    # answers are read from.
    sent: QuerySet[Response]


def export_scores(user: StaffUser) -> ExportScores:
    families = families_for(user)
    # The same definition of "sent" as the caseload, so the two never disagree.
    sent = _sent_responses().filter(invitation__episode__family__in=families)
    scores = (
        ScoreRecord.objects.filter(is_current=True, measure__response__in=sent)
        .select_related("measure__instrument", "measure__response__invitation__episode__family")
        .order_by(
            "measure__response__invitation__episode__family__label",
            "measure__response__submitted_at",
            "measure__position",
        )
    )
    all_sent = Response.objects.filter(
        status=ResponseStatus.SUBMITTED, invitation__episode__family__in=families
    )
    left_out = all_sent.exclude(pk__in=sent.values("pk")).count()
    return ExportScores(
        scores=scores,
        pending_match_left_out=left_out,
        sent=sent.select_related("invitation__episode").order_by("-submitted_at"),
    )
