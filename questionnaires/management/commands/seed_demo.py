"""Seeds made-up demo data and prints the demo entry points, one `label: value` per line.
Idempotent: running it again changes nothing that is already there."""

from base64 import b32encode
from binascii import unhexlify
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials, demo, demo_outcomes
from questionnaires.models import Family, Programme, Service, StaffUser, Timepoint
from questionnaires.roles import Role
from questionnaires.services import families, invitations, mfa, staff

DEMO_SERVICE = "Demo parent–infant service"
# A published demo password: demo mode is refused outside `make run` (DEMO_MODE=1).
DEMO_PASSWORD = "together-time-demo"
DEMO_STAFF: list[tuple[str, str, str, list[Role]]] = [
    ("demo-clinician", "Cara", "Clinician", [Role.CLINICIAN]),
    ("demo-facilitator", "Femi", "Facilitator", [Role.FACILITATOR]),
    ("demo-lead", "Leah", "Lead", [Role.SERVICE_LEAD]),
    ("demo-admin", "Adam", "Admin", [Role.ADMIN]),
]


def demo_secret(username: str) -> str:
    """The demo account's authenticator secret as authenticator apps take it (base32)."""
    return b32encode(unhexlify(mfa.demo_key(username))).decode()


class Command(BaseCommand):
    help = "Create demo data (demo mode only) and print the demo entry points."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only for demo mode. Set DEMO_MODE=1 (make run does).")
        service = staff.create_service(
            DEMO_SERVICE,
            contact_line="Call the demo team on 01234 567890, Monday to Friday, 9am to 5pm.",
            crisis_text=(
                "If you are worried about your or your baby's safety now, call 999. "
                "For urgent help that is not an emergency, call NHS 111."
            ),
        )
        for username, first, last, roles in DEMO_STAFF:
            user = StaffUser.objects.filter(username=username).first() or staff.create_staff_user(
                username, DEMO_PASSWORD, service, roles, first_name=first, last_name=last
            )
            # A published authenticator secret per demo account, so a newcomer can sign in as
            # every role (AUTH-3 still applies: demo mode is refused in production).
            mfa.give_demo_authenticator(user)

        issued = self.fresh_parent_invitation(service)
        facilitator = StaffUser.objects.get(username="demo-facilitator")
        room = demo.open_demo_group(service, facilitator)
        demo.past_demo_group(service, facilitator)
        demo.demo_caseload(service, StaffUser.objects.get(username="demo-clinician"))
        # Issue 13: paired start and end answers for the service outcomes page.
        demo_outcomes.demo_outcomes(
            service, StaffUser.objects.get(username="demo-clinician"), facilitator
        )
        base = settings.SITE_BASE_URL
        lines = [
            ("group-join", base + reverse("parents:group_join", kwargs={"code": room.code})),
            ("group-code", room.code),
            ("parent-link", base + reverse("parents:link", kwargs={"token": issued.token})),
            ("start-code", credentials.display_code(issued.short_code)),
            ("start-page", base + reverse("parents:code")),
            ("home", base + reverse("home")),
            ("staff-login", base + reverse("staff:login")),
            ("admin-site", base + "/" + settings.ADMIN_PATH),
        ]
        lines += [
            (roles[0].value.replace("_", "-"), username) for username, _, _, roles in DEMO_STAFF
        ]
        lines.append(("demo-password", DEMO_PASSWORD))
        lines += [
            (f"{roles[0].value.replace('_', '-')}-mfa-secret", demo_secret(username))
            for username, _, _, roles in DEMO_STAFF
        ]
        lines.append(("mfa-code", "make mfa-code ACCOUNT=demo-clinician (any demo username)"))
        for label, value in lines:
            self.stdout.write(f"{label}: {value}")

    def fresh_parent_invitation(self, service: Service) -> invitations.IssuedInvitation:
        """A demo parent whose T1 questionnaires are waiting: a new link on every run, because
        only the hash of a link is stored and the plain link cannot be printed again."""
        clinician = StaffUser.objects.get(username="demo-clinician")
        family = Family.objects.filter(service=service, label="DEMO-0001").first()
        if family is None:
            family = families.register_family(
                service,
                label="DEMO-0001",
                parent_name="Maryam",
                relationship="mother",
                infant_dob=timezone.localdate() - timedelta(days=200),
                actor=clinician,
            )
        episode = family.episodes.first() or families.open_episode(
            family, Programme.PSYCHOTHERAPY, timezone.localdate(), clinician
        )
        return invitations.issue_invitation(episode, Timepoint.T1, clinician)
