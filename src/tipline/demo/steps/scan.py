"""The demo's media scan: hash, match and score every stored file, then load the demo's hash
bank, made of the PDQ hashes of a few of the demo's own generated images (abstract shapes:
DEMO ONLY, not real material), so that matches, priorities and the review queue show
something."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tipline.accounts.services import system_user
from tipline.core.progress import Progress
from tipline.intake.blind import file_hash_index
from tipline.intake.models import ReportFile
from tipline.media.models import FileSignal, HashBank
from tipline.media.services import BankImport, ScanResult, bank_create, bank_import, files_scan

DEMO_BANK = "demo-known"
DEMO_BANK_SIZE = 6


@dataclass(frozen=True)
class Scanned:
    """What the scan did and, the first time, what the demo bank's import found."""

    files: int
    result: ScanResult
    bank: BankImport | None = None

    def summary(self) -> str:
        r = self.result
        text = (f"scanned {self.files} files: hashed {r.hashed}, failed {r.failed}, "
                f"matches {r.matches}")
        if self.bank is None:
            return text
        retro = self.bank.retro
        return (f"{text}\ndemo hash bank {DEMO_BANK!r}: {self.bank.added} hashes; retro-hunt "
                f"matched {retro.matches if retro else 0} files in "
                f"{len(retro.reports) if retro else 0} reports")


def files_scan_demo(*, folder: Path, progress: Progress | None = None) -> Scanned:
    """Scan every stored file; then, unless it exists, load the demo bank (written to
    `folder` as a PDQ list) and let its retro-hunt match the files already held."""
    scanner = system_user("scanner")
    ids = list(ReportFile.objects.filter(stored=True).order_by("pk")
               .values_list("pk", flat=True))
    result = files_scan(actor=scanner, file_ids=ids, progress=progress)
    if HashBank.objects.filter(name=DEMO_BANK).exists():
        return Scanned(len(ids), result)
    path = folder / "demo-known-hashes.txt"
    path.write_text(_demo_hash_list(), encoding="utf-8")
    bank = bank_create(actor=scanner, name=DEMO_BANK, confirmed=True,
                       description="DEMO ONLY: hashes of generated demo images")
    imported = bank_import(actor=scanner, bank=bank, path=path, format_name="pdq-list")
    return Scanned(len(ids), result, imported)


def _demo_hash_list() -> str:
    """A PDQ list of the first few distinct demo images (by SHA-256)."""
    contents = sorted(set(ReportFile.objects.filter(stored=True)
                          .values_list("sha256", flat=True)))[:DEMO_BANK_SIZE]
    # the scan just stored their PDQ hashes: read them, don't hash the images again
    pdqs = dict(FileSignal.objects.filter(
        file__sha256_index__in=[file_hash_index("sha256", s) for s in contents],
        timestamp__isnull=True)
                .values_list("file__sha256", "pdq"))
    lines = [f"# DEMO ONLY: PDQ hashes of {len(pdqs)} generated demo images "
             "(abstract shapes), standing in for a hash list of known material"]
    lines += [pdqs[sha] for sha in contents if sha in pdqs]
    return "\n".join(lines) + "\n"
