"""What the trawler looks at, what it fetched, what it found and whom it told.

- `Source`: a seed and where it came from (a report's URL, a site or feed the hub watches).
- `Host`: one web host: its robots.txt, its rate limit, its address and hosting network.
- `Url`: the frontier. One row per URL ever seen, with when it is due again; the crawl's
  whole state is here, so a killed crawl resumes where it stopped.
- `MediaSeen`: every image or video fetched, kept as hashes and URL only (deduplication and
  evidence of absence); never the bytes unless it became a finding.
- `Finding`: a bank match or a high classifier score, its evidence, and the report it became.
- `Contact` / `Notice`: the hosts' abuse contacts, and the takedown notices with their
  re-checks and the time the material was gone.

URLs can name a person (a profile URL from a report), so they are encrypted like report
fields, and found again through a keyed blind index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import BlindIndexField, EncryptedJSONField, EncryptedTextField


class Source(models.Model):
    """A seed: a URL to look at, how deep to follow its links, and how often to come back."""

    class Kind(models.TextChoices):
        REPORT = "report", _("URL in a report")
        SITE = "site", _("Watched site")
        FEED = "feed", _("RSS or Atom feed")
        ACTIVITYPUB = "activitypub", _("ActivityPub outbox or timeline")
        MANUAL = "manual", _("Added by hand")

    class Scope(models.TextChoices):
        SAME_HOST = "same_host", _("The same host")
        ANY_HOST = "any_host", _("Any host")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    url = EncryptedTextField(max_length=2083)
    url_index = BlindIndexField(of="url", purpose="trawl.url", db_index=True)
    depth = models.PositiveSmallIntegerField(
        default=0, help_text="how many links away from the seed to follow (0: the seed alone)")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.SAME_HOST)
    every = models.PositiveIntegerField(
        default=0, help_text="seconds between two visits of the seed (0: once)")
    enabled = models.BooleanField(default=True)
    origin = models.CharField(
        max_length=200, blank=True,
        help_text="where the seed came from: 'TL-00000012 webPageIncident', 'hub: analyst'")
    report = models.ForeignKey("intake.Report", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="trawl_sources")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} source {self.pk}"


class Host(models.Model):
    """One web host (`name` is host[:port], lower-case): its politeness state and network."""

    name = models.CharField(max_length=300, unique=True)
    robots_txt = models.TextField(blank=True)
    robots_status = models.PositiveSmallIntegerField(null=True, blank=True)
    robots_fetched_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True,
                                         help_text="the per-host rate limit: not before this")
    ip = models.GenericIPAddressField(null=True, blank=True)
    asn = models.PositiveBigIntegerField(null=True, blank=True)
    asn_org = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return self.name


class Url(models.Model):
    """One URL of the frontier: what it is, how far from its seed, and when it is due."""

    class Kind(models.TextChoices):
        UNKNOWN = "unknown", _("Not fetched yet")
        PAGE = "page", _("Page")
        MEDIA = "media", _("Image or video")
        FEED = "feed", _("Feed")
        OTHER = "other", _("Other content")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        LEASED = "leased", _("Being fetched")
        DONE = "done", _("Fetched")
        FAILED = "failed", _("Failed")
        BLOCKED = "blocked", _("Refused by robots.txt")
        SKIPPED = "skipped", _("Skipped")

    url = EncryptedTextField(max_length=2083)
    url_index = BlindIndexField(of="url", purpose="trawl.url", unique=True)
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="urls")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="urls")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    depth = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.UNKNOWN)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    due_at = models.DateTimeField(help_text="when the URL is (next) to be fetched")
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_at"], name="trawl_url_due"),
            models.Index(fields=["host", "state"], name="trawl_url_host"),
        ]

    def __str__(self) -> str:
        return f"trawl url {self.pk}"


class MediaSeen(models.Model):
    """One fetch of an image or video: its hashes and what matching made of it. The bytes are
    kept (encrypted, in a Finding) only when it matched or scored."""

    class Outcome(models.TextChoices):
        NO_MATCH = "no_match", _("No match")
        MATCH = "match", _("Bank match")
        CANDIDATE = "candidate", _("Classifier candidate")
        SAFELISTED = "safelisted", _("Safelisted")
        ERROR = "error", _("Could not be read")

    url = models.ForeignKey(Url, on_delete=models.CASCADE, related_name="media_seen")
    page = models.ForeignKey(Url, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", db_index=False,
                             help_text="the page the media was linked from")
    fetched_at = models.DateTimeField()
    size = models.PositiveBigIntegerField()
    media = models.CharField(max_length=8, help_text="image / video / other")
    md5 = models.CharField(max_length=32)
    sha1 = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64, db_index=True)
    pdq = models.CharField(max_length=64, blank=True, help_text="first PDQ (image or frame)")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    def __str__(self) -> str:
        return f"media seen {self.pk}"


class Finding(models.Model):
    """Media the trawler found that matched a bank or scored high, with its evidence."""

    class Kind(models.TextChoices):
        MATCH = "match", _("Bank match")
        CLASSIFIER = "classifier", _("Classifier score")

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("Awaiting review")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    seen = models.ForeignKey(MediaSeen, on_delete=models.PROTECT, related_name="findings")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    page_url = EncryptedTextField(max_length=2083, blank=True)
    media_url = EncryptedTextField(max_length=2083)
    media_url_index = BlindIndexField(of="media_url", purpose="trawl.url", db_index=True)
    fetched_at = models.DateTimeField()
    http_status = models.PositiveSmallIntegerField()
    http_headers = EncryptedJSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    asn = models.PositiveBigIntegerField(null=True, blank=True)
    asn_org = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    blob = models.CharField(max_length=64, blank=True,
                            help_text="the encrypted copy's blob name (bank match or score)")
    bank_entry = models.ForeignKey("media.BankEntry", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    match_how = models.CharField(max_length=10, blank=True)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    report = models.ForeignKey("intake.Report", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="trawl_findings")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"finding {self.pk}"


class Contact(models.Model):
    """A host's or a network's abuse contact, as the hub keeps them (CSV in and out).

    Each names exactly one of: a host (which covers its sub-domains too), an IP network
    (CIDR, as an RDAP response for a network gives it), or an autonomous system. A finding's
    contact is the longest matching host, else the smallest network holding its address,
    else its ASN's (trawler.contacts)."""

    host = models.CharField(max_length=300, blank=True,
                            help_text="a host name; it also covers its sub-domains")
    network = models.CharField(max_length=50, blank=True,
                               help_text="an IP network in CIDR form (192.0.2.0/24)")
    asn = models.PositiveBigIntegerField(null=True, blank=True)
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=20, default="hub",
                              help_text="hub (typed or CSV), rdap or whois (offline data)")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(host__gt="", network="", asn__isnull=True)
                           | Q(host="", network__gt="", asn__isnull=True)
                           | Q(host="", network="", asn__isnull=False)),
                name="contact_names_one_key"),
            models.UniqueConstraint(fields=["host"], condition=Q(host__gt=""),
                                    name="contact_host_once"),
            models.UniqueConstraint(fields=["network"], condition=Q(network__gt=""),
                                    name="contact_network_once"),
            models.UniqueConstraint(fields=["asn"], condition=Q(asn__isnull=False),
                                    name="contact_asn_once"),
        ]

    def __str__(self) -> str:
        return self.host or self.network or f"AS{self.asn}"


class Notice(models.Model):
    """One takedown notice for one confirmed URL, and its re-checks until the material is
    gone."""

    class State(models.TextChoices):
        NO_CONTACT = "no_contact", _("No contact known")
        SENT = "sent", _("Sent, still up")
        REMOVED = "removed", _("Removed")
        ESCALATED = "escalated", _("Ignored, escalated")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="notices")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="notices")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="notices")
    email = models.EmailField(blank=True, help_text="where it was sent")
    state = models.CharField(max_length=10, choices=State.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_how = models.CharField(max_length=20, blank=True,
                                   help_text="gone (404/410), changed (other hash), off page")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["finding"], name="one_notice_per_finding")]
        indexes = [models.Index(fields=["state", "next_check_at"], name="trawl_notice_due")]

    def __str__(self) -> str:
        return f"notice {self.pk}"
