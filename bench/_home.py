"""What every benchmark starts from: a fresh TIPLINE_HOME with a migrated SQLite database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def fresh_home(prefix: str) -> Path:
    """Point Tipline at a new empty data folder (SQLite, never DATABASE_URL) and set it up."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["TIPLINE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    import django

    django.setup()
    from tipline.core.bootstrap import ensure_ready

    ensure_ready()
    return home
