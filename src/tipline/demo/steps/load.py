"""The demo's import: the generated export, through intake's import pipeline like any other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tipline.accounts.types import Actor
from tipline.core.progress import Progress
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import ImportBatch


@dataclass(frozen=True)
class Loaded:
    """The import batch the export became."""

    batch: ImportBatch

    def summary(self) -> str:
        b = self.batch
        return (f"import batch #{b.pk}: imported {b.imported}, duplicates {b.duplicates}, "
                f"new versions {b.versions}, rejected {b.rejected}")


def export_load(*, actor: Actor, zip_path: Path, progress: Progress | None = None) -> Loaded:
    """Import the export (a second run finds every report a duplicate). The demo drives the
    steps after intake itself, one by one with their progress, so nothing is queued."""
    return Loaded(ingest_paths(paths=[zip_path], actor=actor, progress=progress,
                               continue_flow=False))
