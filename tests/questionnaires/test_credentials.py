"""Parent credentials (LINK-1): link tokens are strong and unique, short codes use a look-alike-
free alphabet and are typed back case-insensitively."""

from __future__ import annotations

import base64
import re

import pytest

from questionnaires import credentials

pytestmark = pytest.mark.django_db


def test_tokens_have_at_least_128_bits_and_are_unique() -> None:
    """LINK-1: link tokens come from `secrets` with >= 128 bits and never repeat."""
    tokens = {credentials.new_token() for _ in range(500)}
    assert len(tokens) == 500
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
    assert credentials.TOKEN_BYTES * 8 >= 128
    # Not sequential: no shared prefix across tokens beyond chance.
    assert len({token[:4] for token in tokens}) > 400


def test_codes_use_the_look_alike_free_alphabet() -> None:
    """LINK-1: short codes avoid 0/O and 1/I/L, are random and typed back case-insensitively."""
    assert not set("01OIL") & set(credentials.CODE_ALPHABET)
    codes = [credentials.new_code() for _ in range(500)]
    assert len(set(codes)) == 500
    for code in codes:
        assert len(code) == credentials.PERSONAL_CODE_LENGTH
        assert set(code) <= set(credentials.CODE_ALPHABET)
    # About 39 bits: guessing one live code needs ~10^11 tries, against 10 per 10 minutes.
    assert len(credentials.CODE_ALPHABET) ** credentials.PERSONAL_CODE_LENGTH > 2**39
    code = codes[0]
    assert credentials.normalise_code(credentials.display_code(code).lower()) == code
