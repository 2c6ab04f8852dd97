"""`tipline doctor`'s check of the audit trail: a recent signed checkpoint that the trail
still extends. (Where the signing key lies is core's "key places" check.)"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tipline.audit.selectors import audit_checkpoint_status
from tipline.audit.tasks import CHECKPOINT_EVERY
from tipline.core.doctor import Checkup, Finding, doctor_check_register

#: a checkpoint older than this means the worker's daily signing has stopped
STALE = timedelta(seconds=2 * CHECKPOINT_EVERY)


def check_checkpoint(checkup: Checkup) -> list[Finding]:
    status = audit_checkpoint_status()
    if status.checkpoint is None:
        return [Finding("the audit trail has never been signed: run `tipline audit checkpoint` "
                        "(the worker then signs it daily) and give the file to the auditor")]
    found = []
    if status.check is not None and not status.check.ok:
        found.append(Finding(f"the audit trail no longer extends its last checkpoint: "
                             f"{status.check.describe()}"))
    age = timezone.now() - status.checkpoint.at
    if age > STALE:
        found.append(Finding(f"the last audit checkpoint is {age.days} day(s) old "
                             f"(#{status.checkpoint.seq}): is the worker running?"))
    return found


doctor_check_register("audit checkpoint", check_checkpoint)
