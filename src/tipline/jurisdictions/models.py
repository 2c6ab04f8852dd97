"""The jurisdiction tree: country -> state/UT -> district or unit -> police station, and which
unit covers which area (`Coverage`). Every other app hangs its records on these nodes."""

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
    #: who receives the node's reports: a unit's officer in charge; on a state, its nodal officer
    officer = models.CharField(max_length=200, blank=True, help_text="name and rank")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        HINDI = "hi", "Hindi"

    #: the language of the headings of the packets this node receives (the rest of the UI
    #: follows each user's own choice)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        db_table = "geo_jurisdiction"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def state_code(self) -> str | None:
        """The two-letter ISO 3166-2:IN code of the state this node is in, if any."""
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else None


class Coverage(models.Model):
    """One piece of a police unit's area: a district, a PIN code (or PIN prefix), or a city.

    Routing asks which unit covers a resolved place (geo.units). A hub override (`override`)
    wins over what the state declared; PIN beats city beats district within each. A district
    nobody covers is its own district node's (the default cyber unit).
    """

    class Kind(models.TextChoices):
        STATE = "state", "Whole state (override only)"
        DISTRICT = "district", "District"
        PIN = "pin", "PIN code or prefix (4110*)"
        CITY = "city", "City or town"

    scope_field = "unit"

    unit = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="coverage")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: state code, district name (indian-pincode's spelling), PIN / "4110*", or folded city name
    value = models.CharField(max_length=100)
    #: the state the value is in (ISO code without "IN-"): city and district names repeat
    state = models.CharField(max_length=2)
    override = models.BooleanField(default=False, help_text="a hub override, not the state's")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "geo_coverage"
        constraints = [
            models.UniqueConstraint(fields=["state", "kind", "value", "override"],
                                    name="coverage_unique"),
        ]

    def __str__(self) -> str:
        suffix = " (override)" if self.override else ""
        return f"{self.unit_id}: {self.kind} {self.value}{suffix}"
