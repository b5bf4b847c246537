"""Requests as they reach the app behind `proxies` reverse proxies (AUTH-5): each proxy appends
the address it saw to X-Forwarded-For, and the app's socket peer (REMOTE_ADDR) is the last proxy.
Whatever the client put in X-Forwarded-For itself stays on the left."""

from __future__ import annotations

from typing import Any

# The proxies' own addresses, outermost first (proxy 1 faces the internet).
PROXIES = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]


def through(client: str, proxies: int, forged: str | None = None) -> dict[str, Any]:
    """The request META (`Client(**through(...))`) of a request from `client` that passed
    through `proxies` proxies; `forged` is an X-Forwarded-For the client sent itself."""
    if proxies == 0:
        meta: dict[str, Any] = {"REMOTE_ADDR": client}
        if forged is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forged
        return meta
    # Proxy 1 appends the client's address, proxy k appends proxy k-1's.
    appended = [client, *PROXIES[: proxies - 1]]
    chain = ([forged] if forged is not None else []) + appended
    return {"REMOTE_ADDR": PROXIES[proxies - 1], "HTTP_X_FORWARDED_FOR": ", ".join(chain)}
