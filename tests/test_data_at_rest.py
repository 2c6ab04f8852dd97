"""A copy of the data folder without the key folder reveals no person (issue 12, part 3).

Reports with known suspects (name, email, phone, street, IP) and a known file are imported
and routed by the real commands into a fresh data folder whose keys live outside it; then
every file in the data folder is read as bytes and searched for those values, as written,
lower- and upper-cased, in UTF-16 and (for the file's hashes) as raw bytes; every path in
it too (blobs are named by a keyed hash, not their SHA-256).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tipline.intake.tests.builders import minimal_pdf, ncmec_json, pattern_png

BIN = Path(sys.executable).parent / "tipline"

NAME = ("Zebediah", "Quartermaine")
EMAIL = "zq.hidden@example.in"
PHONE_DIGITS = "9820077123"
IP = "106.200.77.123"
STREET = "77 Hidden Lane"
SCREEN = "Zq_Shadow_77"
NOTE = "Quartermaine met the child near the Hidden Lane school"


def _export(root: Path) -> Path:
    """Two NCMEC report folders naming the same suspect (so routing links them)."""
    image = pattern_png(77)
    for rid in ("9901", "9902"):
        doc = ncmec_json(rid, files=["evidence.png"])
        person = doc["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
        person.update({
            "firstName": NAME[0], "lastName": NAME[1], "screenName": {"value": SCREEN},
            "emails": {"emails": [{"value": EMAIL}]},
            "phones": {"phones": [{"value": f"+91-{PHONE_DIGITS[:5]} {PHONE_DIGITS[5:]}"}]},
            "addresses": {"addresses": [{"street1": STREET, "city": "Beed",
                                         "state": "Maharashtra", "postalCode": "431122",
                                         "country": "IN"}]},
            "sourceInformation": {"sourceCaptures": [
                {"captureType": "IP Address", "value": IP, "port": "5555",
                 "dateTime": "2020-01-14T02:00:00Z", "eventName": "Login"}]},
        })
        doc["ncmecGeolocation"][0]["ipAddress"] = IP
        doc["reportedInformation"]["additionalInformations"] = [{"value": NOTE}]
        folder = root / rid
        (folder / "files").mkdir(parents=True)
        (folder / "files" / "evidence.png").write_bytes(image)
        (folder / f"{rid}.json").write_text(json.dumps(doc))
        (folder / f"{rid}.pdf").write_bytes(minimal_pdf(rid))
    return root


def _run(env: dict[str, str], *args: str) -> None:
    argv = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "tipline.cli"]
    done = subprocess.run([*argv, *args], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


def _needles() -> dict[str, bytes]:
    image = pattern_png(77)
    values = {
        "first name": NAME[0], "last name": NAME[1], "email": EMAIL, "phone": PHONE_DIGITS,
        "IP": IP, "street": STREET, "screen name": SCREEN, "free text": "met the child",
        "sha256": hashlib.sha256(image).hexdigest(),
        "md5": hashlib.md5(image, usedforsecurity=False).hexdigest(),
        "sha1": hashlib.sha1(image, usedforsecurity=False).hexdigest(),
    }
    out: dict[str, bytes] = {}
    for what, value in values.items():
        for form in {value, value.lower(), value.upper()}:
            out[f"{what} {form!r}"] = form.encode()
            out[f"{what} {form!r} (UTF-16)"] = form.encode("utf-16-le")
    for what in ("sha256", "md5", "sha1"):
        out[f"{what} as bytes"] = bytes.fromhex(values[what])
    return out


def _found(data: bytes) -> list[str]:
    return [what for what, needle in _needles().items() if needle in data]


def _import_route_scan(tmp_path: Path, database_url: str = "") -> tuple[Path, dict[str, str]]:
    """A fresh data folder (keys outside it) holding the two reports, routed and scanned."""
    home, keys = tmp_path / "home", tmp_path / "keys"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIPLINE_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(TIPLINE_HOME=str(home), TIPLINE_KEY_DIR=str(keys))
    if database_url:
        env["DATABASE_URL"] = database_url
    _run(env, "ingest", "--quiet", str(_export(tmp_path / "export")))
    _run(env, "route", "--quiet")
    _run(env, "scan", "--all")
    return home, env


def test_the_data_folder_alone_reveals_no_suspect_and_no_file_hash(tmp_path: Path) -> None:
    home, _ = _import_route_scan(tmp_path)
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "tipline.sqlite3" for p in files)
    assert not list(home.rglob("*.key")), "a key file is inside the data folder"
    found = [(what, str(p.relative_to(home))) for p in files for what in _found(p.read_bytes())]
    assert found == []
    names = "\n".join(str(p.relative_to(home)) for p in home.rglob("*")).encode()
    assert _found(names) == []
    # the rows are there, linked and readable with the key: the search above is not vacuous
    import sqlite3

    with sqlite3.connect(home / "tipline.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM intake_subject").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM routing_reportcluster").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM media_filesignal").fetchone()[0] >= 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="PostgreSQL: run with DATABASE_URL")
def test_a_pg_dump_alone_reveals_no_suspect_and_no_file_hash(tmp_path: Path) -> None:
    import psycopg

    name = f"{os.environ.get('TIPLINE_TEST_DB_NAME', 'test_tipline')}_at_rest"
    server = os.environ["DATABASE_URL"]
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        home, _ = _import_route_scan(tmp_path, url)
        dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True,  # noqa: S603, S607
                              timeout=300, check=True).stdout
        assert b"intake_subject" in dump and b"tl$1$" in dump  # the rows are there, sealed
        assert _found(dump) == []
        for path in (p for p in home.rglob("*") if p.is_file()):
            assert _found(path.read_bytes()) == [], path
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
