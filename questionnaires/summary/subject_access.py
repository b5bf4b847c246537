"""Subject access (SAR-1, SAR-2): everything held about one family as one document, the same
for the JSON download and the PDF. Built from `selectors.family_data` rows only, so it holds no
other family's data. Left out on purpose: keyed hashes of link tokens, short codes and return
codes, the return code's seed, and the audit trail's session and client hashes — credentials
and security values, not information about the family."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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
    StaffUser,
    T2Plan,
)
from questionnaires.questions import questions_asked
from questionnaires.scoring_adapter import definition_of
from questionnaires.selectors.family_data import FamilyData
from questionnaires.summary.measures import answer_words
from questionnaires.summary.wording import YES_NO, local_datetime

Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    records: list[Record]


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _id(value: object) -> str | None:
    return str(value) if value is not None else None


def _staff(user: StaffUser | None) -> str | None:
    return user.display_name if user is not None else None


def _family(family: Family) -> Record:
    return {
        "id": str(family.pk),
        "service": family.service.name,
        "label": family.label,
        "parent_name": family.parent_name,
        "relationship": family.get_relationship_display(),
        "infant_dob": _when(family.infant_dob),
        "due_date": _when(family.due_date),
        "weeks_premature": family.weeks_premature,
        "registered_at": _when(family.created_at),
        "registered_by": _staff(family.created_by),
    }


def _episode(episode: Episode) -> Record:
    return {
        "id": str(episode.pk),
        "programme": episode.get_programme_display(),
        "clinician": _staff(episode.clinician),
        "opened_on": _when(episode.opened_on),
        "closed_on": _when(episode.closed_on),
        "baseline_response_id": _id(episode.baseline_response_id),
    }


def _invitation(invitation: Invitation) -> Record:
    collection = invitation.collection
    return {
        "id": str(invitation.pk),
        "episode_id": str(invitation.episode_id),
        "timepoint": invitation.get_timepoint_display(),
        "questionnaires": list(invitation.instruments),
        "questionnaire_notes": list(invitation.instrument_notes),
        "stage": invitation.get_stage_display() if invitation.stage else None,
        "asked_from": _when(invitation.available_from),
        "questionnaire_plan_version": invitation.plan_version or None,
        "group": collection.group.name if collection else None,
        "privacy_notice_agreed_at": _when(invitation.notice_agreed_at),
        "privacy_notice_wording_version": invitation.notice_wording_version or None,
        "created_at": _when(invitation.created_at),
        "created_by": _staff(invitation.created_by),
        "expires_at": _when(invitation.expires_at),
        "first_opened_at": _when(invitation.first_opened_at),
        "revoked_at": _when(invitation.revoked_at),
    }


def _response(response: Response) -> Record:
    return {
        "id": str(response.pk),
        "invitation_id": _id(response.invitation_id),
        "status": response.get_status_display(),
        "consent_given": response.consent_given,
        "consent_at": _when(response.consent_at),
        "consent_wording_version": response.consent_wording_version or None,
        "started_at": _when(response.started_at),
        "updated_at": _when(response.updated_at),
        "sent_at": _when(response.submitted_at),
        "about_you": dict(response.about_you),
        "current_step": response.current_step or None,
        "information_pages_read": list(response.seen_steps),
    }


def _measure(measure: ResponseMeasure) -> Record:
    return {
        "id": measure.pk,
        "response_id": str(measure.response_id),
        "questionnaire": measure.instrument.name,
        "instrument_version_id": measure.instrument_id,
        "order_asked": measure.position + 1,
        "asq_interval_months": measure.asq_interval,
    }


def _questions(measure: ResponseMeasure) -> dict[str, str]:
    """Item number or overall-question id → the wording the parent was shown."""
    asked = questions_asked(definition_of(measure.instrument), measure.asq_interval)
    texts = {str(item.number): item.text for item in asked.items}
    texts |= {question.id: question.text for question in asked.overall}
    return texts


def _answer_order(answer: Answer, measures: dict[int, ResponseMeasure]) -> tuple[int, int, str]:
    """Questionnaires in the order asked, items by number (1, 2, … 10), overall questions last."""
    position = list(measures).index(answer.measure_id)
    number = int(answer.item) if answer.item.isdigit() else 10_000
    return position, number, answer.item


def _answers(answers: Iterable[Answer], measures: dict[int, ResponseMeasure]) -> list[Record]:
    texts: dict[int, dict[str, str]] = {}
    records = []
    for answer in sorted(answers, key=lambda a: _answer_order(a, measures)):
        measure = measures[answer.measure_id]
        if measure.pk not in texts:
            texts[measure.pk] = _questions(measure)
        definition = definition_of(measure.instrument)
        is_item = answer.item.isdigit()
        chosen = answer_words(definition, answer.value) if is_item else YES_NO.get(answer.value)
        records.append(
            {
                "id": answer.pk,
                "response_measure_id": measure.pk,
                "questionnaire": measure.instrument.name,
                "item": answer.item,
                "question": texts[measure.pk].get(answer.item, ""),
                "value": answer.value or None,
                "answer": (chosen or answer.value)
                if answer.value
                else ("—" if answer.text else "Not answered"),
                "worry_ticked": answer.concern,
                "written_answer": answer.text or None,
                "answered_at": _when(answer.answered_at),
            }
        )
    return records


def _score(score: ScoreRecord, measures: dict[int, ResponseMeasure]) -> Record:
    measure = measures[score.measure_id]
    result = dict(score.result)
    return {
        "id": score.pk,
        "response_measure_id": measure.pk,
        "questionnaire": measure.instrument.name,
        "instrument_version": f"{measure.instrument.code} {measure.instrument.version}",
        "definition_version": score.definition_version,
        "scoring_version": score.scoring_version,
        "current": score.is_current,
        "scored_at": _when(score.scored_at),
        "subscales": result.get("subscales"),
        "total": result.get("total"),
        "zone": result.get("zone"),
        "missing_items": result.get("missing"),
        "not_scored_reason": result.get("not_scored_reason"),
        "flags": list(score.flags),
    }


def _instrument(version: InstrumentVersion) -> Record:
    return {
        "id": version.pk,
        "code": version.code,
        "version": version.version,
        "name": version.name,
        "demo_wording": version.is_demo,
        "imported_at": _when(version.imported_at),
    }


def _loaf(rating: LoafRating) -> Record:
    return {
        "id": str(rating.pk),
        "episode_id": str(rating.episode_id),
        "timepoint": rating.get_timepoint_display(),
        "part": rating.get_part_display(),
        "caregiver": rating.caregiver or None,
        "level": rating.level,
        "rated_on": _when(rating.rated_on),
        "rater": _staff(rating.rater),
    }


def _participant(participant: GroupParticipant) -> Record:
    return {
        "id": str(participant.pk),
        "group": participant.group.name,
        "nickname": participant.nickname,
        "joined_at": _when(participant.joined_at),
    }


def _review(review: MatchReview, own: bool) -> Record:
    """A review on this family's own link in full; one on another family's link that only
    proposed this parent, without what that person typed or their link."""
    record: Record = {
        "id": str(review.pk),
        "group": review.collection.group.name,
        "status": review.get_status_display(),
        "created_at": _when(review.created_at),
        "decided_at": _when(review.decided_at),
        "decided_by": _staff(review.decided_by),
    }
    if own:
        record |= {
            "invitation_id": str(review.invitation_id),
            "nickname_given": review.nickname,
            "baby_date_given": _when(review.infant_dob),
            "proposed_participant_id": _id(review.proposed_id),
        }
    else:
        record["proposed_this_family"] = True
    return record


def _audit(event: AuditEvent) -> Record:
    return {
        "id": str(event.pk),
        "at": _when(event.at),
        "action": event.action,
        "by": _staff(event.actor) or "Parent or system",
        "record_type": event.object_type or None,
        "record_id": event.object_id or None,
        "detail": dict(event.detail),
    }


def _contact(contact: Contact) -> Record:
    return {
        "episode_id": str(contact.episode_id),
        "mobile": contact.mobile or None,
        "email": contact.email or None,
        "choice": contact.get_channel_display(),
        "choice_recorded_at": _when(contact.consent_at),
        "recorded_by": _staff(contact.recorded_by),
    }


def _t2_plan(plan: T2Plan) -> Record:
    return {"episode_id": str(plan.episode_id), "planned_on": _when(plan.planned_on)}


def _message(message: OutboundMessage) -> Record:
    return {
        "id": str(message.pk),
        "kind": message.get_kind_display(),
        "channel": message.get_channel_display() if message.channel else None,
        "state": message.get_state_display(),
        "delivery_status": message.delivery_status or None,
        "due_at": _when(message.due_at),
        "sent_at": _when(message.sent_at),
        "invitation_id": _id(message.invitation_id),
    }


SECTIONS: tuple[tuple[str, str], ...] = (
    ("family", "Family details"),
    ("episodes", "Episodes of care"),
    ("group_participants", "Together Time group"),
    ("invitations", "Personal links and group joins"),
    ("responses", "Questionnaire responses and consent"),
    ("response_measures", "Questionnaires asked"),
    ("answers", "Answers"),
    ("score_records", "Scores"),
    ("instrument_versions", "Questionnaire versions used"),
    ("loaf_ratings", "LOAF ratings"),
    ("match_reviews", "Group answers matched by nickname and baby's date"),
    ("proposed_match_reviews", "Other answers proposed as this parent's"),
    ("contacts", "Contact details and the parent's choice of text or email"),
    ("t2_plans", "Planned end (T2) dates"),
    ("messages", "Texts and emails sent or planned"),
    ("audit_events", "Audit trail: who saw or changed this record"),
)


def subject_access_sections(data: FamilyData) -> list[Section]:
    by_id = {measure.pk: measure for measure in data.measures}
    records: dict[str, list[Record]] = {
        "family": [_family(data.family)],
        "episodes": [_episode(e) for e in data.episodes],
        "group_participants": [_participant(p) for p in data.participants],
        "invitations": [_invitation(i) for i in data.invitations],
        "responses": [_response(r) for r in data.responses],
        "response_measures": [_measure(m) for m in data.measures],
        "answers": _answers(data.answers, by_id),
        "score_records": [_score(s, by_id) for s in data.scores],
        "instrument_versions": [_instrument(v) for v in data.instrument_versions],
        "loaf_ratings": [_loaf(r) for r in data.loaf_ratings],
        "match_reviews": [_review(r, own=True) for r in data.match_reviews],
        "proposed_match_reviews": [_review(r, own=False) for r in data.proposed_reviews],
        "audit_events": [_audit(e) for e in data.audit_events],
        "contacts": [_contact(c) for c in data.contacts],
        "t2_plans": [_t2_plan(p) for p in data.t2_plans],
        "messages": [_message(m) for m in data.messages],
    }
    return [Section(key, title, records[key]) for key, title in SECTIONS]


def subject_access_document(
    sections: list[Section], made_by: str, made_at: datetime
) -> dict[str, Any]:
    """The JSON download: what it is, when and by whom it was made, then every section."""
    return {
        "about": {
            "what": "Everything this service holds about one family (UK GDPR right of access).",
            "made_at": made_at.isoformat(),
            "made_at_uk_time": local_datetime(made_at),
            "made_by": made_by,
            "left_out": "Keyed hashes of link tokens, codes and sessions: security values, "
            "not information about the family.",
        },
        **{section.key: section.records for section in sections},
    }
