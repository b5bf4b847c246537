"""AUTH-3: a second factor for every staff account: an authenticator app's time-based codes
(TOTP) and ten single-use recovery codes (django-otp). Codes cannot be replayed: a TOTP code
is accepted once, at a time step later than the last one accepted, and a recovery code is used
up; repeated failures are throttled."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from questionnaires.models import StaffUser
from questionnaires.services import audit

APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODE_COUNT = 10


@transaction.atomic
def start_enrolment(user: StaffUser) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (any earlier unconfirmed one is replaced):
    it counts only once the user has typed a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def _new_recovery_code() -> str:
    return "-".join(secrets.token_hex(2) for _ in range(3))  # e.g. 3f9a-0c21-77be


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, token: str) -> list[str] | None:
    """The user typed a code from the new authenticator: it becomes their second factor, and
    they get recovery codes (shown once; only django-otp's copy is kept). None if the code
    was wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name=RECOVERY_DEVICE)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    audit.record("mfa.enrolled", device.user, device.user)
    return codes


@transaction.atomic
def verify(user: StaffUser, token: str) -> Device | None:
    """The device that accepts this code (an authenticator code or a recovery code), once."""
    token = "".join(token.split()).lower()
    for device in (
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ):
        if device.verify_token(token):
            audit.record(
                "mfa.verified",
                user,
                user,
                method="recovery code" if isinstance(device, StaticDevice) else "app",
            )
            return device
    audit.record("mfa.failed", user, user)
    return None


def passkey_added(user: StaffUser) -> None:
    """django-otp-webauthn has stored a new passkey for the user (its own view writes the
    credential); the trail records that it happened."""
    audit.record("mfa.passkey_added", user, user)


def passkey_checked(user: StaffUser, accepted: bool) -> None:
    """django-otp-webauthn has checked a passkey at sign-in (its own view does the check)."""
    if accepted:
        audit.record("mfa.verified", user, user, method="passkey")
    else:
        audit.record("mfa.failed", user, user, method="passkey")


@transaction.atomic
def reset(user: StaffUser, actor: StaffUser | None) -> None:
    """Re-enrolment: an administrator removes the user's second factors (a lost phone), passkeys
    included; the user sets up a new authenticator at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    audit.record("mfa.reset", actor, user)


def demo_key(username: str) -> str:
    """Demo mode only: a fixed authenticator secret per demo account, printed by `make run`,
    so a newcomer can sign in as every role. Refused outside demo mode by the caller."""
    return hashlib.sha1(f"demo-totp:{username}".encode()).hexdigest()  # 20 bytes, hex


@transaction.atomic
def give_demo_authenticator(user: StaffUser) -> TOTPDevice:
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=APP_DEVICE, defaults={"key": demo_key(user.username), "confirmed": True}
    )
    return device
