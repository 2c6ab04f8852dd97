"""Review: people's decisions on reported media, and each reviewer's wellness settings.

Reveals of clear media are not a table: each is an audit event ("media.revealed"), so the
trail of who saw what is the tamper-evident audit chain itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import EncryptedTextField


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CSAM = "not_csam", _("Not CSAM")
    SECOND_OPINION = "second_opinion", _("Second opinion")


#: verdicts that settle a file (a second opinion leaves it in the queue)
FINAL = (Verdict.CONFIRMED, Verdict.NOT_CSAM)


class Category(models.TextChoices):
    """The industry classification a confirmed file is given (as on ReportFile)."""

    A1 = "A1", _("A1: prepubescent, sex act")
    A2 = "A2", _("A2: prepubescent, lascivious exhibition")
    B1 = "B1", _("B1: pubescent, sex act")
    B2 = "B2", _("B2: pubescent, lascivious exhibition")


class Decision(models.Model):
    """A reviewer's verdict on one file of a report.

    A decision taken on the whole report is recorded once per file (same `decided_at`), so
    "does this file still need a decision" is one lookup. confirmed (with a category): the file's
    hashes join the hub's confirmed bank; not_csam: they join the safelist and the report's
    case is closed as not pursued (false positive); second_opinion: the file stays in the
    queue, for a reviewer other than this one.
    """

    scope_field = "report__jurisdiction"

    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE,
                               related_name="decisions")
    file = models.ForeignKey("intake.ReportFile", on_delete=models.CASCADE,
                             related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="decisions")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    category = models.CharField(max_length=4, choices=Category.choices, blank=True)
    note = EncryptedTextField(blank=True)
    decided_at = models.DateTimeField()
    #: the reviewer saw a child in imminent danger: the report goes first everywhere and its
    #: unit is alerted at once (the alerts app)
    urgent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["file", "verdict"], name="decision_file"),
            models.Index(fields=["report", "-decided_at"], name="decision_report"),
            models.Index(fields=["reviewer", "decided_at"], name="decision_reviewer"),
            models.Index(fields=["decided_at"], name="decision_time"),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} on file {self.file_id} by {self.reviewer_id}"


class ReviewerSettings(models.Model):
    """How one person wants media shown: blur strength (1 light .. 10 strong), grayscale,
    videos muted and not playing by themselves. Defaults protect; people may loosen them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="review_settings")
    blur_strength = models.PositiveSmallIntegerField(default=6)
    grayscale = models.BooleanField(default=True)
    video_muted = models.BooleanField(default=True)
    video_autoplay = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    BLUR_MIN, BLUR_MAX = 1, 10

    def __str__(self) -> str:
        return f"review settings of {self.user_id}"
