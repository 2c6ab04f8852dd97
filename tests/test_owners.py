"""One owner per stateful model: only the app that defines a model writes it (through its
services); every other app calls those services. Read from the source, so a new cross-app
write fails here before it lands."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[1] / "src" / "tipline"
#: the ways a model's rows are written
WRITES = {"create", "bulk_create", "bulk_update", "update", "delete", "get_or_create",
          "update_or_create", "save"}
BULK = {"insert_rows", "update_rows"}  # core.bulk's writers take the model first


def _owners() -> dict[tuple[str, str], str]:
    """(app label, model name) -> app label, for Tipline's own models."""
    return {(m._meta.app_label, m.__name__): m._meta.app_label for m in apps.get_models()
            if m.__module__.startswith("tipline.")}


def _foreign_models(tree: ast.Module, app: str) -> dict[str, str]:
    """Names this module imports from another app's models: name -> owning app."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "tipline.") and node.module.endswith(".models"):
            owner = node.module.split(".")[1]
            if owner != app:
                out.update({alias.asname or alias.name: owner for alias in node.names})
    return out


def _root_name(node: ast.AST) -> str | None:
    """The name a chain such as `Report.objects.filter(...).update` starts from."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _writes(source: str, app: str, where: str) -> list[str]:
    """Each write in `source` (a module of `app`) to a model another app owns."""
    tree = ast.parse(source)
    foreign = _foreign_models(tree, app)
    lowered = {name.lower(): name for name in foreign}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        target = None
        if isinstance(func, ast.Attribute) and func.attr in WRITES:
            root = _root_name(func.value)
            if root in foreign and "objects" in ast.unparse(func.value):
                target = root  # Report.objects....update(...)
            elif func.attr in ("save", "delete") and root in lowered \
                    and isinstance(func.value, ast.Name):
                target = lowered[root]  # report.save(...) on another app's record
        elif isinstance(func, ast.Name) and func.id in BULK and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in foreign:
                target = first.id  # insert_rows(Report, ...)
        if target:
            found.append(f"{where}:{node.lineno} writes {foreign[target]}.{target}")
    return found


def _modules() -> list[tuple[Path, str]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        out.append((path, parts[0]))
    return out


def test_every_model_is_written_only_by_its_own_app() -> None:
    assert _owners(), "no Tipline models found"
    offences = [w for path, app in _modules()
                for w in _writes(path.read_text(encoding="utf-8"), app,
                                 str(path.relative_to(SRC)))]
    assert offences == [], "another app's model written directly; call its service:\n" + \
        "\n".join(offences)


def test_the_check_sees_each_kind_of_cross_app_write() -> None:
    source = ("from tipline.intake.models import Report\n"
              "from tipline.core.bulk import update_rows\n"
              "def f(report):\n"
              "    Report.objects.filter(pk=1).update(status='closed')\n"
              "    report.save(update_fields=['status'])\n"
              "    update_rows(Report, ('status',), [])\n"
              "    Report.objects.filter(pk=1).count()\n")
    assert _writes(source, "routing", "x.py") == [
        "x.py:4 writes intake.Report", "x.py:5 writes intake.Report",
        "x.py:6 writes intake.Report"]
    assert _writes(source, "intake", "x.py") == []  # the owner may
