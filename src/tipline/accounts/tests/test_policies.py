"""accounts.policies: grants flow down the jurisdiction tree; forbidden looks like missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tipline.accounts.actions import ACTIONS
from tipline.accounts.models import User
from tipline.accounts.policies import (
    allowed_jurisdictions,
    can,
    can_everywhere,
    get_scoped_or_404,
    is_system_actor,
    require,
    scoped,
)
from tipline.accounts.services import grant_add, system_user
from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction

MakeReport = Callable[..., Any]


def visible(user: Any, action: str = "report.view") -> set[str]:
    return set(
        scoped(Report.objects.all(), user=user, action=action).values_list(
            "external_id", flat=True
        )
    )


@pytest.fixture
def reports(make_report: MakeReport) -> dict[str, Any]:
    """One report each in Beed, Pune, Maharashtra (no district yet), Delhi, and unplaced."""
    return {
        "beed": make_report("IN-MH-BEED"),
        "pune": make_report("IN-MH-PUNE"),
        "mh": make_report("IN-MH"),
        "delhi": make_report("IN-DL"),
        "unplaced": make_report("IN"),
    }


def ids(reports: dict[str, Any], *names: str) -> set[str]:
    return {reports[name].external_id for name in names}


def test_state_nodal_sees_every_district_of_the_state(
    mh_nodal: Any, reports: dict[str, Any]
) -> None:
    assert visible(mh_nodal) == ids(reports, "beed", "pune", "mh")


def test_unit_officer_sees_only_the_unit(
    beed_officer: Any, pune_officer: Any, reports: dict[str, Any]
) -> None:
    assert visible(beed_officer) == ids(reports, "beed")
    assert visible(pune_officer) == ids(reports, "pune")


def test_national_grant_sees_everything_including_unplaced(
    analyst: Any, hub_admin: Any, reports: dict[str, Any]
) -> None:
    everything = ids(reports, *reports)
    assert visible(analyst) == everything
    assert visible(hub_admin) == everything
    assert allowed_jurisdictions(analyst, "report.view") is None
    assert can_everywhere(analyst, "report.view")


def test_auditor_reads_the_trail_and_nothing_else(
    auditor: Any, reports: dict[str, Any]
) -> None:
    assert visible(auditor) == set()
    for action in ("report.view", "report.import", "report.assign", "case.update",
                   "media.view", "user.manage"):
        assert not can(auditor, action)
    assert can(auditor, "audit.view")
    with pytest.raises(NotPermitted):
        require(auditor, "report.assign")


def test_no_grant_no_access(nobody: Any, reports: dict[str, Any]) -> None:
    assert visible(nobody) == set()
    assert not can(nobody, "report.view")
    assert allowed_jurisdictions(nobody, "report.view") == set()


def test_anonymous_and_inactive_users_see_nothing(
    beed_officer: Any, reports: dict[str, Any]
) -> None:
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()
    beed_officer.is_active = False
    assert visible(beed_officer) == set()


def test_action_must_be_in_the_role(beed_officer: Any, reports: dict[str, Any]) -> None:
    """A unit officer may view and update cases, not assign reports."""
    assert visible(beed_officer, "report.assign") == set()
    beed = Jurisdiction.objects.get(code="IN-MH-BEED")
    assert can(beed_officer, "case.update", jurisdiction_id=beed.pk)
    assert not can(beed_officer, "report.assign", jurisdiction_id=beed.pk)


def test_can_at_a_node(mh_nodal: Any, tree: None) -> None:
    nodes = {j.code: j.pk for j in Jurisdiction.objects.filter(
        code__in=["IN", "IN-MH", "IN-MH-BEED", "IN-DL"])}
    assert can(mh_nodal, "report.view", jurisdiction_id=nodes["IN-MH-BEED"])
    assert can(mh_nodal, "report.view", jurisdiction_id=nodes["IN-MH"])
    assert not can(mh_nodal, "report.view", jurisdiction_id=nodes["IN"])
    assert not can(mh_nodal, "report.view", jurisdiction_id=nodes["IN-DL"])
    require(mh_nodal, "report.assign", jurisdiction_id=nodes["IN-MH-BEED"])
    with pytest.raises(NotPermitted):
        require(mh_nodal, "report.assign", jurisdiction_id=nodes["IN-DL"])


def test_grants_add_up(beed_officer: Any, reports: dict[str, Any]) -> None:
    assert visible(beed_officer) == ids(reports, "beed")  # caches the grants on the user
    grant_add(actor=None, user=beed_officer, role_code="unit_officer",
              jurisdiction_code="IN-MH-PUNE")
    assert visible(beed_officer) == ids(reports, "beed", "pune")


def test_unscoped_model_needs_a_root_grant(
    auditor: Any, mh_nodal: Any, tree: None
) -> None:
    from django.db import transaction

    from tipline.audit.services import audit_record

    assert AuditEvent.scope_field is None
    with transaction.atomic():
        audit_record(actor=None, action="test.event")
    everything = AuditEvent.objects.all()
    assert scoped(everything, user=auditor, action="audit.view").count() == everything.count()
    grant_add(actor=None, user=mh_nodal, role_code="auditor", jurisdiction_code="IN-MH")
    assert can(mh_nodal, "audit.view")  # somewhere, yes...
    assert scoped(everything, user=mh_nodal, action="audit.view").count() == 0  # ...not here


def test_get_scoped_or_404_forbidden_and_missing_alike(
    beed_officer: Any, reports: dict[str, Any]
) -> None:
    queryset = Report.objects.all()
    own = get_scoped_or_404(queryset, user=beed_officer, action="report.view",
                            pk=reports["beed"].pk)
    assert own.pk == reports["beed"].pk

    with pytest.raises(Http404) as forbidden:
        get_scoped_or_404(queryset, user=beed_officer, action="report.view",
                          pk=reports["pune"].pk)
    missing_pk = max(r.pk for r in reports.values()) + 1000
    with pytest.raises(Http404) as missing:
        get_scoped_or_404(queryset, user=beed_officer, action="report.view", pk=missing_pk)
    assert str(forbidden.value) == str(missing.value)


def test_the_system_acts_freely(reports: dict[str, Any]) -> None:
    """A saved system user (workers, the command line) holds every action everywhere."""
    worker = system_user("worker")
    assert is_system_actor(worker) and not worker.is_active
    assert visible(worker) == ids(reports, *reports)
    for action in ACTIONS:
        assert can_everywhere(worker, action)
        require(worker, action, jurisdiction_id=reports["delhi"].jurisdiction_id)


def test_an_unsaved_system_user_or_a_person_is_not_the_system(
    nobody: Any, reports: dict[str, Any]
) -> None:
    ghost = User(username="system:ghost", is_system=True)
    for user in (ghost, nobody, AnonymousUser(), None):
        assert not is_system_actor(user)
    assert visible(ghost) == set()
    assert not can(ghost, "report.view")
    with pytest.raises(NotPermitted):
        require(ghost, "bank.manage")
