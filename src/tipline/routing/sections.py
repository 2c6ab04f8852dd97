"""The report page's routing sections: moving the report by hand, and the reports linked to
it (its cluster, and why each is linked)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tipline.accounts import policies
from tipline.accounts.types import Viewer
from tipline.intake.dossier import fields
from tipline.intake.models import Report
from tipline.intake.sections import ReportSection
from tipline.routing.models import ManualAssignment, ReportCluster
from tipline.routing.selectors import assign_targets, report_links


def transfer_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    can_assign = policies.can(user, "report.assign", jurisdiction_id=report.jurisdiction_id)
    return {"can_assign": can_assign,
            "targets": assign_targets(user=user) if can_assign else []}


def linked_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    cluster_size, linked = report_links(user=user, report=report)
    return {"cluster_size": cluster_size, "linked": linked,
            "nav": _("Linked (%(count)s)") % {"count": len(linked)}}


TRANSFER = ReportSection(name="transfer", slot="after_subjects", order=20,
                         template="routing/report_transfer.html", context=transfer_context)
LINKED = ReportSection(name="linked", slot="after_subjects", order=30,
                       template="routing/report_linked.html", context=linked_context)


def routing_part(report: Report) -> Any:
    """The report's cluster (its members) and any placement by hand (`tipline reports
    show`)."""
    cluster = ReportCluster.objects.filter(report=report).first()
    by_hand = ManualAssignment.objects.filter(report=report).first()
    return {
        "cluster": None if cluster is None else {
            "id": cluster.cluster,
            "members": [f"TL-{pk:08d}" for pk in ReportCluster.objects.filter(
                cluster=cluster.cluster).order_by("report_id").values_list("report_id",
                                                                           flat=True)]},
        "placed_by_hand": None if by_hand is None else fields(by_hand),
    }
