"""Seeds made-up demo data and prints the demo entry points, one `label: value` per line.
Idempotent: running it again changes nothing that is already there."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.security.roles import Role
from questionnaires import services
from questionnaires.models import StaffUser

DEMO_SERVICE = "Demo parent–infant service"
# A published demo password: demo mode is refused outside `make run` (DEMO_MODE=1).
DEMO_PASSWORD = "together-time-demo"
DEMO_STAFF: list[tuple[str, str, str, list[Role]]] = [
    ("demo-clinician", "Cara", "Clinician", [Role.CLINICIAN]),
    ("demo-facilitator", "Femi", "Facilitator", [Role.FACILITATOR]),
    ("demo-lead", "Leah", "Lead", [Role.SERVICE_LEAD]),
    ("demo-admin", "Adam", "Admin", [Role.ADMIN]),
]


class Command(BaseCommand):
    help = "Create demo data (demo mode only) and print the demo entry points."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only for demo mode. Set DEMO_MODE=1 (make run does).")
        service = services.create_service(
            DEMO_SERVICE,
            contact_line="Call the demo team on 01234 567890, Monday to Friday, 9am to 5pm.",
            crisis_text=(
                "If you are worried about your or your baby's safety now, call 999. "
                "For urgent help that is not an emergency, call NHS 111."
            ),
        )
        for username, first, last, roles in DEMO_STAFF:
            if not StaffUser.objects.filter(username=username).exists():
                services.create_staff_user(
                    username, DEMO_PASSWORD, service, roles, first_name=first, last_name=last
                )

        base = settings.SITE_BASE_URL
        lines = [
            ("home", base + reverse("home")),
            ("staff-login", base + reverse("staff:login")),
            ("admin-site", base + "/" + settings.ADMIN_PATH),
        ]
        lines += [
            (roles[0].value.replace("_", "-"), username) for username, _, _, roles in DEMO_STAFF
        ]
        lines.append(("demo-password", DEMO_PASSWORD))
        for label, value in lines:
            self.stdout.write(f"{label}: {value}")
