"""Alerts: what Tipline tells people, in the app and by e-mail, and the urgent reports it
watches until their unit acknowledges them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipline.core.fields import EncryptedTextField


class Kind(models.TextChoices):
    """What a notification is about; each user chooses which kinds they get, and how."""

    PACKET = "packet", _("A new packet for my unit")
    TRANSFER = "transfer", _("A report transferred to my unit")
    NOTICE_DUE = "notice_due", _("A notice's reply is due")
    SOP_OVERDUE = "sop_overdue", _("An SOP step is overdue")
    CLUSTER_LEAD = "cluster_lead", _("A cluster's lead changed")
    URGENT = "urgent", _("An urgent report (a child in imminent danger)")
    TAKEDOWN = "takedown", _("A takedown notice has no contact or was ignored")


#: kinds every user gets in-app and by e-mail, whatever their preferences say
ALWAYS = frozenset({Kind.URGENT})


class Notification(models.Model):
    """One thing one person was told. `link` is a path inside Tipline; `emailed_at` is when
    it went out by e-mail (at once if urgent, else in the next digest)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: what it says, in English as it was made: shown for notifications made before messages
    #: had keys, and wherever `message` is unknown
    text = models.CharField(max_length=500)
    #: what it says, as a key of alerts.messages.MESSAGES and its values, rendered in the
    #: reader's language when shown or sent
    message = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    #: whether this one is to be e-mailed (the recipient's preference when it was made)
    by_email = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: what it is about, so a sweep tells each thing once: "notice:12", "checklist:40"
    key = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created"], name="notification_recent"),
            models.Index(fields=["by_email", "emailed_at"], name="notification_digest"),
            models.Index(fields=["recipient", "key"], name="notification_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.text[:40]}"

    def display(self) -> str:
        """What it says, in the active language (the stored English for an old one)."""
        from tipline.alerts.messages import message_render

        return message_render(self.message, self.params) or self.text


class Preference(models.Model):
    """How one person wants one kind of notification; no row: in-app and by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="alert_preferences")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="alert_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: app={self.in_app} email={self.email}"


class Recipient(models.Model):
    """Where and how one person is reached outside the pages: the language of their e-mail
    and text messages, and the mobile number urgent alerts are texted to if they opted in.
    No row: English, no text messages."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        HINDI = "hi", "हिन्दी"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="alert_recipient")
    language = models.CharField(max_length=5, choices=Language.choices,
                                default=Language.ENGLISH)
    #: E.164 ("+919812345678"), sealed like every other number that reaches a person
    phone = EncryptedTextField(blank=True)
    #: whether urgent alerts are texted to `phone`
    sms = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}, sms={self.sms and bool(self.phone)}"


class UrgentReport(models.Model):
    """A report about a child who may be in imminent danger, watched until acknowledged.

    `level` is who answers for it now: the unit, then (not acknowledged by `due_at`) the
    state's nodal officer, then the hub. `packet_id` is the single-report packet built for
    it (dispatch's Packet; an id, since a packet may be corrected into a new version).
    """

    class Level(models.TextChoices):
        UNIT = "unit", "Unit"
        STATE = "state", "State nodal officer"
        HUB = "hub", "Hub"

    scope_field = "report__jurisdiction"

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, primary_key=True,
                                  related_name="urgent_watch")
    reasons = models.JSONField(default=list, help_text="priority_1, escalated, reviewer")
    unit = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT,
                             related_name="+", help_text="the unit it was routed to, or the "
                             "queue (a state, the country) it waits in")
    packet_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="acknowledge by this time, or it escalates")
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.UNIT)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["acknowledged_at", "due_at"], name="urgent_open_due")]

    def __str__(self) -> str:
        return f"urgent report {self.report_id} ({self.level})"
