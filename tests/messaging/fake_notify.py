"""A local stand-in for GOV.UK Notify's API on 127.0.0.1, for the official client to talk to:
POST /v2/notifications/sms and /email, GET /v2/notifications/{id} and
GET /v2/notifications?reference=…. It checks each request's JWT with the API key's secret, as
Notify does, and records what it received. Nothing leaves the machine."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from notifications_python_client.authentication import decode_jwt_token
from notifications_python_client.errors import TokenError

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"portaltest-{SERVICE_ID}-{SECRET}"


@dataclass
class FakeNotify:
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    rejected_tokens: int = 0
    down: bool = False
    delivery_status: str = "delivered"
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Template id → its words with ((placeholders)), as a service writes them in Notify; a
    # message sent with one is recorded with its rendered "body", as the parent would read it.
    templates: dict[str, str] = field(default_factory=dict)

    def sms(self) -> list[dict[str, Any]]:
        return [n for n in self.sent if n["type"] == "sms"]


def _handler(state: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ")
            try:
                decode_jwt_token(token, SECRET)
            except TokenError:
                state.rejected_tokens += 1
                self._reply(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                return False
            return True

        def do_POST(self) -> None:  # noqa: N802
            if state.down:
                self._reply(503, {"errors": [{"error": "Down", "message": "Try later"}]})
                return
            if not self._authorised():
                return
            kind = urlsplit(self.path).path.rsplit("/", 1)[-1]
            if kind not in ("sms", "email"):
                self._reply(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            notification = {
                "id": str(uuid.uuid4()),
                "type": kind,
                "reference": body.get("reference"),
                "to": body.get("phone_number") or body.get("email_address"),
                "template_id": body["template_id"],
                "personalisation": body.get("personalisation", {}),
                "status": "created",
            }
            words = state.templates.get(body["template_id"])
            if words is not None:
                for name, value in notification["personalisation"].items():
                    words = words.replace(f"(({name}))", str(value))
                notification["body"] = words
            with state.lock:
                state.sent.append(notification)
            self._reply(
                201,
                {
                    "id": notification["id"],
                    "reference": notification["reference"],
                    "content": {"body": "…"},
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                },
            )

        def do_GET(self) -> None:  # noqa: N802
            if state.down:
                self._reply(503, {"errors": [{"error": "Down", "message": "Try later"}]})
                return
            if not self._authorised():
                return
            parts = urlsplit(self.path)
            if parts.path == "/v2/notifications":
                reference = parse_qs(parts.query).get("reference", [None])[0]
                found = [n for n in state.sent if n["reference"] == reference]
                self._reply(200, {"notifications": found, "links": {}})
                return
            wanted = parts.path.rsplit("/", 1)[-1]
            for notification in state.sent:
                if notification["id"] == wanted:
                    notification["status"] = state.delivery_status
                    self._reply(200, notification)
                    return
            self._reply(404, {"errors": [{"error": "NoResultFound", "message": "No result"}]})

    return Handler


def start() -> tuple[FakeNotify, ThreadingHTTPServer]:
    state = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
