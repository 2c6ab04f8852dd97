"""Every action a role can grant is checked somewhere: an action named in a call to the
access layer (`can`, `can_everywhere`, `require`, `scoped`, `get_scoped_or_404`,
`allowed_jurisdictions`, `node_or_404`, `gate`, or media's `_check`, its wrapper of
`require`) in Tipline's own code, tests aside, and template tags too (which only decide
what a page shows). A declared action that nothing checks is a promise the code does not
keep."""

from __future__ import annotations

import ast
from pathlib import Path

import tipline
from tipline.accounts.actions import ACTIONS, ROLES

SRC = Path(tipline.__file__).parent
CHECKS = {"can", "can_everywhere", "require", "scoped", "get_scoped_or_404",
          "allowed_jurisdictions", "node_or_404", "gate", "_check"}


def _checked_actions() -> dict[str, list[str]]:
    """action code -> where it is checked (file:line)."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if {"tests", "templatetags"} & set(parts) or path.name == "actions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in CHECKS:
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, []).append(
                        f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_action_is_checked_somewhere() -> None:
    checked = _checked_actions()
    unchecked = sorted(code for code in ACTIONS if code not in checked)
    assert unchecked == [], f"declared in accounts/actions.py, checked nowhere: {unchecked}"


def test_every_checked_action_is_declared() -> None:
    checked = _checked_actions()
    unknown = sorted(code for code in checked if "." in code and code not in ACTIONS)
    assert unknown == [], f"checked but not declared: {[(c, checked[c]) for c in unknown]}"


def test_roles_grant_only_declared_actions_and_none_is_empty() -> None:
    for code, (_, _, actions) in ROLES.items():
        assert actions, f"role {code} grants nothing"
        assert set(actions) <= set(ACTIONS), code
