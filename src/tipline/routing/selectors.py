"""Reads about linked reports, scoped to what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tipline.accounts.policies import scoped
from tipline.intake.models import Identifier, IpEvent, Report
from tipline.routing.linking import LINKING_KINDS
from tipline.routing.models import ReportCluster


@dataclass(frozen=True)
class LinkedReport:
    report: Report
    reasons: list[str]  # "email a@example.in", "IP 49.36.1.2:4431 within 5 min"


def report_links(*, user: Any, report: Report) -> tuple[int, list[LinkedReport]]:
    """(size of the report's cluster, the linked reports the user may see with why)."""
    row = ReportCluster.objects.filter(report=report).first()
    if row is None:
        return 0, []
    members = list(ReportCluster.objects.filter(cluster=row.cluster)
                   .exclude(report=report).values_list("report_id", flat=True))
    visible = {r.pk: r for r in scoped(Report.objects.filter(pk__in=members), user=user,
                                       action="report.view").select_related("jurisdiction")}
    reasons: dict[int, list[str]] = defaultdict(list)
    mine = list(report.identifiers.filter(kind__in=LINKING_KINDS)
                .values_list("kind", "value", "service"))
    labels = dict(Identifier.Kind.choices)
    for kind, value, service, other in Identifier.objects.filter(
            report_id__in=visible, kind__in={k for k, _, _ in mine},
            value__in={v for _, v, _ in mine}).values_list("kind", "value", "service",
                                                           "report_id"):
        if (kind, value, service) in mine:
            on = f" on {service}" if service else ""
            reasons[other].append(f"{labels.get(kind, kind)} {value}{on}")
    window = settings.LINK_IP_WINDOW_SECONDS
    events = [(e.ip, e.port, e.occurred_at) for e in report.ip_events.all()
              if e.port is not None and e.occurred_at is not None]
    if events:
        for ip, port, at, other in IpEvent.objects.filter(
                report_id__in=visible, ip__in={ip for ip, _, _ in events},
                port__isnull=False, occurred_at__isnull=False).values_list(
                "ip", "port", "occurred_at", "report_id"):
            if at is not None and any(
                    ip == i and port == p and abs((at - t).total_seconds()) <= window
                    for i, p, t in events):
                reasons[other].append(f"IP {ip}:{port} within {window // 60} min")
    linked = [LinkedReport(visible[pk], sorted(set(reasons[pk])) or ["through other reports"])
              for pk in sorted(visible)]
    return len(members) + 1, linked
