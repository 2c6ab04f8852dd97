"""What keeps machines out of the tip form, offline and self-hosted (no CAPTCHA service).

A browser with JavaScript does a little work: the server issues a challenge signed with
HMAC (kind, time, random nonce, difficulty), the browser (static/tips/pow.js) finds a counter
whose SHA-256 over `challenge:counter` starts with that many zero bits, and the server checks
the signature, the age and the work. Without JavaScript the form asks a sum in words instead
("What is seven plus five?"), whose answer is bound into the signature. Either works once:
the tip spends its nonce (services.challenge_spend). Pure functions; nothing is stored here.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

POW, QUESTION = "pow1", "q1"
#: a challenge dated this far ahead of the server's clock is refused (clock skew between
#: web processes is allowed for, no more)
SKEW_SECONDS = 60


class ChallengeError(Exception):
    """The challenge failed: `code` says how (invalid, expired, wrong)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _sign(kind: str, message: str) -> str:
    return salted_hmac(f"tipline.tips.{kind}", message, algorithm="sha256").hexdigest()


def _now(now: float | None) -> int:
    return int(time.time() if now is None else now)


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def pow_issue(*, bits: int | None = None, now: float | None = None) -> str:
    """A proof-of-work challenge: `pow1.<time>.<nonce>.<bits>.<signature>`."""
    bits = settings.TIP_POW_BITS if bits is None else bits
    message = f"{POW}.{_now(now)}.{secrets.token_hex(12)}.{bits}"
    return f"{message}.{_sign(POW, message)}"


def pow_work(token: str, solution: str) -> bytes:
    """The digest the work is judged on: SHA-256 of `token:solution` (ASCII)."""
    return hashlib.sha256(f"{token}:{solution}".encode("ascii")).digest()


def _fresh(issued: str, now: float | None) -> None:
    try:
        at = int(issued)
    except ValueError:
        raise ChallengeError("invalid") from None
    current = _now(now)
    if at > current + SKEW_SECONDS:
        raise ChallengeError("invalid")
    if current - at > settings.TIP_CHALLENGE_SECONDS:
        raise ChallengeError("expired")


def pow_check(*, token: str, solution: str, now: float | None = None) -> str:
    """The challenge's nonce when the work is done and the challenge is ours and fresh;
    ChallengeError otherwise. Whether it was used before is the caller's to check."""
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != POW:
        raise ChallengeError("invalid")
    kind, issued, nonce, bits_text, signature = parts
    if not constant_time_compare(signature, _sign(POW, ".".join(parts[:4]))):
        raise ChallengeError("invalid")
    _fresh(issued, now)
    if not (solution.isascii() and solution.isdigit() and len(solution) <= 20):
        raise ChallengeError("wrong")
    if leading_zero_bits(pow_work(token, solution)) < int(bits_text):
        raise ChallengeError("wrong")
    return nonce


def pow_solve(token: str) -> str:
    """Do the work in Python (what pow.js does in the browser): for tests and scripts."""
    bits = int(token.split(".")[3])
    counter = 0
    while leading_zero_bits(pow_work(token, str(counter))) < bits:
        counter += 1
    return str(counter)


#: the numbers the question is written with, in words (translated)
NUMBER_WORDS = {
    1: _("one"), 2: _("two"), 3: _("three"), 4: _("four"), 5: _("five"), 6: _("six"),
    7: _("seven"), 8: _("eight"), 9: _("nine"),
}


@dataclass(frozen=True)
class Question:
    """A sum in words, and the signed token that carries its answer's signature."""

    token: str
    first: int
    second: int

    @property
    def text(self) -> str:
        return str(_("What is %(first)s plus %(second)s? Write the answer in digits.") % {
            "first": NUMBER_WORDS[self.first], "second": NUMBER_WORDS[self.second]})


def question_issue(*, now: float | None = None) -> Question:
    """A question for a browser without JavaScript: `q1.<time>.<nonce>.<signature>`, where
    the signature covers the answer too, so the token does not give it away."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    message = f"{QUESTION}.{_now(now)}.{secrets.token_hex(12)}"
    return Question(token=f"{message}.{_sign(QUESTION, f'{message}.{first + second}')}",
                    first=first, second=second)


def question_check(*, token: str, answer: str, now: float | None = None) -> str:
    """The challenge's nonce when the answer is right (digits in any script: "12", "१२")
    and the challenge is ours and fresh; ChallengeError otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != QUESTION:
        raise ChallengeError("invalid")
    _, issued, nonce, signature = parts
    _fresh(issued, now)
    try:
        value = int(answer.strip())
    except ValueError:
        raise ChallengeError("wrong") from None
    if not constant_time_compare(signature, _sign(QUESTION, f"{'.'.join(parts[:3])}.{value}")):
        raise ChallengeError("wrong")
    return nonce
