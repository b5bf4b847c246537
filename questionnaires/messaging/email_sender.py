"""Email through Django's email backend (SMTP in production). SMTP cannot be asked whether a
message went, so sending is at most once: a message handed over but not recorded (the worker
crashed in between) is marked "unknown — check", never sent again."""

from __future__ import annotations

import smtplib
import uuid

from django.core.mail import EmailMessage

from questionnaires.messaging.base import Outgoing, PermanentFailure, Receipt, TemporaryFailure


class EmailSender:
    name = "smtp"
    can_look_up = False

    def send(self, message: Outgoing) -> Receipt:
        if message.channel != "email":
            raise PermanentFailure("Texts need GOV.UK Notify, which is not set up")
        email = EmailMessage(message.subject, message.body, to=[message.to])
        email.extra_headers["X-Reference"] = message.reference
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure("The email address was refused") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure("The email server could not be reached") from error
        return Receipt(f"smtp-{uuid.uuid4()}", "sending")

    def find(self, reference: str) -> Receipt | None:
        return None

    def status(self, provider_id: str) -> Receipt | None:
        return None
