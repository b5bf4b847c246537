"""AZ-1, AZ-2, AZ-3, AUTH-3: one authorization matrix over the whole site.

Every URL pattern the resolver knows is a row (a pattern with no row fails the test, so a new
view cannot ship without a decision); every column is a kind of visitor — anonymous, a parent
with a personal link, a parent who joined a group with its room code, a facilitator of this
group or of another, a clinician, a service lead, the IT admin role, staff past the password but
not the second factor, and deactivated staff — each once in the service that owns the records
("own") and once in another service ("other"). Each cell is one real request through the whole
middleware stack, undone afterwards, and must give exactly the outcome the table states.

Outcomes: "ok" (the page or action), "login" (to the staff sign-in page), "mfa" (to set up or
type the second factor), "admin-login" (the admin site's sign-in), "denied" (403), "hidden"
(404: another service's or group's record is not admitted to exist, AZ-2), "redirect" (elsewhere
on the site: a parent page without a parent session, an admin object that is not theirs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoDbBlocker

from questionnaires.models import (
    AuditEvent,
    GroupCollection,
    InstrumentVersion,
    MatchReview,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.services import invitations, staff, together_time
from tests.conftest import make_staff, sign_in
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db
BABY = timezone.localdate() - timedelta(days=150)
PRINCIPALS = (
    "anonymous",
    "parent",
    "group-parent",
    "facilitator",  # of this group (in "other": of a group in the other service)
    "facilitator-elsewhere",  # of another group of the same service
    "clinician",
    "lead",
    "admin",
    "unverified",  # a clinician past the password, not yet the second factor
    "deactivated",  # a clinician whose account was switched off while signed in
)
OWNERSHIP = ("own", "other")
CELLS = [f"{who}/{whose}" for who in PRINCIPALS for whose in OWNERSHIP]
ADMIN = settings.ADMIN_PATH


# --- The table --------------------------------------------------------------------------------


def policy(default: str, **cells: str) -> dict[str, str]:
    """A row's outcome for every cell: `default`, except the cells named (`clinician_own`,
    or a whole principal: `clinician`)."""
    table = dict.fromkeys(CELLS, default)
    for key, outcome in cells.items():
        who, _, whose = key.replace("_", "-").rpartition("-")
        if whose in OWNERSHIP:
            table[f"{who}/{whose}"] = outcome
        else:
            for ownership in OWNERSHIP:
                table[f"{key.replace('_', '-')}/{ownership}"] = outcome
    return table


# Anyone may open these.
PUBLIC = policy("ok")
# Staff pages signed-in staff of every role may open; nobody else.
SIGNED_IN = policy(
    "login", facilitator="ok", facilitator_elsewhere="ok", clinician="ok", lead="ok", admin="ok",
    unverified="mfa",
)  # fmt: skip
# The caseload and registering a family: case roles only; each sees their own service's.
CASE_PAGE = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="ok", lead="ok",
    admin="denied", unverified="mfa",
)  # fmt: skip
# One family's record or invitation: case roles of the owning service only; to anyone else in
# another service the record does not exist (AZ-2). The IT admin reads no answers (AZ-1).
CASE_RECORD = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician_own="ok",
    clinician_other="hidden", lead_own="ok", lead_other="hidden", admin="denied",
    unverified="mfa",
)  # fmt: skip
# A family's data rights (subject access, correction, erasure): the service lead of the owning
# service only; clinicians are refused, another service's lead is told it does not exist.
LEAD_RECORD = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="denied",
    lead_own="ok", lead_other="hidden", admin="denied", unverified="mfa",
)  # fmt: skip
# The service's groups and a new group: facilitators and case roles (AZ-3).
GROUP_PAGE = policy(
    "login", facilitator="ok", facilitator_elsewhere="ok", clinician="ok", lead="ok",
    admin="denied", unverified="mfa",
)  # fmt: skip
# One group: its own facilitators and its service's case roles; a facilitator of another group
# is told it does not exist (AZ-3).
GROUP_RECORD = policy(
    "login", facilitator_own="ok", facilitator_other="hidden", facilitator_elsewhere="hidden",
    clinician_own="ok", clinician_other="hidden", lead_own="ok", lead_other="hidden",
    admin="denied", unverified="mfa",
)  # fmt: skip
# The audit trail: the service lead and the administrator, each of their own service (LOG-3).
AUDIT_PAGE = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="denied",
    lead="ok", admin="ok", unverified="mfa",
)  # fmt: skip
# The MHSDS-shaped scores export: the service lead only, of their own service (scoped, so the
# other service's lead downloads their own service's file); the IT admin reads no scores.
LEAD_EXPORT = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="denied",
    lead="ok", admin="denied", unverified="mfa",
)  # fmt: skip
# The service's staff accounts: its administrator only; nobody else runs accounts in the portal.
ACCOUNTS_PAGE = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="denied",
    lead="denied", admin="ok", unverified="mfa",
)  # fmt: skip
# One account: the administrator of its own service; to another service's it does not exist.
ACCOUNT_RECORD = policy(
    "login", facilitator="denied", facilitator_elsewhere="denied", clinician="denied",
    lead="denied", admin_own="ok", admin_other="hidden", unverified="mfa",
)  # fmt: skip
# Typing the second factor: for those past the password; done already → onwards.
MFA_VERIFY = policy(
    "login", facilitator="redirect", facilitator_elsewhere="redirect", clinician="redirect",
    lead="redirect", admin="redirect", unverified="ok",
)  # fmt: skip
# Setting one up when there is one already → to typing it (every column here has one).
MFA_SETUP = policy(
    "login", facilitator="mfa", facilitator_elsewhere="mfa", clinician="mfa", lead="mfa",
    admin="mfa", unverified="mfa",
)  # fmt: skip
# Recovery codes are shown once, straight after set-up; otherwise onwards.
MFA_CODES = policy(
    "login", facilitator="redirect", facilitator_elsewhere="redirect", clinician="redirect",
    lead="redirect", admin="redirect", unverified="redirect",
)  # fmt: skip
# AUTH-3: passkeys. The ceremonies answer JSON: refused (403) rather than sent to a page.
# Adding one: staff past the second factor only (the library alone would let someone with no
# second factor add one); completing it without having begun is "invalid" (400).
PASSKEY_ADD = policy(
    "denied", facilitator="ok", facilitator_elsewhere="ok", clinician="ok", lead="ok", admin="ok",
)  # fmt: skip
# Using one: staff past the password; anonymous is refused, as passwordless sign-in is off.
PASSKEY_USE = policy(
    "denied", facilitator="ok", facilitator_elsewhere="ok", clinician="ok", lead="ok", admin="ok",
    unverified="ok",
)  # fmt: skip
# The sign-in page: signed-in staff go on to their home page.
STAFF_LOGIN = policy(
    "ok", facilitator="redirect", facilitator_elsewhere="redirect", clinician="redirect",
    lead="redirect", admin="redirect", unverified="redirect",
)  # fmt: skip
# Parent pages bound to a parent's own session; nobody else has a questionnaire open (LINK-2).
PARENT_PAGE = policy("denied", parent="ok", group_parent="ok")
# Pages for a parent who has started: they go to the next question; others have none open.
PARENT_STEPS = policy("denied", parent="redirect", group_parent="redirect")
# Pages for a parent who has sent their answers (nobody in this table has yet).
PARENT_SENT = policy("denied")
# The admin site: the administrator sees the pages of what they may run; the rest is refused.
ADMIN_SITE = policy("admin-login", admin="denied")
ADMIN_PAGE = policy("admin-login", admin="ok")
# One of their own service's accounts or audit events; another service's is not found, and
# the admin site then returns to its index.
ADMIN_OWN_OBJECT = policy("admin-login", admin_own="ok", admin_other="redirect")
ADMIN_ACCOUNT_PASSWORD = policy("admin-login", admin_own="ok", admin_other="hidden")


def acted(row: dict[str, str], outcome: str) -> dict[str, str]:
    """An action row: where the page would be "ok", the action's own outcome instead (a
    redirect back after doing it, or "invalid" for this table's empty form)."""
    return {cell: outcome if result == "ok" else result for cell, result in row.items()}


MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("", "GET"): PUBLIC,
    ("healthz", "GET"): PUBLIC,
    # Issue 14: the worker's health, for monitoring; no worker runs here, so "not alive" (503).
    ("healthz/worker", "GET"): policy("503"),
    # MSG-4: GOV.UK Notify's delivery receipts need its bearer token, which no cookie gives.
    ("notify/callback", "POST"): policy("401"),
    ("accessibility", "GET"): PUBLIC,
    ("privacy", "GET"): PUBLIC,
    ("staff/login", "GET"): STAFF_LOGIN,
    ("staff/logout", "POST"): policy("login"),
    ("staff/", "GET"): SIGNED_IN,
    ("staff/password", "GET"): SIGNED_IN,
    ("staff/mfa/setup", "GET"): MFA_SETUP,
    ("staff/mfa/verify", "GET"): MFA_VERIFY,
    ("staff/mfa/recovery-codes", "GET"): MFA_CODES,
    ("staff/mfa/passkeys/add", "GET"): SIGNED_IN,
    ("staff/mfa/passkeys/registration/begin", "POST"): PASSKEY_ADD,
    ("staff/mfa/passkeys/registration/complete", "POST"): acted(PASSKEY_ADD, "invalid"),
    ("staff/mfa/passkeys/authentication/begin", "POST"): PASSKEY_USE,
    ("staff/mfa/passkeys/authentication/complete", "POST"): acted(PASSKEY_USE, "invalid"),
    ("staff/caseload", "GET"): CASE_PAGE,
    # Issue 14: contact details and the end (T2) date (this table's empty form: refused, back to
    # the record), and the families waiting for T2.
    ("staff/episodes/<uuid:episode_id>/contact", "POST"): acted(CASE_RECORD, "redirect"),
    ("staff/episodes/<uuid:episode_id>/t2", "POST"): acted(CASE_RECORD, "redirect"),
    ("staff/overdue-t2", "GET"): CASE_PAGE,
    # MSG-5: the service's reminder settings: its lead and administrator, each their own.
    ("staff/messaging-settings", "GET"): AUDIT_PAGE,
    ("staff/families", "GET"): CASE_PAGE,
    ("staff/families/new", "GET"): CASE_PAGE,
    ("staff/audit", "GET"): AUDIT_PAGE,
    # RET-1: the retention table, read-only: the same people as the audit trail.
    ("staff/retention", "GET"): AUDIT_PAGE,
    ("staff/exports/mhsds.csv", "GET"): LEAD_EXPORT,
    # Service outcomes (issue 13): the page for case roles (a clinician sees their own
    # caseload's figures); the evaluation files and the PDF for the service lead only.
    ("staff/outcomes", "GET"): CASE_PAGE,
    ("staff/families/<uuid:family_id>/reach", "GET"): CASE_RECORD,
    ("staff/families/<uuid:family_id>/reach", "POST"): acted(CASE_RECORD, "redirect"),
    ("staff/outcomes/report.pdf", "GET"): LEAD_EXPORT,
    ("staff/outcomes/export.<str:file_format>", "GET"): LEAD_EXPORT,
    ("staff/accounts", "GET"): ACCOUNTS_PAGE,
    ("staff/accounts/new", "GET"): ACCOUNTS_PAGE,
    ("staff/accounts/<int:staff_id>", "GET"): ACCOUNT_RECORD,
    ("staff/accounts/<int:staff_id>/active", "POST"): acted(ACCOUNT_RECORD, "invalid"),
    ("staff/accounts/<int:staff_id>/reset-authenticator", "POST"): acted(
        ACCOUNT_RECORD, "redirect"
    ),
    ("staff/families/<uuid:family_id>", "GET"): CASE_RECORD,
    ("staff/families/<uuid:family_id>/report.pdf", "GET"): CASE_RECORD,
    ("staff/families/<uuid:family_id>/fhir.json", "GET"): CASE_RECORD,
    ("staff/families/<uuid:family_id>/subject-access.json", "GET"): LEAD_RECORD,
    ("staff/families/<uuid:family_id>/subject-access.pdf", "GET"): LEAD_RECORD,
    ("staff/families/<uuid:family_id>/correct", "GET"): LEAD_RECORD,
    ("staff/families/<uuid:family_id>/erase", "GET"): LEAD_RECORD,
    ("staff/families/<uuid:family_id>/erase/confirm", "POST"): acted(LEAD_RECORD, "invalid"),
    ("staff/episodes/<uuid:episode_id>/invitations", "POST"): acted(CASE_RECORD, "invalid"),
    ("staff/episodes/<uuid:episode_id>/loaf", "POST"): acted(CASE_RECORD, "invalid"),
    ("staff/episodes/<uuid:episode_id>/baseline", "POST"): acted(CASE_RECORD, "invalid"),
    # Issue 19: recording the birth (this table's empty form is invalid), then offering the
    # postnatal baseline (this episode began after the birth: refused, back to the record).
    ("staff/episodes/<uuid:episode_id>/birth", "POST"): acted(CASE_RECORD, "invalid"),
    ("staff/episodes/<uuid:episode_id>/postnatal-baseline", "POST"): acted(CASE_RECORD, "redirect"),
    ("staff/invitations/<uuid:invitation_id>/resend", "POST"): CASE_RECORD,
    ("staff/invitations/<uuid:invitation_id>/revoke", "POST"): acted(CASE_RECORD, "redirect"),
    ("staff/groups/", "GET"): GROUP_PAGE,
    ("staff/groups/new", "GET"): GROUP_PAGE,
    ("staff/groups/<uuid:group_id>", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/edit", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/roster", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/collections", "POST"): acted(GROUP_RECORD, "invalid"),
    ("staff/groups/<uuid:group_id>/collections/<uuid:collection_id>/close", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    ("staff/groups/<uuid:group_id>/collections/<uuid:collection_id>/rotate", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    ("staff/groups/<uuid:group_id>/room/<uuid:collection_id>", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/poster/<uuid:collection_id>", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/parents/<uuid:participant_id>/remove", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    ("staff/groups/<uuid:group_id>/matches", "GET"): GROUP_RECORD,
    ("staff/groups/<uuid:group_id>/matches/<uuid:review_id>/remove", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    ("staff/groups/<uuid:group_id>/matches/<uuid:review_id>/confirm", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    ("staff/groups/<uuid:group_id>/matches/<uuid:review_id>/reject", "POST"): acted(
        GROUP_RECORD, "redirect"
    ),
    # A personal link binds whoever opens it to that questionnaire (the link is the key), then
    # redirects away so the token leaves the address bar (LINK-1).
    ("p/<str:token>", "GET"): policy("redirect"),
    ("start", "GET"): PUBLIC,
    ("g/<str:code>", "GET"): PUBLIC,
    ("questionnaire/", "GET"): acted(PARENT_PAGE, "redirect"),  # straight to the next question
    ("questionnaire/q/", "GET"): PARENT_STEPS,
    ("questionnaire/q/<str:step>/", "GET"): PARENT_PAGE,
    ("questionnaire/sent", "GET"): PARENT_SENT,
    ("questionnaire/my-answers.pdf", "GET"): PARENT_SENT,
    ("questionnaire/declined", "GET"): PARENT_PAGE,
    ("questionnaire/next-parent", "POST"): policy("redirect"),  # ends whatever session there is
    ("exit", "GET"): policy("redirect"),  # ends whatever session there is, then leaves
    # I18N-2, I18N-6: a language or the interpreter view for whoever's session it is, then back.
    ("language", "POST"): policy("redirect"),
    ("interpreter-view", "POST"): policy("redirect"),
}


def _admin_row(route: str) -> dict[str, str]:
    """The admin site's rows follow from what the administrator role may do (AZ-1): view, add
    and change their own service's staff accounts and view the audit trail; nothing else."""
    tail = route.removeprefix(ADMIN)
    tail = re.sub(r"\^\(\?P<app_label>.*", "<app>", tail)
    tail = re.sub(r"\(\?P<url>.*", "<anything>", tail)
    if tail in ("", "<app>", "jsi18n/", "password_change/", "password_change/done/"):
        return ADMIN_PAGE
    if tail == "login/":
        return policy("ok", admin="redirect")  # the admin's sign-in: done already → onwards
    if tail == "logout/":
        return policy("redirect", admin="wrong-method")  # signing out is a POST
    if tail in ("<anything>", "r/<path:content_type_id>/<path:object_id>/"):
        return policy("admin-login", admin="hidden")
    if tail == "autocomplete/":
        return ADMIN_SITE  # no admin form of theirs uses it
    _app, model, rest = tail.split("/", 2)
    if model not in ("staffuser", "auditevent") or "delete/" in rest:
        # Nothing else, and no deletions: staff are deactivated, the trail is append-only.
        # "<object>/" alone redirects to its change page (or the index when it is not theirs).
        return (
            ADMIN_SITE if rest != "<path:object_id>/" else policy("admin-login", admin="redirect")
        )
    if rest in ("", "add/") and not (model == "auditevent" and rest == "add/"):
        return ADMIN_PAGE
    if rest == "<id>/password/":
        return ADMIN_ACCOUNT_PASSWORD
    if rest == "<path:object_id>/":
        return policy("admin-login", admin="redirect")
    if rest == "add/":
        return ADMIN_SITE  # audit events are written by the application only
    return ADMIN_OWN_OBJECT


# --- The world the matrix runs in ---------------------------------------------------------------


@dataclass
class World:
    kwargs: dict[str, str]
    clients: dict[str, Client]


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ROUTES = sorted(set(_routes()))


def _method(route: str) -> str:
    known = [method for (path, method) in MATRIX if path == route]
    return known[0] if known else "GET"


def _signed_in(user: StaffUser, verified: bool = True) -> Client:
    client = Client()
    if verified:
        sign_in(client, user)
    else:
        TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        client.force_login(user)
    return client


def _parent(service: Service) -> Client:
    episode = factories.episode(service)
    issued = invitations.issue_invitation(episode, Timepoint.T1)
    client = Client()
    assert client.get(f"/p/{issued.token}").status_code == 302
    client.post("/questionnaire/", {"consent": "yes"})  # "Start now"
    return client


def _group_parent(collection: GroupCollection) -> Client:
    client = Client()
    client.post(f"/g/{collection.code}", {"consent": "yes"})
    client.post(
        f"/g/{collection.code}",
        {
            "nickname": "Robin",
            "relationship": "mother",
            "baby_date_day": str(BABY.day),
            "baby_date_month": str(BABY.month),
            "baby_date_year": str(BABY.year),
        },
    )
    assert "parent_invitation" in client.session
    client.post("/questionnaire/")  # "Start now" (consent was given at the privacy notice)
    return client


def _staff_of(service: Service, suffix: str) -> dict[str, Client]:
    facilitator = make_staff(service, f"fran-{suffix}", Role.FACILITATOR)
    elsewhere = make_staff(service, f"fred-{suffix}", Role.FACILITATOR)
    for name, who in (("own", facilitator), ("elsewhere", elsewhere)):
        together_time.create_group(
            service, f"{name} group", timezone.localdate(), 8, facilitators=[who]
        )
    deactivated = make_staff(service, f"dee-{suffix}", Role.CLINICIAN)
    clients = {
        "facilitator": _signed_in(facilitator),
        "facilitator-elsewhere": _signed_in(elsewhere),
        "clinician": _signed_in(make_staff(service, f"alice-{suffix}", Role.CLINICIAN)),
        "lead": _signed_in(make_staff(service, f"lee-{suffix}", Role.SERVICE_LEAD)),
        "admin": _signed_in(make_staff(service, f"ida-{suffix}", Role.ADMIN)),
        "unverified": _signed_in(make_staff(service, f"una-{suffix}", Role.CLINICIAN), False),
        "deactivated": _signed_in(deactivated),
    }
    # As the admin site's "active" box does; the session itself stays in the table.
    StaffUser.objects.filter(pk=deactivated.pk).update(is_active=False)
    return clients


@pytest.fixture(scope="module")
def world(module_transaction: None, django_db_blocker: DjangoDbBlocker) -> World:
    with django_db_blocker.unblock():
        own = staff.create_service("Riverside parent–infant team")
        other = staff.create_service("Hillside parent–infant team")
        clients = {f"{who}/own": c for who, c in _staff_of(own, "own").items()}
        clients |= {f"{who}/other": c for who, c in _staff_of(other, "other").items()}
        # "facilitator/own" facilitates the group under test; "facilitator/other" one elsewhere.
        group = together_time.create_group(own, "Tuesday", timezone.localdate(), 8)
        group.facilitators.add(StaffUser.objects.get(username="fran-own"))
        start = together_time.open_collection(group, Timepoint.T1)
        joined = together_time.join_start(start, "Sam", "mother", BABY)
        end = together_time.open_collection(group, Timepoint.T2)
        together_time.return_by_details(end, "Sam", "mother", BABY)
        review = MatchReview.objects.get()
        other_group = together_time.create_group(other, "Hill", timezone.localdate(), 8)
        other_start = together_time.open_collection(other_group, Timepoint.T1)
        for whose, service, collection in (("own", own, end), ("other", other, other_start)):
            clients[f"anonymous/{whose}"] = Client()
            clients[f"parent/{whose}"] = _parent(service)
            clients[f"group-parent/{whose}"] = _group_parent(collection)
        episode = factories.episode(own)
        invitation = invitations.issue_invitation(episode, Timepoint.T1).invitation
        link = invitations.issue_invitation(factories.episode(own), Timepoint.T1)
        clinician = StaffUser.objects.get(username="alice-own")
        # One row of each admin-site table, so that object pages are tried on a real object.
        attempt = {"username": "x", "ip_address": "192.0.2.1", "user_agent": "t"}
        attempt_ids = {
            "accessattempt": AccessAttempt.objects.create(**attempt, failures_since_start=1),
            "accesslog": AccessLog.objects.create(**attempt),
            "accessfailurelog": AccessFailureLog.objects.create(**attempt),
            "staticdevice": StaticDevice.objects.create(user=clinician, name="Codes"),
        }
        kwargs = {
            "group_id": str(group.pk),
            "collection_id": str(end.pk),
            "participant_id": str(joined.participant.pk),
            "review_id": str(review.pk),
            "family_id": str(episode.family_id),
            "episode_id": str(episode.pk),
            "invitation_id": str(invitation.pk),
            "token": link.token,
            "code": start.code,
            "step": "check",
            "int:pk": str(TOTPDevice.objects.filter(user=clinician).get().pk),
            "id": str(clinician.pk),
            "staffuser": str(clinician.pk),
            "group": str(Group.objects.get(name=Role.CLINICIAN.value).pk),
            "service": str(own.pk),
            "instrumentversion": str(InstrumentVersion.objects.first().pk),  # type: ignore[union-attr]
            "auditevent": str(AuditEvent.objects.filter(service=own).first().pk),  # type: ignore[union-attr]
            "totpdevice": str(TOTPDevice.objects.filter(user=clinician).get().pk),
            "content_type_id": str(ContentType.objects.get_for_model(StaffUser).pk),
        } | {model: str(row.pk) for model, row in attempt_ids.items()}
        return World(kwargs, clients)


def _url(route: str, kwargs: dict[str, str]) -> str:
    if "(?P<app_label>" in route:
        return "/" + route.split("^")[0] + "questionnaires/"
    if "(?P<url>" in route:
        return "/" + route.split("(")[0] + "no-such-page/"

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "object_id":
            model = route.removeprefix(ADMIN).split("/")[1]
            return kwargs.get(model, "999999")
        if name == "staff_id":
            return kwargs["id"]  # the own service's clinician
        if name == "file_format":
            return "xlsx"  # the outcomes export
        if converter == "int:":
            return kwargs["int:pk"]
        return kwargs[name]

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


def _outcome(response: HttpResponseBase) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("staff:login")):
            return "login"
        if location.startswith("/staff/mfa/"):
            return "mfa"
        if location.startswith(reverse("admin:login")):
            return "admin-login"
        return "redirect"
    names = {200: "ok", 400: "invalid", 403: "denied", 404: "hidden", 405: "wrong-method"}
    return names.get(response.status_code, str(response.status_code))


def _row(route: str) -> dict[str, str] | None:
    if route.startswith(ADMIN):
        return _admin_row(route)
    return MATRIX.get((route, _method(route)))


def test_every_url_pattern_has_a_row() -> None:
    assert [route for route in ROUTES if _row(route) is None] == []
    assert {path for path, _ in MATRIX} <= set(ROUTES)  # no row for a page that has gone


@pytest.mark.parametrize("route", ROUTES)
def test_every_cell(world: World, route: str) -> None:
    expected = _row(route)
    assert expected is not None
    url, method = _url(route, world.kwargs), _method(route)
    observed: dict[str, str] = {}
    for cell in CELLS:
        client = world.clients[cell]
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        with transaction.atomic():
            response: Any = getattr(client, method.lower())(url)
            observed[cell] = _outcome(response)
            transaction.set_rollback(True)
        client.cookies = SimpleCookie(cookies)  # signing out must not end the column
    wrong = {
        cell: (expected[cell], observed[cell]) for cell in CELLS if observed[cell] != expected[cell]
    }
    assert wrong == {}, f"{method} {url}: cell: (expected, observed) {wrong}"
