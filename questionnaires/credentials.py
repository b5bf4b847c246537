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


def new_seed() -> str:
    return secrets.token_hex(16)


def derived_code(seed: str, length: int = PERSONAL_CODE_LENGTH) -> str:
    """A code computed from a stored random seed and the credential key: the plain code need
    never be kept (not in a session row, not in a table), yet the parent can be shown it again.
    A database copy without the key gives nothing; with the key, the keyed hashes would fall to
    the same search, so this is no weaker than storing only the hash."""
    digest = hmac.new(
        settings.CREDENTIAL_HASH_KEY.encode(), f"derived-code:{seed}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest, "big")
    letters = []
    for _ in range(length):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def display_code(code: str) -> str:
    """Groups of four are easier to read out and copy: K7QP-M2XD."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def spaced_code(code: str) -> str:
    """A room code read off a projector or poster: one character at a time, K 7 Q P M 2."""
    return " ".join(code)
