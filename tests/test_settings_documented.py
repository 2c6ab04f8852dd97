"""Every setting read from the environment and every Tipline command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "tipline"
OPERATIONS = ROOT / "docs" / "operations.md"
README = ROOT / "README.md"

#: env_str("NAME", ...), env_secret("NAME", ...) and friends, wherever they are called.
DECLARATION = re.compile(r"\benv_(str|opt|int|bool|list|secret)\(\s*\"([A-Z][A-Z0-9_]*)\"")


def mentioned(name: str, text: str) -> bool:
    """`name` as a whole word: TIPLINE_MEDIA_KEY is not found inside TIPLINE_MEDIA_KEY_FILE."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def declared_in_source() -> set[str]:
    """Names declared anywhere in the code, including under conditions (PostgreSQL only)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or path.parent.name == "migrations":
            continue
        for kind, name in DECLARATION.findall(path.read_text(encoding="utf-8")):
            names.add(name)
            if kind == "secret":
                names.add(f"{name}_FILE")
    return names


def test_every_declared_setting_is_in_operations_md() -> None:
    import tipline.settings  # noqa: F401 - declares the settings
    from tipline.core.env import DECLARED

    text = OPERATIONS.read_text(encoding="utf-8")
    names = set(DECLARED) | declared_in_source()
    assert "TIPLINE_HOME" in names and "DATABASE_URL" in names  # the scan works
    missing = sorted(name for name in names if not mentioned(name, text))
    assert missing == [], f"add these settings to docs/operations.md: {missing}"


def test_every_tipline_command_is_documented() -> None:
    from tipline.cli import COMMANDS

    text = README.read_text(encoding="utf-8") + OPERATIONS.read_text(encoding="utf-8")
    missing = sorted(name for name in COMMANDS if f"tipline {name}" not in text)
    assert missing == [], f"document these commands in README.md or docs/operations.md: {missing}"


@pytest.mark.parametrize("target", ["demo", "test"])
def test_readme_starts_with_make_demo_and_make_test(target: str) -> None:
    text = README.read_text(encoding="utf-8")
    quick_start = text.index("## Quick start")
    assert text.index(f"make {target}") > quick_start
    assert text.index(f"make {target}") < text.index("\n## ", quick_start + 1)


def test_mentioned_is_whole_word() -> None:
    assert mentioned("TIPLINE_MEDIA_KEY", "| `TIPLINE_MEDIA_KEY` |")
    assert not mentioned("TIPLINE_MEDIA_KEY", "TIPLINE_MEDIA_KEY_FILE")
    assert not mentioned("DEBUG", "TIPLINE_DEBUG")


def test_relative_links_in_the_docs_resolve() -> None:
    """README.md and docs/*.md link only to files that exist in the repository."""
    link = re.compile(r"\]\((?!https?://|mailto:|#)([^)#\s]+)(?:#[^)]*)?\)")
    broken: list[str] = []
    for doc in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in link.findall(doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []
