"""Typed helpers that read settings from the environment.

Every setting Tipline reads is declared through one of these helpers so that
`docs/operations.md` can list them and a test can check that each is documented.
"""

from __future__ import annotations

import os
from pathlib import Path

#: name -> one-line description; filled as settings are declared.
DECLARED: dict[str, str] = {}


def _declare(name: str, doc: str) -> str | None:
    DECLARED[name] = doc
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def env_str(name: str, default: str, doc: str) -> str:
    value = _declare(name, doc)
    return default if value is None else value


def env_opt(name: str, doc: str) -> str | None:
    return _declare(name, doc)


def env_int(name: str, default: int, doc: str) -> int:
    value = _declare(name, doc)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


def env_bool(name: str, default: bool, doc: str) -> bool:
    value = _declare(name, doc)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def env_list(name: str, default: list[str], doc: str) -> list[str]:
    value = _declare(name, doc)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_secret(name: str, doc: str) -> str | None:
    """A secret from `NAME` or from the file named by `NAME_FILE` (the file wins)."""
    file_value = _declare(f"{name}_FILE", f"file holding {name}")
    value = _declare(name, doc)
    if file_value:
        return Path(file_value).read_text(encoding="utf-8").strip()
    return value
