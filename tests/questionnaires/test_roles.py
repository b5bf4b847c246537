"""Roles are Django groups; an inactive user has none."""

import pytest

from questionnaires.models import Service
from questionnaires.roles import Role, roles_of


@pytest.mark.django_db
def test_roles_are_groups(service: Service) -> None:
    from tests.conftest import make_staff

    user = make_staff(service, "dana", Role.CLINICIAN, Role.FACILITATOR)
    assert roles_of(user) == {Role.CLINICIAN, Role.FACILITATOR}
    user.is_active = False
    assert roles_of(user) == set()
