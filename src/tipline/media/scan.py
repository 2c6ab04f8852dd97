"""Re-scanning a selection of files: all, one import batch, one bank, or a date range."""

from __future__ import annotations

from datetime import datetime

from tipline.accounts.types import Actor
from tipline.core.errors import RejectedInput
from tipline.core.progress import Progress
from tipline.media.models import HashBank
from tipline.media.selectors import files_to_scan
from tipline.media.services import ScanResult, bank_retrohunt, files_scan


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RejectedInput(f"not a date: {value!r} (use YYYY-MM-DD)") from exc
    if parsed.tzinfo is None:
        from django.utils import timezone

        parsed = timezone.make_aware(parsed)
    return parsed


def scan_run(*, actor: Actor, batch_id: int | None = None, bank: str | None = None,
             since: str | None = None, until: str | None = None, rehash: bool = False,
             progress: Progress | None = None) -> ScanResult:
    """Re-scan files: a bank's entries against every file (retro-hunt), or the selected files
    against every bank (hashing them again with `rehash`)."""
    if bank:
        found = HashBank.objects.filter(name=bank).first()
        if found is None:
            raise RejectedInput(f"no such bank: {bank}")
        return bank_retrohunt(actor=actor, bank=found, progress=progress)
    ids = list(files_to_scan(batch_id=batch_id, since=_when(since), until=_when(until))
               .values_list("pk", flat=True))
    return files_scan(actor=actor, file_ids=ids, rehash=rehash, progress=progress)
