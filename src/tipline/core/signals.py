"""What the foundation tells the apps above it."""

from __future__ import annotations

from django.dispatch import Signal

#: A background task was given up: its worker died (or hung) under it, TASK_ATTEMPTS times.
#: Sent with `task_path` (the task function's dotted path), `kwargs` (what it was called
#: with) and `reason` (one line); the task's owner records the failure (intake: its batch).
task_abandoned = Signal()

#: The data keys changed or were used to re-encrypt (`tipline keys`): sent with `action`
#: ("keys.created", "keys.rotated", "keys.retired", "keys.blobs_renamed") and `data` (ids,
#: fingerprints and counts, never a key); the audit app records it.
keys_changed = Signal()
