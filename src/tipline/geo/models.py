"""Where each report is believed to have happened, as resolution decided it."""

from __future__ import annotations

from django.db import models

from tipline.core.fields import EncryptedJSONField, EncryptedTextField


class ReportLocation(models.Model):
    """Where a report is believed to have happened, as resolution last decided it.

    Every candidate is kept with the winner, so a person can check the decision; `conflict`
    means the clues disagree (the report waits in the national queue for a person).
    """

    scope_field = "report__jurisdiction"

    report = models.OneToOneField(
        "intake.Report", on_delete=models.CASCADE, primary_key=True, related_name="location"
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    state = models.CharField(max_length=2, blank=True, help_text="ISO 3166-2:IN without IN-")
    district = models.CharField(max_length=100, blank=True)
    pin = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    unit = models.ForeignKey(
        "jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text="the node resolution points at (routing may still hold the report back)",
    )
    confidence = models.FloatField(default=0.0)
    conflict = models.BooleanField(default=False, db_index=True)
    #: sealed (core.fields): they quote the clues, an IP address, a street, a phone
    explanation = EncryptedTextField(blank=True)
    candidates = EncryptedJSONField(default=list, blank=True)
    resolved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id}: {self.unit_id or self.state or self.country or 'unknown'}"
