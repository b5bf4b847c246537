"""Capability credentials for parents (LINK-1): long random tokens for links, short codes a
parent can type. Only keyed hashes are stored, so a database copy cannot be turned back into
working links."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No look-alike characters (0/O, 1/I/L), so a code read off a screen or paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PERSONAL_CODE_LENGTH = 8
TOKEN_BYTES = 32  # 256 bits, over the 128 that LINK-1 asks for


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code(length: int = PERSONAL_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str:
    """What a parent types may be in any case, with spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def credential_hash(value: str) -> str:
    # Keyed, so short codes (about 40 bits) cannot be brute-forced offline from a database copy.
    key = settings.CREDENTIAL_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def display_code(code: str) -> str:
    """Groups of four are easier to read out and copy: K7QP-M2XD."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def spaced_code(code: str) -> str:
    """A room code read off a projector or poster: one character at a time, K 7 Q P M 2."""
    return " ".join(code)
