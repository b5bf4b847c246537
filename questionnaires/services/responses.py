"""A parent's answers: opening the response, consent, each answer as it is given, "About you",
and sending. Every answer is committed when the parent presses Continue (DATA-1); sending is
idempotent and scores in the same transaction (DATA-3/4/6)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from questionnaires.models import Answer, Invitation, Response, ResponseMeasure, ResponseStatus
from questionnaires.parent_steps import INFO_KINDS, QUESTION_KINDS, Kind, Step
from questionnaires.selectors.instruments import current_instrument, current_translation
from questionnaires.services import audit
from questionnaires.services.families import plan_questionnaires
from questionnaires.services.score_records import score_and_store

# Bump when the consent wording parents see changes; each consent records the version it saw.
CONSENT_WORDING_VERSION = "2026-11"


@transaction.atomic
def open_response(
    invitation: Invitation, language: str = "en", *, allow_unvalidated: bool = False
) -> Response:
    """The one response for this invitation, created on first entry with each questionnaire
    pinned to the definition version current now, in the parent's language where a version
    they may be shown exists (I18N-3), else in English."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Response.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    response = Response.objects.create(invitation=invitation, language=language)
    family = invitation.episode.family
    plan = plan_questionnaires(family, timezone.localdate())
    # A link made ahead of its day (a postnatal baseline planned for 6 weeks) and opened
    # before any ASQ:SE-2 age window fits leaves ASQ:SE-2 out rather than guess an interval.
    codes = [
        code
        for code in invitation.instruments
        if code != "asq_se2" or plan.asq_interval is not None
    ]
    for position, code in enumerate(codes):
        ResponseMeasure.objects.create(
            response=response,
            instrument=current_translation(code, language, allow_unvalidated=allow_unvalidated)
            or current_instrument(code),
            position=position,
            asq_interval=plan.asq_interval if code == "asq_se2" else None,
        )
    if invitation.first_opened_at is None:
        invitation.first_opened_at = timezone.now()
        invitation.save(update_fields=["first_opened_at"])
    audit.record("response.started", None, response)
    if invitation.notice_wording_version:
        # A group parent agreed to the privacy notice before joining: that is their consent,
        # so the questionnaire does not ask again.
        record_consent(response, True, wording_version=invitation.notice_wording_version)
    return response


@transaction.atomic
def set_language(response: Response, language: str, *, allow_unvalidated: bool = False) -> None:
    """The parent chose a language (I18N-2): remember it on the response, and ask each
    questionnaire not yet begun in that language's version where one may be shown, else in
    English. A questionnaire with an answer keeps its version, so every score uses the key of
    the one version it was answered in (I18N-3)."""
    response = _locked_in_progress(response)
    if response.language != language:
        response.language = language
        response.save(update_fields=["language", "updated_at"])
    changed = []
    for measure in response.measures.select_related("instrument").prefetch_related("answers"):
        if measure.answers.all():
            continue
        version = current_translation(
            measure.instrument.code, language, allow_unvalidated=allow_unvalidated
        ) or current_instrument(measure.instrument.code)
        if version.pk != measure.instrument_id:
            measure.instrument = version
            measure.save(update_fields=["instrument"])
            changed.append(measure.instrument.code)
    audit.record("response.language_chosen", None, response, language=language, changed=changed)


@transaction.atomic
def save_answer(
    measure: ResponseMeasure,
    item: str,
    value: str = "",
    concern: bool = False,
    text: str = "",
) -> Answer:
    """Save (or change) one answer. The caller has validated it against the definition; an
    empty value records a skipped question."""
    # Three statements (PERF-2): the conditional UPDATE both checks that the answers are not
    # sent and takes the response's row lock until commit (as select_for_update did, so a
    # concurrent send waits for it); the answer is one INSERT … ON CONFLICT UPDATE; the audit
    # event names the family the caller's response already carries (no look-up).
    response = measure.response
    now = timezone.now()
    still_open = Response.objects.filter(pk=response.pk, status=ResponseStatus.IN_PROGRESS).update(
        updated_at=now
    )
    if not still_open:
        raise AnswersLocked("These answers have been sent and can no longer be changed.")
    answer = Answer(
        measure=measure, item=item, value=value, concern=concern, text=text, answered_at=now
    )
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["measure", "item"],
        update_fields=["value", "concern", "text", "answered_at"],
    )
    response.updated_at = now
    audit.record("answer.saved", None, response, measure=measure.position, item=item)
    return answer


class AnswersLocked(Exception):
    """The response was already sent; nothing can change it."""


@transaction.atomic
def submit_response(response: Response) -> Response:
    """Send the answers: once only, whatever the number of taps, tabs or retries. The row lock
    serialises concurrent submits; the status check makes the later ones no-ops."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status == ResponseStatus.SUBMITTED:
        return locked
    if locked.status != ResponseStatus.IN_PROGRESS:
        raise AnswersLocked("These answers cannot be sent.")
    for measure in locked.measures.select_related("instrument").prefetch_related("answers"):
        score_and_store(measure)
    locked.status = ResponseStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record("response.submitted", None, locked)
    return locked


def _locked_in_progress(response: Response) -> Response:
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status != ResponseStatus.IN_PROGRESS:
        raise AnswersLocked("These answers have been sent and can no longer be changed.")
    return locked


@transaction.atomic
def mark_step_seen(response: Response, step: str) -> None:
    locked = _locked_in_progress(response)
    if step not in locked.seen_steps:
        locked.seen_steps = [*locked.seen_steps, step]
        locked.save(update_fields=["seen_steps", "updated_at"])
    response.seen_steps = locked.seen_steps


@transaction.atomic
def record_consent(
    response: Response, given: bool, wording_version: str = CONSENT_WORDING_VERSION
) -> None:
    """Consent (or its refusal) with the time and the wording version the parent saw."""
    locked = _locked_in_progress(response)
    locked.consent_given = given
    locked.consent_at = timezone.now()
    locked.consent_wording_version = wording_version
    if not given:
        locked.status = ResponseStatus.DECLINED
    locked.save(
        update_fields=[
            "consent_given",
            "consent_at",
            "consent_wording_version",
            "status",
            "updated_at",
        ]
    )
    for field in ("consent_given", "consent_at", "consent_wording_version", "status"):
        setattr(response, field, getattr(locked, field))
    audit.record("response.consent", None, locked, given=given, wording=wording_version)


@transaction.atomic
def save_about_you(response: Response, field: str, value: str) -> None:
    locked = _locked_in_progress(response)
    locked.about_you = {**locked.about_you, field: value}
    if field == "ethnic_group":
        # A new group makes the earlier background answer meaningless.
        locked.about_you.pop("ethnic_background", None)
    locked.save(update_fields=["about_you", "updated_at"])
    response.about_you = locked.about_you
    audit.record("response.about_you_saved", None, locked, field=field)


def save_step(response: Response, step: Step, cleaned: dict[str, Any]) -> Answer | None:
    """Write one step's validated data: the wizard's storage calls this for every Continue.
    Gives back the answer when the step was a question (nothing else changed), else None."""
    if step.kind in INFO_KINDS:
        mark_step_seen(response, step.name)
    elif step.kind == Kind.CONSENT:
        record_consent(response, cleaned["consent"] == "yes")
    elif step.kind in QUESTION_KINDS:
        assert step.measure is not None
        return save_answer(
            step.measure,
            step.answer_key,
            value=cleaned.get("answer") or "",
            concern=bool(cleaned.get("concern")),
            text=cleaned.get("text") or "",
        )
    elif step.kind == Kind.ABOUT:
        assert step.about is not None
        save_about_you(response, step.about.field, cleaned["answer"])
    return None
