"""What the audit trail records of the foundation's own changes: the data keys."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from tipline.audit.services import audit_record
from tipline.core.signals import keys_changed


@receiver(keys_changed)
def record_keys_changed(sender: Any, *, action: str, data: dict[str, Any], **_: Any) -> None:
    """A key added, a rotation run, a key retired, blobs renamed: ids, fingerprints and
    counts, under the system user `system:keys`."""
    from tipline.accounts.services import system_user

    with transaction.atomic():
        audit_record(actor=system_user("keys"), action=action, data=data)
