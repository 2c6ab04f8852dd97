"""Password rules beyond Django's: a password may not be the user name dressed up."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: a part of the user name this long or longer may not appear in the password
MIN_PART = 4


def _letters(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


class UserNameInPasswordValidator:
    """Refuse a password that contains the user name, or a part of it of MIN_PART or more
    characters, whatever the case and the punctuation around it: "Beed.Officer2024" for
    beed.officer, "admin12345678" for admin. (Django's UserAttributeSimilarityValidator
    compares whole strings, so a name with enough digits after it passed.)"""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "")
        if not username:
            return
        plain = _letters(password)
        parts = {_letters(username)} | {_letters(p) for p in re.split(r"[\W_]+", username)}
        if any(len(part) >= MIN_PART and part in plain for part in parts) or (
                _letters(username) and plain and plain in _letters(username)):
            raise ValidationError("The password contains the user name (or a part of it).",
                                  code="password_has_username")

    def get_help_text(self) -> str:
        return "Your password can't contain your user name or a part of it."
