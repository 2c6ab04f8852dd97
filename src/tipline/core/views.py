"""Pages that belong to no step of the flow."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SKIP = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def _source_files() -> list[tuple[Path, str]]:
    package = Path(settings.BASE_DIR)
    checkout = package.parent.parent
    files = [(p, f"tipline/src/tipline/{p.relative_to(package).as_posix()}")
             for p in sorted(package.rglob("*"))
             if p.is_file() and not SKIP & set(p.relative_to(package).parts)
             and p.suffix != ".pyc"]
    for name in ("pyproject.toml", "requirements.lock", "LICENSE", "README.md", "Makefile"):
        if (checkout / name).is_file():
            files.append((checkout / name, f"tipline/{name}"))
    return files


@require_GET
@cache_control(max_age=3600)
def source_archive(request: HttpRequest) -> HttpResponse:
    """The Corresponding Source of the running Tipline (AGPL-3.0-or-later, section 13)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, name in _source_files():
            tar.add(path, arcname=name, recursive=False)
    response = HttpResponse(buffer.getvalue(), content_type="application/gzip")
    response["Content-Disposition"] = 'attachment; filename="tipline-source.tar.gz"'
    return response
