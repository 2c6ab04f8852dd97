"""System users act freely, decided once in accounts.policies: the services that let the
command line and the workers act (hash banks, packets, routing overrides) refuse a person
without the action and an unsaved system user alike, and let a saved system user through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tipline.accounts.models import User
from tipline.accounts.services import system_user
from tipline.core.errors import NotPermitted
from tipline.dispatch.services import packet_build
from tipline.dispatch.tests.builders import routed
from tipline.jurisdictions.models import Coverage
from tipline.jurisdictions.services import coverage_override
from tipline.media.models import HashBank
from tipline.media.services import bank_create

pytestmark = pytest.mark.django_db


def _ghost() -> User:
    """Marked as a system user, never saved: nobody."""
    return User(username="system:ghost", is_system=True)


def test_hash_banks(beed_officer: Any) -> None:
    for refused in (_ghost(), beed_officer):
        with pytest.raises(NotPermitted):
            bank_create(actor=refused, name="refused")
    assert not HashBank.objects.exists()
    bank_create(actor=system_user("cli"), name="vic")
    assert list(HashBank.objects.values_list("name", flat=True)) == ["vic"]


def test_packets(beed_officer: Any, make_report: Callable[..., Any]) -> None:
    routed(make_report, "IN-MH-BEED", 1)
    for refused in (_ghost(), beed_officer):
        with pytest.raises(NotPermitted):
            packet_build(actor=refused, target_code="IN-MH-BEED")
    built = packet_build(actor=system_user("dispatch"), target_code="IN-MH-BEED")
    assert built.packet.report_count == 1


def test_routing_overrides(mh_nodal: Any) -> None:
    rule = {"state": "MH", "kind": "pin", "value": "411001", "unit_code": "IN-MH-BEED",
            "reason": "the hub says so"}
    for refused in (_ghost(), mh_nodal):
        with pytest.raises(NotPermitted):
            coverage_override(actor=refused, **rule)
    assert not Coverage.objects.filter(override=True).exists()
    coverage_override(actor=system_user("cli"), **rule)
    assert Coverage.objects.filter(override=True, value="411001").count() == 1
