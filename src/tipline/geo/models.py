"""The jurisdiction tree: country -> state/UT -> district or unit -> police station."""

from __future__ import annotations

from django.db import models


class Jurisdiction(models.Model):
    """A node of the tree of places and police units that reports are routed to.

    Grants attach to nodes and flow down to every node below (see accounts.policies).
    `path` is the materialised path of codes ("IN/MH/BEED/"), so "everything under Maharashtra"
    is one prefix match.
    """

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        STATE = "state", "State / UT"
        DISTRICT = "district", "District"
        UNIT = "unit", "Police unit"
        STATION = "station", "Police station"

    code = models.CharField(max_length=64, unique=True, help_text="e.g. IN, IN-MH, IN-MH-BEED")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True)
    #: other names and old codes this node is known by ("Orissa", "OR", "Bombay").
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def state_code(self) -> str | None:
        """The two-letter ISO 3166-2:IN code of the state this node is in, if any."""
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else None


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
    unit = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the node resolution points at (routing may still hold the report back)",
    )
    confidence = models.FloatField(default=0.0)
    conflict = models.BooleanField(default=False, db_index=True)
    explanation = models.TextField(blank=True)
    candidates = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id}: {self.unit_id or self.state or self.country or 'unknown'}"
