"""Shared test fixtures: a seeded jurisdiction tree, the built-in roles and named personas.

Every persona has an authenticator (a confirmed TOTP device), and `client.force_login(user)`
also marks the session as having passed the second factor, as the login page would after a
good code (`_second_factor_at_force_login`): tests of the pages are not tests of the login.
The second factor's own tests log in through the login and code pages.

Personas: `hub_admin` (Asha), `analyst` (Harish, hub analyst over India), `mh_nodal`
(Meera, Maharashtra nodal officer), `beed_officer` (Bhim, unit officer over Beed),
`pune_officer` (Prakash, unit officer over Pune), `auditor` (Aditi, auditor over India),
`reviewer` (Ravi, reviewer over India), `nobody` (Nikhil, logged in with no grants).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _language_reset() -> Any:
    """Each test starts and ends in the site's language: a request in Hindi leaves Hindi
    active in its thread (the middleware sets it per request), which would turn the next
    test's labels Hindi."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Personas log in with real passwords; hashing them slowly only slows the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tipline_home(tmp_path: Path, settings: Any) -> None:
    """Each test gets its own data folder (blobs, keys, uploads)."""
    settings.TIPLINE_HOME = tmp_path / "home"
    settings.TIPLINE_HOME.mkdir()
    settings.MEDIA_KEY = None
    settings.MEDIA_KEY_PATH = settings.TIPLINE_HOME / "media.key"
    settings.KEY_DIR = tmp_path / "keys"
    settings.INDEX_KEY = None
    from tipline.core.keys import forget

    forget()


@pytest.fixture
def tree(db: Any) -> None:
    from tipline.core.bootstrap import seed_reference_data
    from tipline.jurisdictions.selectors import jurisdiction_cache_clear

    jurisdiction_cache_clear()
    seed_reference_data()
    jurisdiction_cache_clear()


def _persona(username: str, role: str, node: str) -> Any:
    from tipline.accounts.services import grant_add, user_create

    user = user_create(actor=None, username=username, password="correct-horse-9")  # noqa: S106
    if role:
        grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
    _authenticator(user)
    return user


def _authenticator(user: Any) -> Any:
    """A confirmed TOTP device of the user (as if they had enrolled), made directly."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


@pytest.fixture(autouse=True)
def _second_factor_at_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Client.force_login(user)` logs the user in fully: after Django's own, the session is
    marked verified by the user's authenticator (django-otp's session key), one made for a
    user who needs a second factor and has none. Only the test client's shortcut changes: the
    login page and the middleware are untouched."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipline.accounts.policies import mfa_required

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and mfa_required(user):
            device = _authenticator(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def hub_admin(tree: None) -> Any:
    return _persona("asha", "hub_admin", "IN")


@pytest.fixture
def analyst(tree: None) -> Any:
    return _persona("harish", "hub_analyst", "IN")


@pytest.fixture
def mh_nodal(tree: None) -> Any:
    return _persona("meera", "state_nodal", "IN-MH")


@pytest.fixture
def platform_account(tree: None) -> Any:
    """A platform's CyberTipline API account (role `platform`): sends reports, sees none."""
    return _persona("examplechat-api", "platform", "IN")


@pytest.fixture
def beed_officer(tree: None) -> Any:
    return _persona("bhim", "unit_officer", "IN-MH-BEED")


@pytest.fixture
def pune_officer(tree: None) -> Any:
    return _persona("prakash", "unit_officer", "IN-MH-PUNE")


@pytest.fixture
def auditor(tree: None) -> Any:
    return _persona("aditi", "auditor", "IN")


@pytest.fixture
def reviewer(tree: None) -> Any:
    return _persona("ravi", "reviewer", "IN")


@pytest.fixture
def nobody(tree: None) -> Any:
    return _persona("nikhil", "", "")


@pytest.fixture
def make_report(tree: None) -> Callable[..., Any]:
    """A minimal report placed at a jurisdiction node, written directly (for read tests)."""
    from tipline.intake.models import Report, Source
    from tipline.jurisdictions.models import Jurisdiction

    counter = {"n": 0}

    def make(node: str = "IN", **fields: Any) -> Report:
        counter["n"] += 1
        values: dict[str, Any] = {
            "source": Source.NCMEC,
            "external_id": f"T{counter['n']:06d}",
            "content_sha256": f"{counter['n']:064x}",
            "imported_at": datetime.now(UTC),
            "received_at": datetime(2020, 1, 1, tzinfo=UTC),
            "incident_type": "Child Pornography (possession, manufacture, and distribution)",
            "jurisdiction": Jurisdiction.objects.get(code=node),
        }
        values.update(fields)
        return Report.objects.create(**values)

    return make


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background tasks run inline, on every queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": settings.TASK_QUEUES}}


@pytest.fixture(scope="session")
def s3_server() -> Any:
    """A real S3 server on a free loopback port (moto's server mode), for the whole run."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_server: str, settings: Any, request: pytest.FixtureRequest) -> Any:
    """Blobs go to a fresh bucket of the local S3 server (TIPLINE_BLOB_URL=s3://...); returns
    that bucket, to look in with boto3."""
    import re

    import boto3

    bucket = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:50].strip("-") + "-b"
    settings.BLOB_URL = f"s3://{bucket}/tipline/blobs"
    settings.S3_ENDPOINT_URL = s3_server
    settings.S3_REGION = "us-east-1"
    settings.S3_ACCESS_KEY_ID = "testing"
    settings.S3_SECRET_ACCESS_KEY = "testing"  # noqa: S105
    settings.S3_ADDRESSING_STYLE = "path"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    client.create_bucket(Bucket=bucket)
    return S3Bucket(client=client, name=bucket, prefix="tipline/blobs/")


class S3Bucket:
    """A bucket of the local S3 server, seen from outside Tipline."""

    def __init__(self, *, client: Any, name: str, prefix: str) -> None:
        self.client, self.name, self.prefix = client, name, prefix

    def objects(self) -> dict[str, int]:
        """Every object under the prefix: its name below the prefix, and its size."""
        found: dict[str, int] = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=self.prefix):
            for item in page.get("Contents", []):
                found[item["Key"][len(self.prefix):]] = item["Size"]
        return found

    def get(self, name: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name,
                                            Key=self.prefix + name)["Body"].read())
