"""What every benchmark starts from: a fresh TIPLINE_HOME with a migrated database, SQLite by
default, or a fresh database on a PostgreSQL server (`--database-url`), dropped afterwards."""

from __future__ import annotations

import argparse
import atexit
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def database_option(parser: argparse.ArgumentParser) -> None:
    """The `--database-url` every benchmark that touches the database takes."""
    parser.add_argument(
        "--database-url", default="",
        help="a PostgreSQL server (postgres://user@host:port/db): the benchmark runs in a "
             "fresh database made there and dropped after; default a fresh SQLite database")


def fresh_home(prefix: str, database_url: str = "") -> Path:
    """Point Tipline at a new empty data folder and a new empty database, and set it up."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["TIPLINE_HOME"] = str(home)
    if database_url:
        os.environ["DATABASE_URL"] = _fresh_database(database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    import django

    django.setup()
    from tipline.core.bootstrap import ensure_ready

    ensure_ready()
    return home


def _fresh_database(server_url: str) -> str:
    """A new database on the server of `server_url`, dropped when the benchmark exits."""
    import psycopg

    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database-url must be a postgres:// URL, not {parts.scheme!r}")
    name = f"tipline_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def served(home: Path, *options: str) -> Iterator[int]:
    """`tipline serve` with `options` on a free loopback port, its output in home/serve.log,
    while the block runs; yields the port once the server answers (exits with the log's tail
    when it does not start within two minutes), and stops it after."""
    from django.db import connections

    connections.close_all()  # the server opens its own
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
           "DJANGO_SETTINGS_MODULE": "tipline.settings"}
    log = open(home / "serve.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "django", "serve", *options, "--bind", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    sys.exit("the server did not start:\n"
                             + (home / "serve.log").read_text()[-3000:])
                time.sleep(0.5)
        _SERVER[0] = server.pid
        yield port
    finally:
        _SERVER[0] = 0
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


#: the pid of the `tipline serve` that `served` runs (0 when none)
_SERVER = [0]


def server_cpu() -> dict[str, float]:
    """CPU seconds used so far by the running `tipline serve`'s processes, by kind ("web":
    gunicorn's, "worker": the task worker's and its helpers', "serve": the supervisor), read
    from /proc (empty where there is none)."""
    used: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    todo = [_SERVER[0]] if _SERVER[0] else []
    kind_of = {_SERVER[0]: "serve"}
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        kind = kind_of.get(pid) or ("web" if b"gunicorn" in command else "worker")
        used[kind] = used.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            for child in task.read_text().split():
                kind_of[int(child)] = kind if kind != "serve" else ""
                todo.append(int(child))
    return used
