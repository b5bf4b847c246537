"""Roles are Django groups; an inactive user has none."""

import pytest

from questionnaires.roles import Role, roles_of


@pytest.mark.django_db
def test_roles_are_groups(service: object) -> None:
    from tests.conftest import make_staff

    user = make_staff(service, "dana", Role.CLINICIAN, Role.FACILITATOR)  # type: ignore[arg-type]
    assert roles_of(user) == {Role.CLINICIAN, Role.FACILITATOR}
    user.is_active = False
    assert roles_of(user) == set()
