"""tipline dispatch: a packet written to a folder, its passphrase printed once or read."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.management import CommandError, call_command

from tipline.dispatch.models import Packet
from tipline.dispatch.tests.builders import routed
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


def test_dispatch_unit_with_passphrase_file(make_report: Callable[..., Report],
                                            tmp_path: Path) -> None:
    reports = [routed(make_report, "IN-MH-BEED", n) for n in range(3)]
    routed(make_report, "IN-MH-PUNE", 5)
    secret = tmp_path / "pass.txt"
    secret.write_text("scripted passphrase 123\n")
    out = io.StringIO()
    call_command("dispatch", "--unit", "IN-MH-BEED", "--out", str(tmp_path / "out"),
                 "--passphrase-file", str(secret), "--quiet", stdout=out)
    packet = Packet.objects.get()
    zips = list((tmp_path / "out").glob("*.zip"))
    assert [z.name for z in zips] == [f"{packet.reference}-IN-MH-BEED.zip"]
    assert "scripted passphrase" not in out.getvalue()
    with pyzipper.AESZipFile(zips[0]) as zf:
        zf.setpassword(b"scripted passphrase 123")
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["report_count"] == len(reports) == packet.report_count
    assert manifest["created_by"] == "system:dispatch"


def test_dispatch_state_prints_passphrase_once(make_report: Callable[..., Report],
                                               tmp_path: Path, capsys: Any) -> None:
    routed(make_report, "IN-MH-BEED", 1)
    routed(make_report, "IN-MH-PUNE", 2)
    out = io.StringIO()
    call_command("dispatch", "--state", "MH", "--out", str(tmp_path), stdout=out)
    line = [x for x in out.getvalue().splitlines() if x.startswith("passphrase")][0]
    passphrase = line.rsplit(": ", 1)[1]
    packet = Packet.objects.get()
    assert packet.target.code == "IN-MH" and packet.report_count == 2
    with pyzipper.AESZipFile(next(tmp_path.glob("*.zip"))) as zf:
        zf.setpassword(passphrase.encode())
        assert json.loads(zf.read("manifest.json"))["packet_id"] == packet.pk
    assert "packet for IN-MH" in capsys.readouterr().err  # the progress bar
    with pytest.raises(CommandError, match="no routed reports"):
        call_command("dispatch", "--state", "MH", "--out", str(tmp_path), "--quiet")
