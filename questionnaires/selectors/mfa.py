"""A staff user's second factors."""

from __future__ import annotations

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from questionnaires.models import StaffUser


def has_second_factor(user: StaffUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkey_count(user: StaffUser) -> int:
    """Passkeys are added after the authenticator app, never instead of it (AUTH-3)."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).count()


def pending_authenticator(user: StaffUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def recovery_codes_left(user: StaffUser) -> int:
    return sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user))


def must_wait(user: StaffUser) -> bool:
    """django-otp slows guessing: after a wrong code, the authenticator refuses every code for
    a while, doubling each time. The page says so rather than "the code is not right"."""
    return any(not device.verify_is_allowed()[0] for device in TOTPDevice.objects.filter(user=user))
