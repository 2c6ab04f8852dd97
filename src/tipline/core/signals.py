"""What the foundation tells the apps above it."""

from __future__ import annotations

from django.dispatch import Signal

#: A background task was given up: its worker died (or hung) under it, TASK_ATTEMPTS times.
#: Sent with `task_path` (the task function's dotted path), `kwargs` (what it was called
#: with) and `reason` (one line); the task's owner records the failure (intake: its batch).
task_abandoned = Signal()
