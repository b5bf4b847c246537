"""LOG-2: no credential in a log line. Django's request logger writes the path of every 4xx
("Not Found: /p/<token>", "Too Many Requests: /p/<token>"), and a path can carry a personal
link's token or a group's room code. This filter rewrites such paths in a record's message,
its arguments and its request before any handler formats it."""

from __future__ import annotations

import logging
import re

# The URL shapes that carry a credential (portal/parents/urls.py): /p/<token>, /g/<room code>.
CREDENTIAL_PATH = re.compile(r"/(p|g)/[^/\s?#\"'<>]+")
REDACTED = r"/\1/[redacted]"


def redact(text: str) -> str:
    return CREDENTIAL_PATH.sub(REDACTED, text)


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        # django.request attaches the request; handlers such as an e-mail to admins print it.
        if hasattr(record, "request"):
            record.request = redact(repr(record.request))
        return True
