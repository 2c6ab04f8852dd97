"""The multi-machine deployment (deploy/), as far as one machine allows: PostgreSQL, Redis, an
S3 object store (moto's server on loopback), two `tipline worker` processes pulling from one
Redis (one the scans, one the rest), and one `tipline pdq-index serve` that their scans ask
(TIPLINE_PDQ_INDEX_URL). The demo's export is imported, and the workers scan, match and route
it, which opens the cases; every blob ends up in the bucket, none on the local disk.

It needs the PostgreSQL server on 127.0.0.1:5432 (user postgres, trust) and Redis on
127.0.0.1:6379, as CI has; it is skipped, saying so, where either does not answer. It brings
its own PostgreSQL database, so it runs once, in the SQLite run of `make test`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from tests.test_cli import tipline_argv

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_DB = "redis://127.0.0.1:6379/11"  # a database of its own (test_queues has 15)
REPORTS = 40
BANK_SIZE = 5


def _answers() -> str | None:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
    except psycopg.OperationalError:
        return "no PostgreSQL server answers on 127.0.0.1:5432"
    try:
        redis.Redis.from_url(REDIS_DB, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return "no Redis server answers on 127.0.0.1:6379"
    return None


def _skip_reason(settings: Any) -> str | None:
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "runs once, in the SQLite run (it brings its own PostgreSQL database)"
    return _answers()


@pytest.fixture
def database() -> Iterator[str]:
    name = f"s3_deploy_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def queue() -> Iterator[str]:
    connection = redis.Redis.from_url(REDIS_DB)
    connection.flushdb()
    yield REDIS_DB
    connection.flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Machine:
    """What each machine of the deployment is given: the same settings, its own data folder."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home, self.env, self.procs = home, env, list[subprocess.Popen[str]]()

    def run(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(  # noqa: S603 - our own command
            [*tipline_argv(), *args], env=self.env, capture_output=True, text=True,
            timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"tipline {args[0]}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen[str]:
        log = (self.home / f"{name}.log").open("a")
        proc = subprocess.Popen(  # noqa: S603 - our own command
            [*tipline_argv(), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
            text=True, stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        path = self.home / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(what: str, check: Any, machine: Machine, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (found := check()) is not None:
            return found
        for proc in machine.procs:
            if proc.poll() is not None:
                pytest.fail(f"{proc.args[1:3]} exited ({proc.returncode}) before {what}:\n"
                            + machine.log("worker-1") + machine.log("worker-2")
                            + machine.log("index"))
        time.sleep(0.5)
    pytest.fail(f"{what} did not happen within {seconds} s")


def health(url: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:  # noqa: S310
            return dict(json.loads(answer.read()))
    except OSError:
        return None


#: Run inside the deployment (`tipline shell -c`): waits until the flow is done, then prints
#: what it did, read through the models as an operator would.
FLOW_DONE = """
import json, time
import django_rq
from tipline.cases.models import Case
from tipline.core.blobstores import blob_name
from tipline.intake.models import ImportBatch, Report, ReportFile
from tipline.media.models import FileScan, Match
from tipline.routing.placement import unrouted_report_count

def counts():
    stored = ReportFile.objects.filter(stored=True)
    queues = {name: django_rq.get_queue(name) for name in
              ["default", "intake", "scan", "route", "dispatch", "trawl"]}
    return {
        "batches": list(ImportBatch.objects.values_list("status", flat=True)),
        "reports": Report.objects.filter(is_current=True).count(),
        "stored_files": stored.count(),
        "stored_sha256": sorted(set(stored.values_list("sha256", flat=True))),
        "stored_names": sorted(blob_name(s) for s in set(stored.values_list("sha256",
                                                                          flat=True))),
        "scanned": FileScan.objects.filter(file__in=stored).count(),
        "matches": Match.objects.count(),
        "unrouted": unrouted_report_count(),
        "cases": Case.objects.count(),
        "busy": sum(q.count + q.started_job_registry.count for q in queues.values()),
        "failed": sum(q.failed_job_registry.count for q in queues.values()),
    }

deadline = time.monotonic() + SECONDS
while True:
    now = counts()
    done = (now["reports"] and now["scanned"] == now["stored_files"] and not now["unrouted"]
            and not now["busy"])
    if done or now["failed"] or time.monotonic() > deadline:
        break
    time.sleep(0.5)
print(json.dumps(now))
"""


def test_the_demo_runs_on_postgresql_redis_s3_two_workers_and_the_index_service(
        tmp_path: Path, settings: Any, s3_server: str, database: str, queue: str) -> None:
    if (reason := _skip_reason(settings)) is not None:
        pytest.skip(reason)
    import boto3

    from tipline.media.hashing import pdq_bytes

    bucket = "tipline-deploy"
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    s3.create_bucket(Bucket=bucket)
    index_url = f"http://127.0.0.1:{free_port()}"
    home = tmp_path / "hub"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TIPLINE_", "AWS_")) and k not in {
               "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "TIPLINE_HOME": str(home), "DATABASE_URL": database,
        "TIPLINE_TASK_BACKEND": "redis", "REDIS_URL": queue,
        "TIPLINE_BLOB_URL": f"s3://{bucket}/blobs", "TIPLINE_S3_ENDPOINT_URL": s3_server,
        "TIPLINE_S3_REGION": "us-east-1", "TIPLINE_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "TIPLINE_PDQ_INDEX_URL": index_url,
        # a small machine shared with others: one hashing process each, no classifier models
        "TIPLINE_SCAN_PROCESSES": "1", "TIPLINE_CLASSIFY_ON_SCAN": "false",
    })
    hub = Machine(home, env)
    try:
        hub.run("bootstrap")
        hub.run("demo", "--reports", str(REPORTS), "--seed", "11", "--no-import", "--quiet")
        export = home / "demo" / "export.zip"
        # a confirmed bank holding a few of the export's own (generated) images
        with zipfile.ZipFile(export) as zf:
            images = sorted(n for n in zf.namelist() if n.endswith((".png", ".jpg")))
            pdqs = sorted({pdq_bytes(zf.read(n)).hash for n in images[:BANK_SIZE]})
        bank_file = tmp_path / "known.txt"
        bank_file.write_text("\n".join(pdqs) + "\n")
        hub.run("hashes", "import", str(bank_file), "--bank", "known", "--format", "pdq-list",
                "--no-retro-hunt", "--quiet")

        hub.start("index", "pdq-index", "serve", "--bind", index_url.removeprefix("http://"))
        served = wait_for("the index service answering", lambda: health(index_url), hub, 120)
        assert served["entries"] == len(pdqs)
        # as on two machines: one takes the scans, the other the rest
        hub.start("worker-1", "worker", "--queues", "scan")
        hub.start("worker-2", "worker", "--queues", "intake,route,dispatch,trawl,default")

        imported = hub.run("ingest", str(export), "--quiet")
        assert f"imported {REPORTS}" in imported or str(REPORTS) in imported, imported
        flow = json.loads(hub.run("shell", "-c", FLOW_DONE.replace("SECONDS", "240"),
                                  timeout=300).strip().splitlines()[-1])
        logs = hub.log("worker-1") + hub.log("worker-2")
    finally:
        hub.stop()

    assert flow["failed"] == 0, logs
    assert flow["batches"] == ["done"] and flow["reports"] == REPORTS
    assert flow["stored_files"] > 0 and flow["scanned"] == flow["stored_files"]
    assert flow["matches"] >= len(pdqs)  # found through the index service
    assert flow["unrouted"] == 0 and flow["cases"] > 0, flow
    # each worker took its own kind of work from the one Redis
    assert "Job OK" in hub.log("worker-1") and "Job OK" in hub.log("worker-2"), logs
    # every blob is in the bucket, encrypted, and none on the local disk
    keys = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="blobs/") for item in page.get("Contents", [])]
    names = {key.split("/", 1)[1] for key in keys}
    assert set(flow["stored_names"]) <= names
    assert not [sha for sha in flow["stored_sha256"] if any(sha in key for key in keys)]
    assert not [k for k in keys if "/.incoming-" in k]
    assert not (home / "blobs").exists() or not any((home / "blobs").rglob("*.tlb"))


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _tipline_commands() -> list[list[str]]:
    """Every tipline command line the deployment runs, from compose.yaml and the units."""
    import yaml

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    lines = [list(service["command"]) for service in compose["services"].values()
             if service.get("image") == "tipline:latest"]
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                words = line.split("/bin/tipline ", 1)[1].split()
                lines.append([w.strip("'\"") for w in words])
    return lines


def test_the_deployment_runs_only_tipline_commands_on_its_queues(settings: Any) -> None:
    from tipline.cli import COMMANDS

    lines = _tipline_commands()
    run = {line[0] for line in lines}
    assert {"serve", "worker", "pdq-index", "bootstrap"} <= run <= set(COMMANDS)
    assert any(line[:2] == ["serve", "--no-worker"] for line in lines)
    queues = [line[line.index("--queues") + 1] for line in lines if "--queues" in line]
    # (the systemd template takes its queues from its instance name)
    named = {q for spec in queues if "$" not in spec for q in spec.split(",")}
    assert named == set(settings.TASK_QUEUES)  # every queue is taken by some worker


def test_the_deployment_sets_only_declared_settings() -> None:
    import yaml

    from tipline.core.env import DECLARED

    example = [line.split("=", 1)[0] for line in
               (DEPLOY / "tipline.env.example").read_text().splitlines()
               if line and not line.startswith("#")]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    given = [*example, *compose["x-tipline"]["environment"]]
    assert "TIPLINE_BLOB_URL" in given and "TIPLINE_PDQ_INDEX_URL" in given
    assert sorted(set(given) - set(DECLARED)) == []
