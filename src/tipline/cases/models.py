"""Cases: what a unit did on each routed report, from receipt to FIR, chargesheet or closure."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import EncryptedTextField


class Case(models.Model):
    """A unit's work on one routed report.

    Opened when the report is routed to a unit; it moves with the report when the report is
    transferred (outside jurisdiction is a transfer, never a closure). Its status runs
    received -> acknowledged -> enquiry -> FIR registered -> chargesheeted -> closed; a case may
    be closed earlier as "not pursued" with a reason. Every change goes through
    cases.services, audited.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ENQUIRY = "enquiry", _("Enquiry")
        FIR = "fir", _("FIR registered")
        CHARGESHEETED = "chargesheeted", _("Chargesheeted")
        CLOSED = "closed", _("Closed")

    class Closure(models.TextChoices):
        FALSE_POSITIVE = "false_positive", _("Not pursued: false positive")
        NO_INFORMATION = "no_information", _("Not pursued: no actionable information")
        DUPLICATE = "duplicate", _("Not pursued: duplicate of another case")
        CLOSURE_REPORT = "closure_report", _("Closure report filed after FIR")
        DISPOSED = "disposed", _("Disposed by the court after chargesheet")

    #: closure reasons that mean the report was not pursued (counted apart in the funnel)
    NOT_PURSUED = (Closure.FALSE_POSITIVE, Closure.NO_INFORMATION, Closure.DUPLICATE)
    #: their short names, for a column or a bar headed "Not pursued"
    NOT_PURSUED_SHORT = {
        Closure.FALSE_POSITIVE: _("False positive"),
        Closure.NO_INFORMATION: _("No actionable information"),
        Closure.DUPLICATE: _("Duplicate of another case"),
    }

    scope_field = "unit"

    report = models.OneToOneField(
        "intake.Report", on_delete=models.PROTECT, related_name="case"
    )
    unit = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="cases",
        help_text="the unit (or district) that holds the case; follows the report's transfers",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    packet_id = models.BigIntegerField(
        null=True, blank=True, help_text="the dispatch packet that last carried the report"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    enquiry_at = models.DateTimeField(null=True, blank=True)
    chargesheet_number = models.CharField(max_length=100, blank=True)
    chargesheet_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=Closure.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates",
    )
    closure_note = EncryptedTextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["status"], name="case_status"),
            # a unit's case list, newest first, read from the index and stopped at the page
            models.Index(fields=["unit", "-opened_at", "-id"], name="case_unit_opened"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The case's id as people quote it (the report's id with a C)."""
        return f"TLC-{self.report_id:08d}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CaseTally(models.Model):
    """How many cases a unit holds with one combination of what the funnel counts.

    Kept by cases.services in the same transaction as every write to a case (opening, moving,
    dispatching, acknowledging, each transition, closing), so the funnel (`/cases/`) and a
    unit's case count read a few rows per unit instead of every case: flat in the number of
    cases. `cases_tally_rebuild` recounts it from the cases (`tipline doctor --fix` is not
    needed: a test checks that it always equals a recount).
    """

    scope_field = "unit"

    unit = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
        db_index=False,  # the unique key starts with the unit
    )
    status = models.CharField(max_length=16, choices=Case.Status.choices)
    closure_reason = models.CharField(max_length=20, blank=True)
    dispatched = models.BooleanField(help_text="dispatched_at is set")
    acknowledged = models.BooleanField(help_text="acknowledged_at is set")
    fir = models.BooleanField(help_text="an FIR is registered")
    chargesheet = models.BooleanField(help_text="chargesheet_on is set")
    source = models.CharField(max_length=10, blank=True, default="", db_default="",
                              help_text="where the case's report came from (intake Source)")
    cases = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "status", "closure_reason", "dispatched", "acknowledged", "fir",
                        "chargesheet", "source"], name="case_tally_key_source")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status}: {self.cases}"


class LegalSection(models.Model):
    """One section of law a case may be registered under (a catalogue the hub edits)."""

    scope_field = None

    act = models.CharField(max_length=120, help_text="e.g. Information Technology Act, 2000")
    short = models.CharField(max_length=20, help_text="e.g. IT Act, POCSO, BNS")
    section = models.CharField(max_length=20, help_text="e.g. 67B, 15(2)")
    about = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True, help_text="offered when registering an FIR")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "short", "section"]
        constraints = [
            models.UniqueConstraint(fields=["short", "section"], name="legal_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.short} {self.section}"


class FIR(models.Model):
    """The First Information Report registered on a case (BNSS 173)."""

    scope_field = "case__unit"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="fir")
    number = models.CharField(max_length=100)
    registered_on = models.DateField()
    police_station = models.CharField(max_length=200)
    sections = models.ManyToManyField(LegalSection, related_name="firs")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"FIR {self.number} ({self.police_station})"


class Arrest(models.Model):
    """A person arrested in a case."""

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="arrests")
    person = EncryptedTextField(max_length=200, help_text="name or description of the accused")
    arrested_on = models.DateField()
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.person} ({self.arrested_on})"


class Seizure(models.Model):
    """Something seized in a search (BNSS 106), ideally video-recorded (BNSS 105)."""

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="seizures")
    seized_on = models.DateField()
    items = EncryptedTextField(help_text="what was seized: devices, media, documents")
    video_recorded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"seizure {self.seized_on}: {self.items[:40]}"


class Notice(models.Model):
    """A notice to a platform or ISP (BNSS 94) to produce records, with its deadline and reply.

    Overdue when the due date has passed without a reply.
    """

    class Recipient(models.TextChoices):
        PLATFORM = "platform", _("Platform")
        ISP = "isp", _("ISP / telecom")
        OTHER = "other", _("Other")

    scope_field = "case__unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    section = models.CharField(max_length=40, default="BNSS 94")
    recipient_kind = models.CharField(max_length=10, choices=Recipient.choices)
    recipient = models.CharField(max_length=200, help_text="e.g. the platform's or ISP's name")
    sent_on = models.DateField()
    due_on = models.DateField()
    replied_on = models.DateField(null=True, blank=True)
    reply = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["replied_on", "due_on"], name="notice_open_due")]

    def __str__(self) -> str:
        return f"{self.section} to {self.recipient} (due {self.due_on})"

    def is_overdue(self, today: date) -> bool:
        return self.replied_on is None and self.due_on < today


class ChecklistItem(models.Model):
    """One step of the SOP for one case, due some days after the case was opened.

    Overdue when its due time has passed and it is not done (and the case is not closed).
    """

    scope_field = "case__unit"

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="checklist",
        db_index=False,  # the (case, step) unique index serves lookups by case
    )
    step = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="checklist_step_unique")
        ]
        indexes = [models.Index(fields=["done_at", "due_at"], name="checklist_open_due")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.title}"

    def is_overdue(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at < now
