"""Sending messages (issue 14). One small interface (`base.Sender`) with two adapters:
GOV.UK Notify (`notify_sender`) and Django's email backend (`email_sender`). The outbox worker
(`services/outbox.py`) knows only the interface, so another provider (NHS Notify) is one more
adapter. `compose` holds the words: no health information, only the service's name, the
personal link, the short code and the contact line."""
