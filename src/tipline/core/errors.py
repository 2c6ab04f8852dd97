"""Errors that carry a message meant for the person who caused them."""


class TiplineError(Exception):
    """Base class: the message is safe and useful to show to the user."""


class RejectedInput(TiplineError):
    """Input that Tipline refuses: malformed, hostile or over a limit."""


class NotPermitted(TiplineError):
    """The acting user may not do this (views turn it into 403, or 404 for reads)."""


class InvalidTransition(TiplineError):
    """A state change that is not allowed from the record's current state."""


class StorageError(TiplineError):
    """The data folder can't take what is written: full, or read-only."""


_FULL = ("database or disk is full", "no space left on device", "could not extend file",
         "could not write to file")
_READ_ONLY = ("readonly database", "read-only file system", "read-only transaction",
              "unable to open database file")


def database_error(exc: BaseException) -> StorageError | None:
    """One clear line for a database that is full or can't be written (None: another error).
    SQLite says so in its message; PostgreSQL in its own (disk full, read-only standby)."""
    if isinstance(exc, StorageError):
        return exc  # said clearly already
    text = str(exc).lower()
    if not any(phrase in text for phrase in _FULL + _READ_ONLY):
        return None
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = (db["NAME"] if str(db["ENGINE"]).endswith("sqlite3")
             else f"{db.get('NAME')} on {db.get('HOST') or 'localhost'}")
    if any(phrase in text for phrase in _FULL):
        return StorageError(f"the database is full: its disk has no space left ({where})")
    return StorageError(f"the database can't be written: it is read-only or can't be opened "
                        f"({where})")
