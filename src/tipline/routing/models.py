"""Links between reports: reports about the same people form one cluster (deconfliction)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tipline.core.fields import EncryptedTextField


class ReportCluster(models.Model):
    """The cluster a report belongs to, when it shares an identifier with another report.

    `cluster` is the smallest report id in the cluster; reports in no cluster have no row.
    Why two reports are linked is read from what they share (see routing.selectors).
    """

    scope_field = "report__jurisdiction"

    report = models.OneToOneField(
        "intake.Report", on_delete=models.CASCADE, primary_key=True, related_name="cluster"
    )
    cluster = models.BigIntegerField(db_index=True)
    #: the one unit that leads the cluster's enquiry (routing.clusters)
    lead = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"report {self.report_id} in cluster {self.cluster}"


class ManualAssignment(models.Model):
    """A person put the report where it is (a transfer or a queue decision): automatic
    routing, such as a cluster's lead taking its reports, leaves it there."""

    scope_field = "report__jurisdiction"

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, primary_key=True,
                                  related_name="manual_assignment")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = EncryptedTextField()

    def __str__(self) -> str:
        return f"report {self.report_id} placed by hand"


class ClusterNotice(models.Model):
    """Tells a unit that a report from its area went to the unit leading its cluster."""

    scope_field = "unit"

    unit = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                             related_name="cluster_notices")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="+")
    cluster = models.BigIntegerField()
    lead = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "report"],
                                               name="cluster_notice_once")]
        indexes = [models.Index(fields=["unit", "-created_at"], name="cluster_notice_unit")]

    def __str__(self) -> str:
        return f"{self.report_id} went from {self.unit_id} to {self.lead_id}"


class InboxVisit(models.Model):
    """Where a person stopped reading their inbox: reports routed to their units with an id
    above `last_report_id` are new to them (the inbox's unread marker, the home page's "new
    since your last visit"). The inbox lists reports newest id first, so "new" is the top of
    the list. A person's own reading mark, not a record of the flow: it names no
    jurisdiction (read only by its owner) and is not audited."""

    scope_field = None

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="inbox_visit")
    last_report_id = models.BigIntegerField(default=0)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} read up to report {self.last_report_id}"
