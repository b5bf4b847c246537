"""LOG-1: signing in, signing out, failed sign-ins and lockouts go into the audit trail.
Django's `user_logged_in`, `user_logged_out` and `user_login_failed` signals and django-axes's
`user_locked_out` are connected in the app's `ready()`. The request's hashed session and client
come from the audit context the web layer binds; only a keyed hash of a typed username is kept,
and never the password (LOG-2)."""

from __future__ import annotations

from typing import Any

from questionnaires.models import StaffUser
from questionnaires.selectors import audit_trail
from questionnaires.services import audit


def signed_in(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if isinstance(user, StaffUser):
        audit.record_signed_in(user)


def signed_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    # Django sends this for a visitor who was not signed in as well: nothing to record then.
    if isinstance(user, StaffUser):
        audit.record_signed_out(user)


def _typed_username(credentials: Any) -> str | None:
    username = credentials.get(StaffUser.USERNAME_FIELD) if isinstance(credentials, dict) else None
    return username if isinstance(username, str) and username else None


def sign_in_failed(sender: Any, credentials: Any = None, **kwargs: Any) -> None:
    username = _typed_username(credentials)
    audit.record_sign_in_failed(username, audit_trail.staff_account(username))


def locked_out(sender: Any, username: Any = None, **kwargs: Any) -> None:
    typed = username if isinstance(username, str) and username else None
    audit.record_locked_out(typed, audit_trail.staff_account(typed))


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(signed_in, dispatch_uid="audit_signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="audit_signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit_locked_out")
