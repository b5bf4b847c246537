"""Demo mode only: the code a demo account's authenticator app would show now, so a newcomer
can sign in as every role without a phone (`make mfa-code ACCOUNT=demo-clinician`)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from questionnaires.models import StaffUser
from questionnaires.services import mfa


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("This is for demo accounts in demo mode only (DEMO_MODE=1).")
        username = options["username"]
        if not StaffUser.objects.filter(username=username).exists():
            raise CommandError(f"No account called {username!r}.")
        code = totp(bytes.fromhex(mfa.demo_key(username)))
        self.stdout.write(f"{code:06d}")
