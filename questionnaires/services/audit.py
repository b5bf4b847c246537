"""LOG-1 and LOG-3: one function writes audit events, so every writer records the same shape:
who (the member of staff, if any), when, which service, which record (and the family it belongs
to), and keyed hashes of the request's session and client. Reads that must be audited (a
record viewed, a list of families shown, a PDF or an export downloaded) go through the helpers
below, the only audit calls views make: a view never writes an audit row itself.

The domain does not know the web layer, so the request's identifiers reach `record()` through a
context variable that the web layer's middleware (`portal.security.audit_context`) binds around
each request. Never stored: the session key, the client address, a username typed at sign-in, a
password, answers, free text or contact details (LOG-2)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone

from questionnaires.credentials import credential_hash
from questionnaires.models import AuditEvent, Family, ParentGroup, Service, StaffUser

# --- The request an event comes from ----------------------------------------------------------


@dataclass(frozen=True)
class RequestIdentity:
    """The current request as the trail records it. The client address is hashed when the
    request starts. The session key is read, and hashed, when an event is written, because
    signing in and out replace the session key part-way through a request; the raw key is
    never kept here."""

    client_hash: str
    session_key: Callable[[], str | None]

    def session_hash(self) -> str:
        return hash_session(self.session_key())


_current_request: ContextVar[RequestIdentity | None] = ContextVar(
    "audit_current_request", default=None
)


def hash_session(session_key: str | None) -> str:
    return credential_hash(f"audit-session:{session_key}") if session_key else ""


def hash_client(address: str | None) -> str:
    return credential_hash(f"audit-client:{address}") if address else ""


def hash_username(username: str | None) -> str:
    """A username typed at sign-in, which may be a password typed into the wrong box: only its
    keyed hash is kept, enough to see repeated attempts at one name."""
    return credential_hash(f"audit-username:{username}") if username else ""


def bind_request(
    client_address: str | None, session_key: Callable[[], str | None]
) -> Token[RequestIdentity | None]:
    """Called by the web layer as a request starts; `unbind_request` with the token as it ends."""
    return _current_request.set(RequestIdentity(hash_client(client_address), session_key))


def unbind_request(token: Token[RequestIdentity | None]) -> None:
    _current_request.reset(token)


def current_request() -> RequestIdentity | None:
    return _current_request.get()


# --- Which service and family an event is about -----------------------------------------------

# The foreign keys from each audited model to the family it belongs to, and from there (or
# directly) to its service. Walked on what is already loaded; otherwise one query along the
# same path.
_FAMILY_PATHS: dict[str, tuple[str, ...]] = {
    "questionnaires.Family": (),
    "questionnaires.Episode": ("family",),
    "questionnaires.Invitation": ("episode", "family"),
    "questionnaires.Response": ("invitation", "episode", "family"),
    "questionnaires.LoafRating": ("episode", "family"),
    "questionnaires.GroupParticipant": ("family",),
    "questionnaires.MatchReview": ("invitation", "episode", "family"),
}
_SERVICE_PATHS: dict[str, tuple[str, ...]] = {
    "questionnaires.ParentGroup": (),
    "questionnaires.GroupCollection": ("group",),
    "questionnaires.StaffUser": (),
}


def _walk_loaded(obj: models.Model, path: tuple[str, ...]) -> models.Model | None:
    """The object at the end of the path, if every step is already loaded; else None."""
    current = obj
    for name in path:
        if name not in current._state.fields_cache:
            return None
        step = getattr(current, name)
        if step is None:
            return None
        current = step
    return current


@dataclass(frozen=True)
class _Owner:
    service_id: uuid.UUID | None
    family_id: uuid.UUID | None


def _owner_of(obj: models.Model | None, actor: StaffUser | None) -> _Owner:
    actor_service = actor.service_id if actor is not None else None
    if obj is None:
        return _Owner(actor_service, None)
    if isinstance(obj, Service):
        return _Owner(obj.pk, None)
    label = obj._meta.label
    family_path = _FAMILY_PATHS.get(label)
    if family_path is not None:
        family = _walk_loaded(obj, family_path)
        if isinstance(family, Family):
            return _Owner(family.service_id, family.pk)
        lookup = "__".join(family_path)
        prefix = f"{lookup}__" if lookup else ""
        found = (
            type(obj)
            ._default_manager.filter(pk=obj.pk)
            .values_list(f"{prefix}service_id", f"{prefix}pk" if prefix else "pk")
            .first()
        )
        if found is None or found[0] is None:
            return _Owner(actor_service, None)
        return _Owner(found[0], found[1])
    service_path = _SERVICE_PATHS.get(label)
    if service_path is not None:
        owner = _walk_loaded(obj, service_path)
        if isinstance(owner, ParentGroup | StaffUser):
            return _Owner(owner.service_id, None)
        found_service = (
            type(obj)
            ._default_manager.filter(pk=obj.pk)
            .values_list("__".join((*service_path, "service_id")), flat=True)
            .first()
        )
        return _Owner(found_service or actor_service, None)
    # Records that belong to no service (an instrument definition): the actor's.
    return _Owner(actor_service, None)


# --- Writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRef:
    """A record named by type and id without loading it (a denied request's URL names one)."""

    object_type: str
    object_id: str


def _write(
    action: str,
    actor: StaffUser | AnonymousUser | None,
    obj: models.Model | ObjectRef | None,
    detail: dict[str, Any],
    *,
    coalesce_key: str | None = None,
) -> AuditEvent:
    staff = actor if isinstance(actor, StaffUser) else None
    if isinstance(obj, ObjectRef):
        # Named, not loaded: the record may be another service's, so the event belongs to the
        # actor's service and names no family (its label must not show on this service's page).
        owner = _Owner(staff.service_id if staff else None, None)
        object_type, object_id = obj.object_type, obj.object_id
    else:
        owner = _owner_of(obj, staff)
        object_type = obj._meta.label if obj is not None else ""
        object_id = str(obj.pk) if obj is not None else ""
    request = current_request()
    event = AuditEvent(
        action=action,
        # A signed-in member of staff, or no one (a parent, the system, an anonymous request).
        actor=staff,
        service_id=owner.service_id,
        family_id=owner.family_id,
        object_type=object_type,
        object_id=object_id,
        session_hash=request.session_hash() if request else "",
        client_hash=request.client_hash if request else "",
        coalesce_key=coalesce_key,
        detail=detail,
    )
    if coalesce_key is None:
        event.save(force_insert=True)
    else:
        # One statement whether or not the window already has its row: a second write in the
        # window is a unique-key conflict the database skips (no read first, no race).
        AuditEvent.objects.bulk_create([event], ignore_conflicts=True)
    return event


def record(
    action: str,
    actor: StaffUser | AnonymousUser | None = None,
    obj: models.Model | None = None,
    **detail: Any,
) -> AuditEvent:
    """The one writer of audit events. `detail` holds ids, codes of choices, counts and flags
    only: never answers, free text, credentials or contact details (LOG-2)."""
    return _write(action, actor, obj, detail)


# --- Audited reads ----------------------------------------------------------------------------


class Read(StrEnum):
    """The reads that are audited (LOG-1): every view of a family's record or of a list that
    shows families, every PDF and every export, and the audit trail itself."""

    FAMILY_VIEWED = "family.viewed"
    FAMILY_REPORT_DOWNLOADED = "family.report_downloaded"
    SUBJECT_ACCESS_DOWNLOADED = "family.subject_access_downloaded"  # SAR-1, SAR-2
    FHIR_EXPORTED = "family.fhir_exported"  # FHIR-1
    PARENT_COPY_DOWNLOADED = "response.copy_downloaded"
    ROOM_CODE_SHOWN = "collection.room_shown"
    POSTER_DOWNLOADED = "collection.poster_downloaded"
    CASELOAD_VIEWED = "caseload.viewed"
    ROSTER_VIEWED = "roster.viewed"
    MATCHES_VIEWED = "matches.viewed"
    AUDIT_VIEWED = "audit.viewed"
    AUDIT_EXPORTED = "audit.exported"
    MHSDS_EXPORTED = "export.mhsds_downloaded"
    # Service outcomes (issue 13): the page, its evaluation files and the commissioners' PDF.
    OUTCOMES_VIEWED = "outcomes.viewed"
    OUTCOMES_EXPORTED = "export.outcomes_downloaded"
    OUTCOMES_REPORT_DOWNLOADED = "outcomes.report_downloaded"


def record_view(
    read: Read, actor: StaffUser | AnonymousUser | None, obj: models.Model
) -> AuditEvent:
    return record(str(read), actor, obj)


def record_caseload_view(
    actor: StaffUser | AnonymousUser, families: Sequence[Family], page: int, filtered: bool
) -> AuditEvent:
    """The caseload page: which families it listed (their ids, so "who saw this family" finds
    it), the page number and whether a search or filter was used; never the search text."""
    return record(
        str(Read.CASELOAD_VIEWED),
        actor,
        None,
        families=[str(family.pk) for family in families],
        page=page,
        filtered=filtered,
    )


# The group page polls its roster every few seconds; the trail keeps one row per window.
ROSTER_WINDOW = timedelta(minutes=10)


def record_roster_view(actor: StaffUser | AnonymousUser, group: ParentGroup) -> AuditEvent:
    """The group's roster (the group page, or its roster refreshing itself): at most one
    `roster.viewed` per session (or, outside a session, per member of staff), group and
    10-minute window of the clock (ROSTER_WINDOW, windows start on the hour, :10, :20, …). The
    page opening inside a window writes its row; the polls in that window write nothing."""
    request = current_request()
    who = (request.session_hash() if request else "") or (
        f"actor:{actor.pk}" if isinstance(actor, StaffUser) else "anonymous"
    )
    window = int(timezone.now().timestamp() // ROSTER_WINDOW.total_seconds())
    key = credential_hash(f"audit-coalesce:{Read.ROSTER_VIEWED}:{group.pk}:{who}:{window}")
    return _write(str(Read.ROSTER_VIEWED), actor, group, {}, coalesce_key=key)


def record_matches_view(actor: StaffUser | AnonymousUser, group: ParentGroup) -> AuditEvent:
    """The group's match queue: nicknames and babies' dates waiting to be linked."""
    return record(str(Read.MATCHES_VIEWED), actor, group)


def record_audit_view(
    actor: StaffUser, read: Read, filters: dict[str, Any], count: int
) -> AuditEvent:
    """The audit page or its CSV: the filters as ids and dates (never the typed text), and how
    many events matched."""
    return record(str(read), actor, None, filters=filters, count=count)


def record_export(actor: StaffUser, read: Read, rows: int, left_out: int) -> AuditEvent:
    """A service-wide export: how many rows it held and how many answers it left out."""
    return record(str(read), actor, None, rows=rows, left_out=left_out)


def record_outcomes(
    actor: StaffUser, read: Read, filters: dict[str, str], file_format: str = "", rows: int = 0
) -> AuditEvent:
    """The outcomes page, an outcomes export or its PDF: the filters chosen (codes and ids,
    never free text), the file format and how many rows the files held."""
    return record(str(read), actor, None, filters=filters, format=file_format, rows=rows)


# --- Refused requests -------------------------------------------------------------------------

# URL arguments that name a record, and the record's type.
_URL_RECORDS = {
    "family_id": "questionnaires.Family",
    "episode_id": "questionnaires.Episode",
    "invitation_id": "questionnaires.Invitation",
    "group_id": "questionnaires.ParentGroup",
}


def record_denied(
    actor: StaffUser | AnonymousUser, view_name: str, method: str, url_args: dict[str, Any]
) -> AuditEvent:
    """A staff page refused (403): which page, and the record its address named, if any. The
    URL's own arguments only (ids), never the query string or the body."""
    ids = {name: str(value) for name, value in url_args.items() if isinstance(value, uuid.UUID)}
    named = next(((name, ids[name]) for name in _URL_RECORDS if name in ids), None)
    target = ObjectRef(_URL_RECORDS[named[0]], named[1]) if named else None
    return _write("request.denied", actor, target, {"view": view_name, "method": method, **ids})


# --- Sign-in ----------------------------------------------------------------------------------


def record_signed_in(user: StaffUser) -> AuditEvent:
    return record("staff.signed_in", user, user)


def record_signed_out(user: StaffUser) -> AuditEvent:
    return record("staff.signed_out", user, user)


def record_sign_in_failed(username: str | None, known: StaffUser | None) -> AuditEvent:
    """A failed sign-in: the username only as a keyed hash (never the password). When it is a
    staff account's username, the event is about that account, so its service sees it."""
    return record("staff.sign_in_failed", None, known, username_hash=hash_username(username))


def record_locked_out(username: str | None, known: StaffUser | None) -> AuditEvent:
    """django-axes refused a sign-in: too many failures from this client and username."""
    return record("staff.locked_out", None, known, username_hash=hash_username(username))
