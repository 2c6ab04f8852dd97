"""The media scan's store: each file's perceptual hashes, hash banks, their entries, matches,
and each report's media priority (what the review queue orders by).

A file's cryptographic hashes live on intake.ReportFile; its PDQ signals (one for an image,
one per second for a video) are FileSignal rows. Banks hold known hashes (Project VIC,
NCMEC, INTERPOL, the hub's own confirmed set) or known false positives (a safelist). A Match
is one file found in one bank entry; a safelist match suppresses the file's other matches.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import EncryptedTextField


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class FileScan(models.Model):
    """The outcome of hashing one report file: its media kind, when, and why not if it failed.

    `risk_score` / `risk_reasons` are written by the classifier stage (media/classifiers/);
    they only order review, never decide anything.
    """

    file = models.OneToOneField("intake.ReportFile", on_delete=models.CASCADE,
                                related_name="scan")
    media = models.CharField(max_length=8, choices=MediaKind.choices, default=MediaKind.OTHER)
    scanned_at = models.DateTimeField()
    error = models.CharField(max_length=500, blank=True,
                             help_text="why the file has no perceptual hash (broken, bomb...)")
    risk_score = models.FloatField(null=True, blank=True)
    risk_reasons = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"scan of file {self.file_id}: {self.media}"


class FileSignal(models.Model):
    """One PDQ hash of a file: the image's, or one video frame's (with its second)."""

    file = models.ForeignKey("intake.ReportFile", on_delete=models.CASCADE,
                             related_name="signals")
    #: sealed (core.fields): a held file's perceptual hash would let anyone with a copy of
    #: an image test whether the hub holds it; it is only ever read by file, never searched
    pdq = EncryptedTextField(max_length=64)
    quality = models.PositiveSmallIntegerField()
    timestamp = models.FloatField(null=True, blank=True, help_text="seconds into a video")

    def __str__(self) -> str:
        return f"{self.pdq} q{self.quality}"


class HashBank(models.Model):
    """A named set of known hashes, from one source, with how to match and read it.

    `kind` safelist: known false positives; a file matching one has its other matches
    suppressed. `confirmed`: entries are confirmed material, so a match raises the report to
    the top of the review queue. `category_map` turns the source's category codes into the
    hub's (e.g. {"1": "csam", "2": "exploitive", "0": "skip"}; "skip" drops the entry).
    """

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Known material")
        SAFELIST = "safelist", _("Safelist (known false positives)")

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    description = models.CharField(max_length=500, blank=True)
    category_map = models.JSONField(default=dict, blank=True)
    pdq_threshold = models.PositiveSmallIntegerField(
        default=31, help_text="largest PDQ Hamming distance that counts as a match")
    confirmed = models.BooleanField(default=True, help_text="entries are confirmed material")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def map_category(self, raw: str) -> str:
        return str(self.category_map.get(str(raw), raw))


class BankEntry(models.Model):
    """One known item in a bank: its hashes as the source gave them.

    A video's frames are several rows sharing `source_id` with `media` video and a `frame_ts`.
    Deleted entries (the source withdrew them) are kept, flagged, and never match.
    """

    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    media = models.CharField(max_length=8, choices=MediaKind.choices, default=MediaKind.IMAGE)
    md5 = models.CharField(max_length=32, blank=True)
    sha1 = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    frame_ts = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=60, blank=True, help_text="the hub's category")
    source_category = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=200, blank=True, help_text="the source's entry id")
    deleted = models.BooleanField(default=False)
    added_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["md5"], name="bankentry_md5",
                         condition=~models.Q(md5="")),
            models.Index(fields=["sha1"], name="bankentry_sha1",
                         condition=~models.Q(sha1="")),
            models.Index(fields=["sha256"], name="bankentry_sha256",
                         condition=~models.Q(sha256="")),
            models.Index(fields=["bank", "source_id"], name="bankentry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_id}:{self.source_id or self.pk}"


class Match(models.Model):
    """A file found in a bank entry: how (exact hash, PDQ, video frames) and how close."""

    class How(models.TextChoices):
        MD5 = "md5", "MD5"
        SHA1 = "sha1", "SHA-1"
        SHA256 = "sha256", "SHA-256"
        PDQ = "pdq", "PDQ"
        VIDEO = "vpdq", _("Video frames (vPDQ)")

    scope_field = "report__jurisdiction"

    file = models.ForeignKey("intake.ReportFile", on_delete=models.CASCADE,
                             related_name="matches")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE,
                               related_name="media_matches")
    entry = models.ForeignKey(BankEntry, on_delete=models.CASCADE, related_name="matches")
    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="matches")
    how = models.CharField(max_length=8, choices=How.choices)
    distance = models.PositiveSmallIntegerField(default=0)
    frame_share = models.FloatField(null=True, blank=True, help_text="videos: frames matched")
    suppressed = models.BooleanField(default=False, help_text="the file is on a safelist")
    matched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "entry"], name="match_file_entry"),
        ]
        indexes = [models.Index(fields=["report"], name="match_report")]

    def __str__(self) -> str:
        return f"file {self.file_id} ~ entry {self.entry_id} ({self.how} {self.distance})"


class ReportMedia(models.Model):
    """A report's media summary, which the review queue orders by (highest priority first).

    priority: 2 = a file matches a confirmed bank, 1 = matches another bank, 0 = none.
    `risk_score` is the highest classifier score of its files (set by the classifier stage).
    """

    class Priority(models.IntegerChoices):
        NONE = 0, _("No match")
        MATCH = 1, _("Matches a bank")
        CONFIRMED = 2, _("Matches a confirmed bank")

    scope_field = "report__jurisdiction"

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE,
                                  related_name="media", primary_key=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=0)
    matches = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    categories = models.CharField(max_length=300, blank=True)
    files_scanned = models.PositiveIntegerField(default=0)
    risk_score = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-priority", "-risk_score", "report"],
                                name="reportmedia_queue")]

    def __str__(self) -> str:
        return f"report {self.report_id}: priority {self.priority}"

