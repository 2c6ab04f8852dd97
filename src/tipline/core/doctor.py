"""`tipline doctor`: a small registry of checks of a deployment, each naming what is unsafe
or untidy, and fixing it when asked and able.

A check is a function taking the run's options (`Checkup`) and returning `Finding`s; one
marked `unsafe` makes the command exit 1. Core registers its own here (file modes, where the
keys live, blob names, blob-store leftovers); other checks (HTTPS, DEBUG, SECRET_KEY...) are
added with `doctor_check_register`, from an app's `ready()` or this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tipline.core.sweep import MIN_AGE_SECONDS


@dataclass(frozen=True)
class Finding:
    """One thing a check found: `unsafe` (exit 1) or only untidy, and whether --fix
    repaired it."""

    text: str
    unsafe: bool = True
    fixed: bool = False


@dataclass(frozen=True)
class Checkup:
    """The options of one `tipline doctor` run."""

    fix: bool = False
    min_age: float = MIN_AGE_SECONDS


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Checkup], list[Finding]]
    summary: Callable[[Checkup, list[Finding]], str] | None = field(default=None)


_CHECKS: dict[str, Check] = {}


def doctor_check_register(name: str, run: Callable[[Checkup], list[Finding]], *,
                          summary: Callable[[Checkup, list[Finding]], str] | None = None,
                          ) -> None:
    """Add a check (a name registered again is replaced); `summary`, if given, is the line
    printed after its findings."""
    _CHECKS[name] = Check(name, run, summary)


def doctor_checks() -> list[Check]:
    return list(_CHECKS.values())


# -- file modes ----------------------------------------------------------------------------


def check_modes(checkup: Checkup) -> list[Finding]:
    """Every folder 0700 and file 0600 in the data folder, the key folder and the audit
    signing key."""
    from tipline.core.modes import modes_fix, modes_unsafe, private_roots

    roots = private_roots()
    if checkup.fix:
        fixed = modes_fix(roots)
        left = modes_unsafe(roots)
        return ([Finding(f"made private: {u}", fixed=True) for u in fixed]
                + [Finding(f"readable by others: {u}") for u in left])
    return [Finding(f"readable by others: {u}") for u in modes_unsafe(roots)]


# -- where the keys are --------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def check_key_places(checkup: Checkup) -> list[Finding]:
    """The keys must not sit in the data folder they protect: whoever copies the folder (a
    stolen disk, a backup) would carry the keys with it."""
    home = Path(settings.TIPLINE_HOME)
    found: list[Finding] = []
    key_folder = Path(settings.KEY_DIR)
    if _inside(key_folder, home):
        found.append(Finding(
            f"WARNING: the key folder {key_folder} is inside the data folder {home}: whoever "
            "takes the data folder can decrypt it. Move it elsewhere (another disk, a mounted "
            "secret) and set TIPLINE_KEY_DIR"))
    legacy = Path(settings.MEDIA_KEY_PATH)
    if legacy.exists() and not settings.MEDIA_KEY:
        found.append(Finding(
            f"WARNING: the old media key {legacy} is in the data folder: move it to "
            f"{key_folder}/data-1.key (or TIPLINE_MEDIA_KEY_FILE) and delete it there"))
    signing = Path(settings.AUDIT_SIGNING_KEY_PATH)
    if signing.exists() and _inside(signing, home):
        found.append(Finding(
            f"WARNING: the audit signing key {signing} is inside the data folder: whoever can "
            "rewrite the database could re-sign checkpoints. Move it and set "
            "TIPLINE_AUDIT_SIGNING_KEY"))
    return found


# -- blob names and leftovers --------------------------------------------------------------


def check_blob_names(checkup: Checkup) -> list[Finding]:
    """Blobs a store still keeps under their plain SHA-256 tell a thief which files it holds."""
    from tipline.core.rotation import blobs_legacy_count, blobs_rename_legacy

    count = blobs_legacy_count()
    if not count:
        return []
    if checkup.fix:
        done = blobs_rename_legacy()
        return [Finding(f"renamed {done.moved:,} blob(s) named by their plain SHA-256 "
                        f"(dropped {done.dropped:,} duplicate(s))", fixed=True)]
    return [Finding(f"{count:,} blob(s) are named by their plain SHA-256: run "
                    "`tipline keys rename-blobs` (or `tipline doctor --fix`)")]


def check_leftovers(checkup: Checkup) -> list[Finding]:
    """Blobs nothing refers to and half-written files, older than min_age (a killed import)."""
    from tipline.core.sweep import blobs_leftover, blobs_sweep

    found = (blobs_sweep if checkup.fix else blobs_leftover)(min_age=checkup.min_age)
    verb = "removed" if checkup.fix else "leftover"
    return [Finding(f"{verb}: {name}", unsafe=False, fixed=checkup.fix)
            for name in [*found.blobs, *found.incoming]]


def _leftovers_summary(checkup: Checkup, findings: list[Finding]) -> str:
    from tipline.core.blobstores import blob_backend

    blobs = sum(1 for f in findings if not f.text.split(": ", 1)[1].startswith(".incoming-"))
    verb = "removed" if checkup.fix else "found"
    return (f"{verb} {blobs} unreferenced blob(s) and {len(findings) - blobs} half-written "
            f"file(s) in {blob_backend().describe()}"
            + ("; run `tipline doctor --fix` to remove them"
               if findings and not checkup.fix else ""))


doctor_check_register("file modes", check_modes)
doctor_check_register("key places", check_key_places)
doctor_check_register("blob names", check_blob_names)
doctor_check_register("blob leftovers", check_leftovers, summary=_leftovers_summary)
