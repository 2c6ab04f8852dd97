"""What every importer builds alike: a report known by its raw bytes, an IP capture event."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from tipline.intake.importers import build
from tipline.intake.values import BadValue

RAW = b"<report><incidentSummary/></report>"


def test_a_report_is_known_by_its_raw_bytes_which_are_kept() -> None:
    rec = build.report(source="platform", external_id="", raw=RAW, raw_kind="xml",
                       position="a.xml#1")
    digest = hashlib.sha256(RAW).hexdigest()
    assert rec.content_sha256 == digest
    assert rec.external_id == f"sha256:{digest[:40]}"  # the sender gave no id
    [artifact] = rec.artifacts
    assert (artifact.kind, artifact.name, artifact.data) == ("xml", "a.xml#1", RAW)
    named = build.report(source="ncmec", external_id="1001", raw=RAW, raw_kind="json",
                         position="export.zip:1001/1001.json", raw_name="1001/1001.json")
    assert (named.external_id, named.artifacts[0].name) == ("1001", "1001/1001.json")


def test_an_ip_event_reads_its_keys_and_names_them_in_messages() -> None:
    event = build.ip_event({"ipAddress": " 49.36.10.20 ", "port": "4431", "eventName": "Login",
                            "dateTime": "2024-03-01T09:00:00Z", "possibleProxy": "no"}.get,
                           where="suspect.ipCaptureEvent[0]")
    assert event is not None
    assert (event.ip, event.port, event.event, event.possible_proxy) == (
        "49.36.10.20", 4431, "Login", False)
    assert event.occurred_at == datetime(2024, 3, 1, 9, tzinfo=UTC)
    with pytest.raises(BadValue, match=r"^w\.port: 70000 is outside 0\.\.65535$"):
        build.ip_event({"value": "::1", "port": "70000"}.get, where="w", ip_key="value")


def test_an_event_without_an_address_is_none_and_its_other_keys_are_not_read() -> None:
    asked: list[str] = []

    def read(key: str) -> Any:
        asked.append(key)
        return {"port": "not a port"}.get(key)

    assert build.ip_event(read, where="w") is None
    assert asked == ["ipAddress"]
