"""The `tipline` command as an operator runs it: a real process on a fresh data folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tipline.cli import COMMANDS

BIN = Path(sys.executable).parent / "tipline"


def tipline_argv() -> list[str]:
    """The installed console script, or the module when running from a bare checkout."""
    return [str(BIN)] if BIN.exists() else [sys.executable, "-m", "tipline.cli"]


def fresh_env(home: Path) -> dict[str, str]:
    """The environment for a fresh install: its own TIPLINE_HOME, the embedded SQLite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIPLINE_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TIPLINE_HOME"] = str(home)
    return env


def run(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [*tipline_argv(), *args], env=fresh_env(home), capture_output=True, text=True,
        input=stdin, timeout=120, check=False,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def test_help_lists_tipline_commands(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run(home, "--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert not (home / "tipline.sqlite3").exists()  # help needs no database


def test_every_listed_command_exists() -> None:
    from django.core.management import get_commands

    assert set(COMMANDS) - set(get_commands()) == set()


def test_audit_verify_creates_the_database_on_a_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    assert not home.exists()
    result = run(home, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "audit chain intact: 0 events" in result.stdout
    assert (home / "tipline.sqlite3").exists()
    assert (home / "secret_key").exists()
    # The tree and roles were seeded, so a user can be created straight away.
    result = run(home, "createuser", "bhim", "--role", "unit_officer",
                 "--jurisdiction", "IN-MH-BEED", "--password-file", "-",
                 stdin="correct-horse-battery-9\n")
    assert result.returncode == 0, result.stderr
    assert "created bhim as unit_officer over IN-MH-BEED" in result.stdout
    result = run(home, "audit", "verify")
    assert "audit chain intact: 2 events" in result.stdout


def test_errors_are_one_clear_line_and_exit_non_zero(tmp_path: Path) -> None:
    result = run(tmp_path / "home", "createuser", "x", "--role", "auditor",
                 "--jurisdiction", "IN")
    assert result.returncode != 0
    assert "give --password-file" in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    return [int(p) for p in path.read_text().split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def wait_for_http(url: str, proc: subprocess.Popen[str], seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"tipline serve exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered on {url} within {seconds} s")


@pytest.mark.parametrize("worker", [True, False], ids=["with-worker", "no-worker"])
def test_serve_runs_web_and_worker_and_stops_on_sigterm(tmp_path: Path, worker: bool) -> None:
    port = free_port()
    args = [*tipline_argv(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--threads", "2"]
    if not worker:
        args.append("--no-worker")
    proc = subprocess.Popen(  # noqa: S603 - our own command
        args, env=fresh_env(tmp_path / "home"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
    )
    try:
        status = wait_for_http(f"http://127.0.0.1:{port}/login/", proc)
        assert 200 <= status < 600  # it answered; the pages themselves are tested elsewhere
        kids = children_of(proc.pid)
        if Path(f"/proc/{proc.pid}/task/{proc.pid}/children").exists():
            assert len(kids) == (2 if worker else 1)  # gunicorn's master (+ the worker)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert f"Tipline serving on http://127.0.0.1:{port}/" in output
    assert ("worker and web" in output) is worker
    assert "Tipline stopped." in output
    assert not [pid for pid in kids if alive(pid)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def child_running(parent: int, word: str, proc: subprocess.Popen[str], seconds: float,
                  other_than: int = 0) -> int:
    """The pid of `parent`'s child whose command line holds `word` (not `other_than`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"tipline serve exited with {proc.returncode}")
        found = [p for p in children_of(parent) if word in cmdline(p) and p != other_than]
        if found and alive(found[0]):
            return found[0]
        time.sleep(0.2)
    pytest.fail(f"no {word} process under serve within {seconds} s")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_serve_restarts_a_killed_worker_and_web_server(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own command
            [*tipline_argv(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "2"], env=fresh_env(tmp_path / "home"), stdout=out,
            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/login/", proc)
        worker = child_running(proc.pid, "tipline.cli worker", proc, 30)
        os.kill(worker, signal.SIGKILL)
        again = child_running(proc.pid, "tipline.cli worker", proc, 30,
                              other_than=worker)
        assert again != worker
        # the worker (restarted too) yields the CPU to the web server: --worker-nice 10
        base = os.getpriority(os.PRIO_PROCESS, proc.pid)
        assert os.getpriority(os.PRIO_PROCESS, again) == min(base + 10, 19)
        web = child_running(proc.pid, "gunicorn", proc, 30)
        assert os.getpriority(os.PRIO_PROCESS, web) == base
        os.kill(web, signal.SIGKILL)
        child_running(proc.pid, "gunicorn", proc, 30, other_than=web)
        assert 200 <= wait_for_http(f"http://127.0.0.1:{port}/login/", proc) < 600
        kids = children_of(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert proc.returncode == 0, output
    assert "the worker process exited by itself (killed by SIGKILL)" in output
    assert "restarting it in 1 s" in output
    assert "the web process exited by itself (killed by SIGKILL)" in output
    assert "Tipline stopped." in output
    assert not [pid for pid in kids if alive(pid)]
