"""Builders shared by the case tests."""

from __future__ import annotations

from typing import Any

from tipline.cases.models import Case
from tipline.cases.services import cases_open
from tipline.intake.models import Report


def open_case(make_report: Any, node: str = "IN-MH-BEED", **fields: Any) -> Case:
    """A routed report at `node` and its freshly opened case."""
    report = make_report(node, status=Report.Status.ROUTED, **fields)
    cases_open(actor=None, report_ids=[report.pk])
    return Case.objects.get(report=report)
