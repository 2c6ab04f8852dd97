"""Small raw artifacts are kept encrypted in their row (Artifact.data): `tipline keys rotate`
re-encrypts them under the current data key (registered in apps.py)."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import BinaryField, Count
from django.db.models.functions import Substr

from tipline.core.crypto import MAGIC, MAGIC_V1, DecryptionError, reencrypt_bytes
from tipline.core.keys import Keyring, Rotated
from tipline.core.progress import NullProgress, Progress
from tipline.intake.models import Artifact

BATCH = 500
#: the ciphertext's first bytes: magic and (TLB2) key id
HEAD = 6


def _head() -> Substr:
    """The ciphertext's first HEAD bytes, as bytes (Substr is text unless told)."""
    return Substr("data", 1, HEAD, output_field=BinaryField())


def _head_key_id(head: bytes) -> int:
    if head[:4] == MAGIC_V1:
        return 1
    if head[:4] == MAGIC and len(head) == HEAD:
        return int.from_bytes(head[4:6], "big")
    return 0


def artifacts_census() -> dict[int, int]:
    """Inline artifacts by the data key sealing them (0: not a Tipline ciphertext)."""
    counts: Counter[int] = Counter()
    rows = (Artifact.objects.filter(data__isnull=False)
            .annotate(head=_head()).values("head").annotate(n=Count("id")))
    for row in rows:
        counts[_head_key_id(bytes(row["head"]))] += row["n"]
    return dict(counts)


def artifacts_rotate(*, keyring: Keyring, limit: int | None = None,
                     progress: Progress | None = None) -> Rotated:
    """Re-encrypt, a batch per transaction, every inline artifact not under the current key."""
    progress = progress or NullProgress()
    result = Rotated()
    current = MAGIC + keyring.current_id.to_bytes(2, "big")
    result.current = (Artifact.objects.filter(data__isnull=False)
                      .annotate(head=_head()).filter(head=current).count())
    last = 0
    while True:
        if limit is not None and result.done >= limit:
            result.stopped = (Artifact.objects.filter(data__isnull=False, pk__gt=last)
                              .annotate(head=_head())
                              .exclude(head=current).exists())
            break
        size = BATCH if limit is None else min(BATCH, limit - result.done)
        with transaction.atomic():
            batch = list(Artifact.objects.filter(data__isnull=False, pk__gt=last)
                         .annotate(head=_head()).exclude(head=current)
                         .select_for_update().order_by("pk").only("pk", "data")[:size])
            if not batch:
                break
            changed = []
            for artifact in batch:
                last = artifact.pk
                try:
                    sealed = reencrypt_bytes(bytes(artifact.data or b""), keyring=keyring)
                except DecryptionError as exc:
                    result.failed.append(f"artifact {artifact.pk}: {exc}")
                    continue
                if sealed is not None:
                    artifact.data = sealed
                    changed.append(artifact)
            Artifact.objects.bulk_update(changed, ["data"])
            result.done += len(changed)
        progress.update(done=result.done)
    return result
