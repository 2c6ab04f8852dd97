"""Tips from the public: the report each one became, the tipster's tracking number and the
hash of their secret; and what keeps machines out (per-address counts, spent challenges).

Nothing here holds what the tipster wrote: that is in the report (intake), where the hub
reads it. The address a tip came from is kept only as a keyed hash, for the rate limit.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models


class Tip(models.Model):
    """A tip from the public form: the report it became, and how its sender asks after it.

    The tracking number is random (not derived from the report's id); the secret is shown to
    the sender once and kept only as a password hash.
    """

    report = models.OneToOneField("intake.Report", on_delete=models.PROTECT, related_name="tip")
    tracking = models.CharField(max_length=20, unique=True, help_text="TIP-XXXX-XXXX")
    secret_hash = models.CharField(max_length=200, help_text="Django password hash of the secret")
    language = models.CharField(max_length=8, help_text="the language the form was filled in")
    anonymous = models.BooleanField(help_text="the sender gave no contact details")
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.tracking


class AddressCount(models.Model):
    """How many times one address did one thing (sent a tip, looked one up) in one window:
    the rate limit, shared by every web process. The address is a keyed hash, never kept."""

    class Scope(models.TextChoices):
        TIP = "tip", "Tips sent (per hour)"
        STATUS = "status", "Status look-ups (per minute)"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    address = models.CharField(max_length=64, help_text="HMAC-SHA256 of the address")
    window = models.DateTimeField(help_text="start of the hour or minute")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "address", "window"],
                                               name="address_count_unique")]
        indexes = [models.Index(fields=["window"], name="address_count_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.count} at {self.window:%H:%M}"


def window_start(scope: str, now: datetime) -> datetime:
    """The start of the window an address's `scope` is counted in: the hour for tips, the
    minute for status look-ups."""
    minute = 0 if scope == AddressCount.Scope.TIP else now.minute
    return now.replace(minute=minute, second=0, microsecond=0)


class SpentChallenge(models.Model):
    """A challenge (proof of work or question) a tip has used: each works once. Kept until it
    would have expired anyway."""

    nonce = models.CharField(max_length=40, unique=True)
    spent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce
