"""The words of each message, in plain English (reading age as for parent pages). No health
information: the service's name, the personal link, the short code and the contact line only.
The same words are Notify's personalisation (((service_name)), ((link)), ((code)),
((code_url)), ((contact_line))) and the body of an email sent by SMTP."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Words:
    subject: str
    body: str
    fields: dict[str, str]


def invitation(
    service_name: str, link: str, code: str, code_url: str, contact_line: str, reminder: bool
) -> Words:
    fields = {
        "service_name": service_name,
        "link": link,
        "code": code,
        "code_url": code_url,
        "contact_line": contact_line or service_name,
    }
    if reminder:
        subject = _("A reminder from %(service)s") % {"service": service_name}
        opening = _("Hello. This is a reminder from %(service)s.") % {"service": service_name}
        ask = _("Your questions are still waiting for you. Use this link:")
    else:
        subject = _("Some questions from %(service)s") % {"service": service_name}
        opening = _("Hello from %(service)s.") % {"service": service_name}
        ask = _("Please answer a few short questions for us. Use this link:")
    body = "\n\n".join(
        [
            opening,
            ask,
            link,
            _("Or go to %(url)s and type the code %(code)s") % {"url": code_url, "code": code},
            _("Any questions? %(contact)s") % {"contact": fields["contact_line"]},
        ]
    )
    return Words(subject, body, fields)


def staff_alert(site_url: str) -> Words:
    subject = _("A questionnaire needs your attention")
    body = "\n\n".join(
        [
            _("A questionnaire needs your attention."),
            _("Sign in to see it: %(url)s") % {"url": site_url},
        ]
    )
    return Words(subject, body, {"sign_in_url": site_url})
