import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeAlias

import pytest
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoDbBlocker

from questionnaires import demo
from questionnaires.models import Family, Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import staff
from tests.questionnaires.factories import service_of

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

# What Django's test client returns: the view's response with the test attributes (`request`,
# `templates`, `context`, ...) set on it at run time. django-stubs declares that class in its stubs
# only, so the alias names it as a string.
ClientResponse: TypeAlias = "_MonkeyPatchedWSGIResponse"

# Playwright's sync API runs an event loop in the test thread; the database calls a test makes
# beside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config: pytest.Config) -> None:
    # I18N-9: the .mo files are build output (gitignored); compile them before any test runs.
    from tests.catalogues import compile_catalogues

    compile_catalogues()


def riverside() -> Service:
    """The service most tests work in (get-or-create by name)."""
    return staff.create_service("Riverside parent–infant team", contact_line="Call 01234 000000")


@pytest.fixture
def service(db: None) -> Service:
    return riverside()


@pytest.fixture
def other_service(db: None) -> Service:
    return staff.create_service("Hillside parent–infant team")


def make_staff(service: Service, username: str, *roles: Role) -> StaffUser:
    return staff.create_staff_user(username, TEST_PASSWORD, service, list(roles))


def give_authenticator(user: StaffUser) -> TOTPDevice:
    """A confirmed authenticator with a fresh key (so no earlier code counts as a replay)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or a step later: within the tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: StaffUser) -> TOTPDevice:
    """Signed in with both factors (AUTH-3), as after the real sign-in and code pages: tests of
    those pages go through them; every other staff test starts here."""
    device = give_authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def clinician(service: Service) -> StaffUser:
    return make_staff(service, "alice", Role.CLINICIAN)


@pytest.fixture
def colleague(service: Service) -> StaffUser:
    return make_staff(service, "bob", Role.CLINICIAN)


@pytest.fixture
def outsider(other_service: Service) -> StaffUser:
    return make_staff(other_service, "charlie", Role.CLINICIAN)


@pytest.fixture
def facilitator(service: Service) -> StaffUser:
    return make_staff(service, "fran", Role.FACILITATOR)


@pytest.fixture
def demo_families(clinician: StaffUser) -> dict[str, Family]:
    """The demo caseload (questionnaires.demo) in the clinician's service, by family label."""
    demo.demo_caseload(service_of(clinician), clinician)
    return {f.label: f for f in Family.objects.filter(service=clinician.service)}


@pytest.fixture(scope="module")
def module_transaction(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """One transaction around a whole module, rolled back when the module is done, for rows a
    module builds once (with `django_db_blocker.unblock()`) and its tests only read.

    Each test's own transaction (pytest-django's `db`) is a savepoint inside this one, so what a
    test writes is still undone after it. What the module built stays for every later test of
    the module: keep beside it only tests those rows cannot disturb. Not for `transactional_db`
    or `live_server` tests, which need to commit."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
