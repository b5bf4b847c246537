import os

import pytest

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import staff

# Playwright's sync API runs an event loop in the test thread; the database calls a test makes
# beside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def service(db: None) -> Service:
    return staff.create_service("Riverside parent–infant team", contact_line="Call 01234 000000")


@pytest.fixture
def other_service(db: None) -> Service:
    return staff.create_service("Hillside parent–infant team")


def make_staff(service: Service, username: str, *roles: Role) -> StaffUser:
    return staff.create_staff_user(username, TEST_PASSWORD, service, list(roles))


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
