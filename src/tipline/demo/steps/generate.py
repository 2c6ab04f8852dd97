"""The demo's export: generated into TIPLINE_HOME/demo once for a number of reports, a seed
and a generator version, and kept (with a stamp saying how it was made) until one changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tipline.demo.generator import GENERATOR_VERSION, GenerationSummary, Progress, generate_export


@dataclass(frozen=True)
class DemoExport:
    """The export the demo imports, its ground truth, and how it came to be there."""

    zip_path: Path
    truth_path: Path
    reports: int
    seed: int
    generated: GenerationSummary | None = None  # None: the export already there was kept

    def summary(self) -> str:
        made = self.generated
        if made is None:
            return (f"demo export already generated: {self.zip_path} ({self.reports} reports, "
                    f"seed {self.seed})")
        kinds = ", ".join(f"{k} {n}" for k, n in made.by_kind.items())
        return (
            f"generated {made.reports} reports with {made.files} files "
            f"({made.distinct_images} distinct images) in {made.seconds:.1f}s: "
            f"{self.zip_path} ({made.zip_bytes / 1e6:.1f} MB)\n"
            f"ground truth (kept outside the export): {self.truth_path} [{kinds}]"
        )


def _stamp(*, reports: int, seed: int) -> dict[str, object]:
    return {"reports": reports, "seed": seed, "generator": GENERATOR_VERSION}


def export_found(*, folder: Path, reports: int, seed: int) -> DemoExport | None:
    """The export already in `folder`, if it was made for these reports and seed by this
    generator version."""
    found = DemoExport(folder / "export.zip", folder / "ground_truth.csv", reports, seed)
    stamp_path = folder / "export.json"
    if not (found.zip_path.exists() and found.truth_path.exists() and stamp_path.exists()):
        return None
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = {}
    wanted = _stamp(reports=reports, seed=seed)
    return found if {k: stamp.get(k) for k in wanted} == wanted else None


def export_generate(*, folder: Path, reports: int, seed: int,
                    progress: Progress | None = None) -> DemoExport:
    """Generate the export into `folder` (replacing any other) and stamp it."""
    folder.mkdir(parents=True, exist_ok=True)
    zip_path, truth_path = folder / "export.zip", folder / "ground_truth.csv"
    made = generate_export(out_zip=zip_path, ground_truth_csv=truth_path, reports=reports,
                           seed=seed, progress=progress)
    (folder / "export.json").write_text(
        json.dumps({**_stamp(reports=reports, seed=seed), "zip_bytes": made.zip_bytes}),
        encoding="utf-8")
    return DemoExport(zip_path, truth_path, reports, seed, made)
