"""The hub's report store: a report and everything it carries, normalised.

A report arrives from a source (NCMEC's law-enforcement export, a platform through the
CyberTipline-compatible API, the public, Tipline's scanner, a CSV/XLSX batch). Its raw bytes
are kept as artifacts; what they say is spread over subjects, IP events, files, places and
typed identifiers, which later steps (geo-resolve, link, route) read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import (
    BlindIndexField,
    EncryptedDateField,
    EncryptedFloatField,
    EncryptedJSONField,
    EncryptedTextField,
)


class Source(models.TextChoices):
    NCMEC = "ncmec", _("NCMEC export")
    PLATFORM = "platform", _("Platform API / XML")
    PUBLIC = "public", _("Public tip")
    SCANNER = "scanner", _("Tipline scanner")
    BATCH = "batch", _("CSV/XLSX batch")
    TRAWLER = "trawler", _("Tipline trawler")


class ImportBatch(models.Model):
    """One run of an importer over a set of files, with its counts and progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    scope_field = None
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(max_length=500, help_text="what was imported (file names)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: the imported files kept byte-for-byte in the blob store: [{name, sha256, size}]
    #: (uploads, which the worker reads from there, and XML/CSV/XLSX files given to the CLI)
    paths = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    versions = models.PositiveIntegerField(default=0, help_text="changed re-sends kept")
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(
        max_length=100, blank=True, default="", db_default="",
        help_text="the process running it (host:pid:start time, core.recovery.process_id): "
                  "a running batch whose process is gone was interrupted")
    source_key = models.CharField(
        max_length=64, blank=True, db_index=True, default="", db_default="",
        help_text="SHA-256 of the paths given to `tipline ingest`: running it again on the "
                  "same paths resumes the batch if it was interrupted")

    def __str__(self) -> str:
        return f"import #{self.pk}: {self.label}"

    @property
    def done(self) -> int:
        """Records processed so far: every record is imported, a new version, a duplicate
        or rejected (derived, never stored apart from its parts)."""
        return self.imported + self.versions + self.rejected + self.duplicates


class Rejection(models.Model):
    """A record an importer refused, with where it was and why."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejections")
    file = models.CharField(max_length=1000)
    position = models.CharField(max_length=200, help_text="record number, row or ZIP member")
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.file} [{self.position}]: {self.reason[:60]}"


class Report(models.Model):
    """One report about one incident, in one version.

    (source, external_id) identifies the report as its sender knows it; a re-send with other
    content is a new version (`version` + 1, `supersedes` the old one, old `is_current` False),
    never an overwrite. `content_sha256` is over the raw record, so an identical re-send is
    recognised as a duplicate.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        ROUTED = "routed", _("Routed")
        DISPATCHED = "dispatched", _("Dispatched")
        CLOSED = "closed", _("Closed")
        SUPERSEDED = "superseded", _("Superseded")

    class Referral(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        INFORMATIONAL = "informational", _("Informational")
        UNKNOWN = "", _("Not stated")

    scope_field = "jurisdiction"

    source = models.CharField(max_length=10, choices=Source.choices)
    external_id = models.CharField(
        max_length=100, help_text="the sender's report id (NCMEC CyberTipline number)"
    )
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    content_sha256 = models.CharField(max_length=64)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="reports",
        db_index=False,  # batches are never deleted; keeps imports fast
    )
    imported_at = models.DateTimeField()

    received_at = models.DateTimeField(
        null=True, blank=True, help_text="when NCMEC (or the hub) received the report"
    )
    incident_at = models.DateTimeField(null=True, blank=True)
    incident_at_text = models.CharField(
        max_length=500, blank=True, help_text="the platform's description of the incident time"
    )
    incident_type = models.CharField(max_length=120, blank=True)
    platform = models.CharField(max_length=200, blank=True, help_text="reporting ESP's name")
    #: report annotations: sextortion, csamSolicitation, minorToMinorInteraction, spam
    annotations = models.JSONField(default=list, blank=True)
    urls = EncryptedJSONField(
        default=list, blank=True, help_text="where the platform saw the content (webPageIncident)"
    )
    ncmec_priority = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="NCMEC priority level; 1 = child in imminent danger"
    )
    referral = models.CharField(
        max_length=16, choices=Referral.choices, default=Referral.UNKNOWN, blank=True
    )
    escalated = models.BooleanField(default=False, help_text="platform asked for escalation")
    escalation_note = EncryptedTextField(blank=True)
    additional_info = EncryptedTextField(blank=True, help_text="free text from the sender")
    ncmec_notes = EncryptedTextField(blank=True, help_text="what NCMEC's analysts added")
    reporter = EncryptedJSONField(
        default=dict, blank=True, help_text="the reporting person/company's contact block"
    )
    warnings = EncryptedJSONField(
        default=list, blank=True,
        help_text="what the importer could not use (an optional value that does not read), "
                  "with the value as sent",
    )
    details = EncryptedJSONField(
        default=list, blank=True,
        help_text="values the sender wrote that map to no field, as [path, value] pairs "
                  "(lawEnforcement/agencyName, ...): kept and shown, never dropped",
    )

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="reports",
        help_text="the node the report currently belongs to (the country while unresolved)",
        db_index=False,  # covered by the report_place index
    )
    file_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id", "version"], name="report_version_unique"
            )
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="report_received"),
            models.Index(fields=["jurisdiction", "-received_at", "-id"], name="report_place"),
            models.Index(fields=["ncmec_priority", "-received_at"], name="report_priority"),
            models.Index(fields=["status", "-received_at"], name="report_status"),
            models.Index(fields=["incident_type", "-received_at"], name="report_incident"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """Tipline's own id for the report, as people quote it."""
        return f"TL-{self.pk:08d}" if self.pk else "TL-(new)"


class Artifact(models.Model):
    """The raw bytes a report came in (JSON, PDF, XML element, CSV row), kept byte-for-byte.

    Content is encrypted in the blob store under its SHA-256.
    """

    class Kind(models.TextChoices):
        JSON = "json", "NCMEC JSON"
        PDF = "pdf", "NCMEC PDF"
        XML = "xml", "CyberTipline XML"
        ROW = "row", _("CSV/XLSX row")
        OTHER = "other", _("Other")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = EncryptedTextField(max_length=1000)
    sha256 = EncryptedTextField(max_length=64)
    size = models.PositiveBigIntegerField()
    #: small artifacts are kept encrypted in the row; large ones in the blob store (None here)
    data = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class Subject(models.Model):
    """A person or account named in a report, by role."""

    class Role(models.TextChoices):
        SUSPECT = "suspect", _("Suspect")
        RECIPIENT = "recipient", _("Intended recipient")
        VICTIM = "victim", _("Victim")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subjects")
    role = models.CharField(max_length=10, choices=Role.choices)
    first_name = EncryptedTextField(max_length=200, blank=True)
    middle_name = EncryptedTextField(max_length=200, blank=True)
    last_name = EncryptedTextField(max_length=200, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="approximate age")
    esp_user_id = EncryptedTextField(max_length=300, blank=True, help_text="platform user id")
    esp_service = models.CharField(max_length=200, blank=True, help_text="service on platform")
    screen_name = EncryptedTextField(max_length=300, blank=True)
    display_names = EncryptedJSONField(default=list, blank=True)
    profile_urls = EncryptedJSONField(default=list, blank=True)
    emails = EncryptedJSONField(default=list, blank=True, help_text="lower-cased addresses")
    phones = EncryptedJSONField(default=list, blank=True, help_text="E.164 where parseable")
    device_ids = EncryptedJSONField(default=list, blank=True, help_text="[{type, value}]")
    notes = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.screen_name or self.full_name}".strip()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.first_name, self.middle_name, self.last_name] if p)


class Place(models.Model):
    """A location clue a report carries: an address, the platform's estimate, NCMEC's geolocation
    of an IP, GPS coordinates. Geo-resolution reads these; it never edits them."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("Address")
        ESTIMATED = "estimated", _("Platform's estimated location")
        NCMEC_GEO = "ncmec_geo", _("NCMEC geolocation")
        GPS = "gps", _("GPS coordinates")
        INCIDENT = "incident", _("Incident address")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="places")
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="places",
        db_index=False,  # read through the report; deleted with it
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    street = EncryptedTextField(max_length=500, blank=True)
    city = models.CharField(max_length=200, blank=True)
    district = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=60, blank=True)
    latitude = EncryptedFloatField(null=True, blank=True)
    longitude = EncryptedFloatField(null=True, blank=True)
    ip = EncryptedTextField(null=True, blank=True, help_text="for NCMEC geolocation")
    isp = models.CharField(max_length=200, blank=True)
    verified = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return ", ".join(x for x in [self.city, self.state, self.country] if x) or self.kind


class IpEvent(models.Model):
    """An IP capture: address, port and exact UTC time of an event (login, upload, ...).

    Behind carrier-grade NAT many subscribers share one address, so port and time matter.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ip_events")
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="ip_events",
        db_index=False,  # read through the report; deleted with it
    )
    file = models.ForeignKey(
        "ReportFile", null=True, blank=True, on_delete=models.CASCADE, related_name="ip_events",
        db_index=False,
    )
    ip = EncryptedTextField(help_text="the address as ipaddress writes it")
    #: blind index of `ip` (core.fields.index_of, purpose "ip"): linking and search
    ip_index = BlindIndexField(of="ip", purpose="ip", lower=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    event = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    possible_proxy = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip_index", "occurred_at"], name="ipevent_ip_time")]

    def __str__(self) -> str:
        return f"{self.ip}:{self.port} {self.event}"


class ReportFile(models.Model):
    """A file attached to a report, with what the platform said of it and its hashes.

    The content (when the export carried it) is encrypted in the blob store under `sha256`.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    filename = EncryptedTextField(max_length=1000, blank=True)
    original_filename = EncryptedTextField(max_length=2056, blank=True)
    esp_file_id = models.CharField(max_length=200, blank=True, help_text="platform/NCMEC file id")
    location_url = EncryptedTextField(max_length=2083, blank=True)
    viewed_by_esp = models.BooleanField(null=True, blank=True)
    publicly_available = models.BooleanField(null=True, blank=True)
    relevance = models.CharField(max_length=40, blank=True, help_text="Reported / Supplemental")
    classification = models.CharField(
        max_length=10, blank=True, help_text="industry classification A1, A2, B1, B2"
    )
    annotations = models.JSONField(default=list, blank=True)
    esp_metadata = EncryptedJSONField(default=dict, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    mime = models.CharField(max_length=100, blank=True)
    md5 = EncryptedTextField(max_length=32, blank=True)
    sha1 = EncryptedTextField(max_length=40, blank=True)
    sha256 = EncryptedTextField(max_length=64, blank=True)
    #: blind indexes of the hashes (file_hash_index): matching and retro-hunts by hash
    md5_index = BlindIndexField(of="md5", purpose="file.md5", lower=True, db_index=True)
    sha1_index = BlindIndexField(of="sha1", purpose="file.sha1", lower=True, db_index=True)
    sha256_index = BlindIndexField(of="sha256", purpose="file.sha256", lower=True,
                                   db_index=True)
    #: the hash the sender gave (may differ from ours if the bytes changed on the way)
    declared_hashes = EncryptedJSONField(default=dict, blank=True)
    stored = models.BooleanField(default=False, help_text="content is in the blob store")

    def __str__(self) -> str:
        return self.filename or self.sha256


class Identifier(models.Model):
    """A normalised identifier a report carries, for linking reports that share one.

    IP addresses are not here: linking reads them from IpEvent, with their port and time.

    e.g. (email, "a.b@example.com"), (phone, "+919812345678"), (screen_name, "x", service).
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        SCREEN_NAME = "screen_name", _("Screen name")
        ESP_USER_ID = "esp_user_id", _("Platform user id")
        DEVICE_ID = "device_id", _("Device id")
        URL = "url", _("Profile URL")
        MD5 = "md5", _("File MD5")
        SHA256 = "sha256", _("File SHA-256")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = EncryptedTextField(max_length=500)
    #: blind index of `value` (identifier_index): linking and search compare this
    value_index = BlindIndexField(of="value", purpose="identifier", per="kind")
    service = models.CharField(max_length=200, blank=True, help_text="for screen names, ids")
    origin = models.CharField(max_length=60, help_text="where in the report, e.g. suspect.email")

    class Meta:
        # by value (search, linking); with service and report, linking counts the reports
        # sharing each value from the index alone
        indexes = [models.Index(fields=["kind", "value_index", "service", "report"],
                                name="identifier_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Submission(models.Model):
    """A report a platform sends through the CyberTipline API (`/ispws/`): open from `submit`
    until `finish` (then it follows the flow like any report) or `retract` (then it is kept,
    marked retracted, and never routed). Its files are scanned as they land."""

    class State(models.TextChoices):
        OPEN = "open", _("Open: the platform is still sending it")
        FINISHED = "finished", _("Finished")
        RETRACTED = "retracted", _("Retracted by the platform")

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="submissions")
    report = models.OneToOneField(Report, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="submission")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "state"], name="submission_account"),
                   # the unfinished ones past their deadline (submissions_expire)
                   models.Index(fields=["state", "changed_at"], name="submission_open")]

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.state})"


class ApiMinute(models.Model):
    """How many CyberTipline API requests an account made in one minute (the rate limit,
    shared by every web process)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "minute"],
                                               name="api_minute_unique")]

    def __str__(self) -> str:
        return f"{self.count} requests at {self.minute:%H:%M}"
