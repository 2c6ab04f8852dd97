"""`tipline demo`: export into TIPLINE_HOME/demo, import, demo users; idempotent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline.accounts.models import Grant, User
from tipline.accounts.services import user_create
from tipline.demo.management.commands.demo import DEMO_PASSWORD, DEMO_USERS
from tipline.demo.steps.users import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, PLATFORM_USERNAME
from tipline.intake.models import ImportBatch, Report, Source
from tipline.media.models import FileScan


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _run(**options: Any) -> str:
    out = io.StringIO()
    call_command(
        "demo", reports=30, seed=7, quiet=True, stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


@pytest.mark.django_db
def test_demo_users_and_export_without_import(tree: None) -> None:
    text = _run(no_import=True)
    folder = Path(settings.TIPLINE_HOME) / "demo"
    assert (folder / "export.zip").stat().st_size > 0
    assert (folder / "ground_truth.csv").read_text().count("\n") == 31
    assert "http://127.0.0.1:8000/" in text and DEMO_PASSWORD in text and "DEMO ONLY" in text
    assert DEMO_TOTP_SECRET in text
    for username, role, node, _ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        # the published key is every demo user's authenticator (the platform's account,
        # which reports through /ispws/ only, needs none)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert (device.key if device else None) == (
            None if role == "platform" else DEMO_TOTP_KEY), username
        assert Grant.objects.filter(user=user, role__code=role, jurisdiction__code=node).exists()

    again = _run(no_import=True)
    assert "already generated" in again
    assert User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).count() == len(DEMO_USERS)
    assert Grant.objects.filter(user__username="beed.officer").count() == 1


@pytest.mark.django_db
def test_existing_user_is_left_alone(tree: None) -> None:
    user_create(actor=None, username="admin", password="a-real-password-123")
    _run(no_import=True)
    admin = User.objects.get(username="admin")
    assert admin.check_password("a-real-password-123")
    assert not admin.grants.exists()


@pytest.mark.django_db
def test_second_import_counts_duplicates(tree: None) -> None:
    pytest.importorskip("tipline.intake.ingest")
    first = _run()
    assert "imported 30" in first
    second = _run()
    assert "duplicates 30" in second
    batches = list(ImportBatch.objects.exclude(label__startswith="CyberTipline API")
                   .exclude(label__startswith="Public tip")
                   .exclude(label__startswith="Trawler finding")
                   .order_by("pk"))
    assert [(b.imported, b.duplicates, b.rejected) for b in batches] == [(30, 0, 0), (0, 30, 0)]
    # the demo platform sent its report through /ispws/ once, scanned and routed like any
    assert "sent 1 reports through the CyberTipline API" in first
    assert "sent through /ispws/ already" in second
    (report,) = Report.objects.filter(source=Source.PLATFORM)
    assert report.submission.state == "finished"
    assert report.batch.created_by.username == PLATFORM_USERNAME
    (file,) = report.files.all()
    assert file.stored and FileScan.objects.filter(file=file).exists()
    # and a citizen's tip from /tip/, scanned and routed the same way
    assert "demo public tips: 1 sent" in first and "demo public tips: 1 sent already" in second
    (tip,) = Report.objects.filter(source=Source.PUBLIC)
    assert tip.tip.tracking.startswith("TIP-") and tip.status != "new"
    # the small trawl of the demo's local web: findings, notices, re-checks (once)
    assert "demo trawl of a generated local web" in first and "clock moved forward" in first
    assert "demo trawl done already" in second
    trawled = Report.objects.filter(source=Source.TRAWLER)
    # routed like any report (a loopback address places them nowhere: the national queue)
    assert trawled.count() == 5 and not trawled.filter(location__isnull=True).exists()
    report.refresh_from_db()
    assert report.status != "new"  # routed (and dispatched) like the export's reports
