"""Security headers on every page (DEP-3)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_security_headers_on_pages(client: Client) -> None:
    """DEP-3: CSP without inline script, no-referrer, nosniff, no-store, no framing."""
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
