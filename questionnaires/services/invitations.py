"""Personal links: issuing one for a timepoint of an episode, sending it again, revoking it, and
recording a parent's entry through it. Only keyed hashes of the token and code are stored
(LINK-1); the plain values exist once, in the returned `IssuedInvitation`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questionnaires import credentials
from questionnaires.models import Episode, Invitation, StaffUser, Timepoint
from questionnaires.services import audit
from questionnaires.services.families import plan_questionnaires


class LinkRevoked(Exception):
    """A revoked link cannot be sent again; the clinician issues a new one."""


@dataclass(frozen=True)
class IssuedInvitation:
    """The plain token and code exist only here, once, to show or send to the parent."""

    invitation: Invitation
    token: str
    short_code: str


def _expiry(valid_days: int | None) -> timedelta:
    return timedelta(days=valid_days if valid_days is not None else settings.INVITATION_VALID_DAYS)


@transaction.atomic
def issue_invitation(
    episode: Episode,
    timepoint: Timepoint | str,
    actor: StaffUser | None = None,
    codes: tuple[str, ...] | None = None,
    valid_days: int | None = None,
    available_from: date | None = None,
    language: str = "",
) -> IssuedInvitation:
    """`codes` narrows the plan's set (a group collection offers only some measures);
    `available_from` plans for that day rather than today (the postnatal baseline);
    `language` is the family's preferred language, the one the link opens in (I18N-2)."""
    plan = plan_questionnaires(
        episode.family, available_from or timezone.localdate(), episode.programme, timepoint
    )
    token, short_code = credentials.new_token(), credentials.new_code()
    invitation = Invitation.objects.create(
        episode=episode,
        timepoint=timepoint,
        instruments=list(
            plan.codes if codes is None else [code for code in plan.codes if code in codes]
        ),
        instrument_notes=list(plan.notes),
        stage=plan.stage,
        available_from=available_from,
        plan_version=plan.plan_version,
        token_hash=credentials.credential_hash(token),
        short_code_hash=credentials.credential_hash(short_code),
        expires_at=timezone.now() + _expiry(valid_days),
        created_by=actor,
        language=language,
    )
    audit.record("invitation.issued", actor, invitation, timepoint=str(timepoint))
    return IssuedInvitation(invitation, token, short_code)


@transaction.atomic
def resend_invitation(
    invitation: Invitation, actor: StaffUser | None = None, valid_days: int | None = None
) -> IssuedInvitation:
    """A new link and code for the same invitation (the parent lost theirs, or needs the QR
    again): the old ones stop working at once, and any answers already given stay with it,
    because only the plain token was lost — it was never stored."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise LinkRevoked("This link was revoked. Issue a new one.")
    token, short_code = credentials.new_token(), credentials.new_code()
    invitation.token_hash = credentials.credential_hash(token)
    invitation.short_code_hash = credentials.credential_hash(short_code)
    invitation.expires_at = timezone.now() + _expiry(valid_days)
    invitation.save(update_fields=["token_hash", "short_code_hash", "expires_at"])
    audit.record("invitation.resent", actor, invitation)
    return IssuedInvitation(invitation, token, short_code)


@transaction.atomic
def revoke_invitation(invitation: Invitation, actor: StaffUser | None = None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record("invitation.revoked", actor, invitation)


def record_entry(invitation: Invitation, how: str) -> None:
    """A parent came in with this link, code or return code (LOG-1: a hash prefix only)."""
    audit.record(
        "invitation.entered", None, invitation, how=how, hash_prefix=invitation.token_hash[:8]
    )
