"""Personal links and the answers given through them. Every answer is committed when the parent
presses Continue (DATA-1); sending is idempotent and scores in the same transaction (DATA-3/4/6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questionnaires import audit, links
from questionnaires.models import (
    Answer,
    Episode,
    Invitation,
    Response,
    ResponseMeasure,
    ResponseStatus,
    StaffUser,
    Timepoint,
)
from questionnaires.services.families import plan_questionnaires
from questionnaires.services.instruments import current_instrument
from questionnaires.services.scores import score_and_store

# Bump when the consent wording parents see changes; each consent records the version it saw.
CONSENT_WORDING_VERSION = "2026-11"


@dataclass(frozen=True)
class IssuedInvitation:
    """The plain token and code exist only here, once, to show or send to the parent."""

    invitation: Invitation
    token: str
    short_code: str


@transaction.atomic
def issue_invitation(
    episode: Episode,
    timepoint: Timepoint | str,
    actor: StaffUser | None = None,
    codes: tuple[str, ...] | None = None,
    valid_days: int | None = None,
) -> IssuedInvitation:
    plan = plan_questionnaires(episode.family, timezone.localdate())
    token, short_code = links.new_token(), links.new_code()
    invitation = Invitation.objects.create(
        episode=episode,
        timepoint=timepoint,
        instruments=list(codes if codes is not None else plan.codes),
        instrument_notes=list(plan.notes),
        token_hash=links.credential_hash(token),
        short_code_hash=links.credential_hash(short_code),
        expires_at=timezone.now()
        + timedelta(days=valid_days if valid_days is not None else settings.INVITATION_VALID_DAYS),
        created_by=actor,
    )
    audit.record("invitation.issued", actor, invitation, timepoint=str(timepoint))
    return IssuedInvitation(invitation, token, short_code)


def invitation_is_usable(invitation: Invitation) -> bool:
    return invitation.revoked_at is None and invitation.expires_at > timezone.now()


@transaction.atomic
def revoke_invitation(invitation: Invitation, actor: StaffUser | None = None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record("invitation.revoked", actor, invitation)


@transaction.atomic
def open_response(invitation: Invitation) -> Response:
    """The one response for this invitation, created on first entry with each questionnaire
    pinned to the definition version current now."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Response.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    response = Response.objects.create(invitation=invitation)
    family = invitation.episode.family
    plan = plan_questionnaires(family, timezone.localdate())
    for position, code in enumerate(invitation.instruments):
        ResponseMeasure.objects.create(
            response=response,
            instrument=current_instrument(code),
            position=position,
            asq_interval=plan.asq_interval if code == "asq_se2" else None,
        )
    if invitation.first_opened_at is None:
        invitation.first_opened_at = timezone.now()
        invitation.save(update_fields=["first_opened_at"])
    audit.record("response.started", None, response)
    return response


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
    response = _locked_in_progress(measure.response)
    answer, _ = Answer.objects.update_or_create(
        measure=measure, item=item, defaults={"value": value, "concern": concern, "text": text}
    )
    response.save(update_fields=["updated_at"])
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
def record_consent(response: Response, given: bool) -> None:
    """Consent (or its refusal) with the time and the wording version the parent saw."""
    locked = _locked_in_progress(response)
    locked.consent_given = given
    locked.consent_at = timezone.now()
    locked.consent_wording_version = CONSENT_WORDING_VERSION
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
    audit.record("response.consent", None, locked, given=given, wording=CONSENT_WORDING_VERSION)


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


@transaction.atomic
def resend_invitation(
    invitation: Invitation, actor: StaffUser | None = None, valid_days: int | None = None
) -> IssuedInvitation:
    """A new link and code for the same invitation (the parent lost theirs, or needs the QR
    again): the old ones stop working at once, and any answers already given stay with it,
    because only the plain token was lost — it was never stored."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise AnswersLocked("This link was revoked. Issue a new one.")
    token, short_code = links.new_token(), links.new_code()
    invitation.token_hash = links.credential_hash(token)
    invitation.short_code_hash = links.credential_hash(short_code)
    invitation.expires_at = timezone.now() + timedelta(
        days=valid_days if valid_days is not None else settings.INVITATION_VALID_DAYS
    )
    invitation.save(update_fields=["token_hash", "short_code_hash", "expires_at"])
    audit.record("invitation.resent", actor, invitation)
    return IssuedInvitation(invitation, token, short_code)
