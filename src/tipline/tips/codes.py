"""The tipster's tracking number and secret: random, readable, forgiving of how they are
typed back (Crockford's base 32)."""

from __future__ import annotations

import secrets

#: Crockford's base 32: no I, L, O or U, so a number read aloud or copied by hand survives
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _groups(count: int) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(count))


def tracking_new() -> str:
    """A tracking number: `TIP-` and 8 random characters (40 bits), e.g. TIP-7K3Q-9M2X."""
    return f"TIP-{_groups(2)}"


def secret_new() -> str:
    """A secret: 16 random characters (80 bits), e.g. 4JX2-QH7M-0RVC-8N3T."""
    return _groups(4)


def normalise(code: str) -> str:
    """A tracking number or secret as typed, in its canonical form: upper case, no spaces,
    O read as 0, I and L as 1 (Crockford's rule), groups of four joined by hyphens."""
    text = "".join(code.upper().split()).replace("-", "")
    text = text.translate(str.maketrans("OIL", "011"))
    prefix = ""
    if text.startswith("T1P"):  # "TIP" after the I -> 1 rule
        prefix, text = "TIP-", text[3:]
    return prefix + "-".join(text[i:i + 4] for i in range(0, len(text), 4))
