"""Links between reports: reports about the same people form one cluster (deconfliction)."""

from __future__ import annotations

from django.db import models


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

    def __str__(self) -> str:
        return f"report {self.report_id} in cluster {self.cluster}"
