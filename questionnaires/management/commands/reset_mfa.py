"""Re-enrolment: remove a staff account's authenticator and recovery codes (a lost phone). The
person sets up a new authenticator at their next sign-in. Audited."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.models import StaffUser
from questionnaires.services import mfa


class Command(BaseCommand):
    help = "Reset a staff account's second factor, so they set up a new authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = StaffUser.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account called {options['username']!r}.")
        mfa.reset(user, actor=None)
        self.stdout.write(f"The authenticator of {user.username} is reset.")
