"""Packets: what the hub sends a unit (or a state's nodal officer) about routed reports.

A packet is one encrypted ZIP (workbook, one PDF per report, the SOP, a manifest) kept in the
blob store; its passphrase is shown once to the person who built it and never stored. The
unit downloads it and acknowledges receipt before a deadline; a correction is a new version
that supersedes the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tipline.core.fields import EncryptedTextField


class Packet(models.Model):
    """One version of a packet of reports for one jurisdiction node.

    `series` is the id of the first version: a correction keeps the series, adds one to
    `version`, points `supersedes` at the version it replaces and carries the reason. The
    ZIP's bytes are in the blob store under `sha256` (encrypted at rest, on top of the ZIP's
    own AES encryption).
    """

    scope_field = "target"

    target = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="packets",
        help_text="the unit/district the packet is for, or a state for its nodal officer",
    )
    series = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="id of the first version of this packet"
    )
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = EncryptedTextField(blank=True)
    note = EncryptedTextField(blank=True, help_text="the hub's note to the receiving unit")
    since = models.DateField(null=True, blank=True, help_text="reports received from this day")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    report_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the ZIP")
    size = models.PositiveBigIntegerField(default=0, help_text="bytes of the ZIP")
    ack_due_at = models.DateTimeField(help_text="acknowledge receipt by this time")
    downloaded_at = models.DateTimeField(null=True, blank=True, help_text="first download")
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    download_count = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["target", "-created_at"], name="packet_target")]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="packet_version_unique")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The packet's id as people quote it: series and version."""
        return f"PKT-{(self.series or self.pk or 0):06d}-v{self.version}"

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")


class PacketReport(models.Model):
    """A report carried by a packet (a report may travel in a state's packet, then a unit's)."""

    scope_field = "packet__target"

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="items")
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, related_name="packet_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["packet", "report"], name="packet_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.packet_id}: {self.report_id}"


class SopTemplate(models.Model):
    """One version of the SOP sent with every packet; the newest version is the one used.

    Text is plain with light markup: `# ` a heading, `1. ` a numbered step, `- ` a bullet,
    a blank line between paragraphs. Edits are new versions, never overwrites.
    """

    scope_field = None

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"SOP v{self.version}: {self.title}"
