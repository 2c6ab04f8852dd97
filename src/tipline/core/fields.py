"""Encrypted model fields: a person's data sealed in its own column, and blind indexes.

A copy of the database alone must reveal no person, so the columns that name or locate one
(names, emails, phones, addresses, screen names, free text, IP addresses, file hashes) hold
AES-256-GCM ciphertext. The model sees plaintext: `from_db_value` opens, `get_prep_value`
seals (and `core.bulk.insert_rows` seals through the same field).

Stored form, as text so SQLite and PostgreSQL hold it alike and rotation can find the key a
value needs without opening it::

    tl$1$<key id>$<base64(nonce 12 bytes | ciphertext | tag 16 bytes)>

The associated data is "table.column": a value copied into another column (or table) fails
its check instead of reading as that column's. The nonce is random (96 bits) per value.

What stays visible: NULL and empty values ("", [], {}) are stored as they are (that a
suspect has no middle name is no secret, and sealing nothing would cost a third of the
ingest), and a value's length, roughly.

Equality on ciphertext means nothing (two seals of one value differ), so lookups other than
`isnull` and `= ""` raise `EncryptedLookup`: code can't silently search ciphertext. Lookups
go through a blind index column (`index_of`, a keyed HMAC of the normalised value).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import FieldError
from django.db import connection, migrations, models, transaction
from django.db.models.lookups import Exact, IsNull

from tipline.core.crypto import DecryptionError
from tipline.core.keys import Keyring, Rotated, blind_index, data_keyring
from tipline.core.progress import NullProgress, Progress

PREFIX = "tl$1$"
NONCE = 12


class EncryptedLookup(FieldError):
    """A query compared an encrypted column's ciphertext (use its blind index instead)."""


# -- sealing --------------------------------------------------------------------------------

class _Ciphers:
    """One AESGCM object per data key, rebuilt when the keyring changes (keys.forget)."""

    ring: Keyring | None = None
    by_id: dict[int, AESGCM] = {}
    current: tuple[str, AESGCM] = ("", AESGCM(bytes(32)))

    @classmethod
    def refresh(cls) -> Keyring:
        ring = data_keyring()
        if ring is not cls.ring:
            cls.by_id = {kid: AESGCM(key) for kid, key in ring.keys.items()}
            cls.current = (f"{PREFIX}{ring.current_id}$", cls.by_id[ring.current_id])
            cls.ring = ring
        return ring


_b64 = base64.b64encode
_urandom = os.urandom


def seal(text: str, aad: bytes, *, under: tuple[str, AESGCM] | None = None) -> str:
    """`text` encrypted under the current data key (or `under`: a head and cipher, for
    rotation), bound to `aad` (table.column)."""
    if under is None:
        if _Ciphers.ring is not data_keyring():
            _Ciphers.refresh()
        under = _Ciphers.current
    head, aead = under
    nonce = _urandom(NONCE)
    return head + _b64(nonce + aead.encrypt(nonce, text.encode(), aad)).decode()


def key_id_of(stored: str) -> int:
    """The data key a stored value was sealed with."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("an encrypted column holds a value that is not sealed")
    try:
        return int(stored[len(PREFIX):stored.index("$", len(PREFIX))])
    except ValueError:
        raise DecryptionError("a sealed value has no key id") from None


def unseal(stored: str, aad: bytes, *, ciphers: dict[int, AESGCM] | None = None) -> str:
    """The text `seal` sealed; DecryptionError if it was altered, moved or the key is gone
    (`ciphers`: by key id, for rotation)."""
    kid = key_id_of(stored)
    if ciphers is None:
        if _Ciphers.ring is not data_keyring():
            _Ciphers.refresh()
        ciphers = _Ciphers.by_id
    aead = ciphers.get(kid)
    if aead is None:
        raise DecryptionError(f"data key {kid} is not in the key folder")
    body = stored[stored.index("$", len(PREFIX)) + 1:]
    try:
        raw = base64.b64decode(body)
        return aead.decrypt(raw[:NONCE], raw[NONCE:], aad).decode()
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("a sealed value is malformed") from exc
    except Exception as exc:  # cryptography's InvalidTag
        raise DecryptionError(
            f"a sealed value failed its integrity check ({aad.decode()})") from exc


def index_of(value: str, *, purpose: str) -> str:
    """The blind index of an already normalised value ("" for no value)."""
    return blind_index(value, purpose=purpose) if value else ""


# -- lookups --------------------------------------------------------------------------------

class _EmptyOnly(Exact):
    """`field = ""` (emptiness is stored plain); any other equality is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" and not hasattr(self.rhs, "resolve_expression"):
            raise EncryptedLookup(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
                f"look it up by its blind index")
        return ""


# -- fields ---------------------------------------------------------------------------------

class EncryptedField(models.TextField):  # type: ignore[type-arg]
    """Base of the encrypted fields: a text column holding `seal(to_text(value))`."""

    encrypted = True
    empty_value: Any = ""

    def get_internal_type(self) -> str:
        return "TextField"

    @property
    def aad(self) -> bytes:
        cached: bytes | None = self.__dict__.get("_aad")
        if cached is None:
            cached = f"{self.model._meta.db_table}.{self.column}".encode()
            self.__dict__["_aad"] = cached
        return cached

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnly
        raise EncryptedLookup(
            f"{self.model.__name__}.{self.name} is encrypted: no '{lookup_name}' lookup on it "
            f"(use its blind index)")

    def get_transform(self, lookup_name: str) -> Any:
        return None

    # conversions between the Python value and the sealed text
    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def empty(self) -> Any:
        return self.empty_value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        text = self.to_text(value)
        return seal(text, self.aad) if text else ""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None if self.null else self.empty()
        if value == "":
            return self.empty()
        return self.from_text(unseal(value, self.aad))

    def to_python(self, value: Any) -> Any:
        return value

    def sealer(self) -> Callable[[Any], Any]:
        """The function `core.bulk` applies to each value it writes to this column."""
        return self.get_prep_value


class EncryptedTextField(EncryptedField):
    """Text; `max_length` is kept for forms and checks (the column itself is unbounded)."""

    def to_text(self, value: Any) -> str:
        return value if isinstance(value, str) else str(value)

    def sealer(self) -> Callable[[Any], Any]:
        aad = self.aad

        def sealed(value: Any) -> Any:
            if not value:
                return value
            return seal(value if isinstance(value, str) else str(value), aad)

        return sealed


class EncryptedJSONField(EncryptedField):
    """A JSON list or dict; empty ones are stored as "" and read back as the default."""

    _pyi_private_set_type: Any  # for django-stubs: the model holds JSON, not text
    _pyi_private_get_type: Any

    def empty(self) -> Any:
        return self.get_default()

    def to_text(self, value: Any) -> str:
        if isinstance(value, str):  # JSON already encoded (core.bulk.RawJson)
            return "" if value in ("[]", "{}") else value
        if not value:
            return ""
        try:
            return orjson.dumps(value, default=str).decode()
        except TypeError:  # what orjson refuses (a non-text key, a huge integer)
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)

    def from_text(self, text: str) -> Any:
        return json.loads(text)


class EncryptedDateField(EncryptedField):
    """A date (a date of birth), sealed as its ISO text."""

    _pyi_private_set_type: date | None  # type: ignore[assignment]
    _pyi_private_get_type: date | None  # type: ignore[assignment]

    empty_value = None

    def to_text(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)

    def from_text(self, text: str) -> Any:
        return date.fromisoformat(text)


class EncryptedFloatField(EncryptedField):
    """A float (a latitude or longitude), sealed as its repr."""

    _pyi_private_set_type: float | None  # type: ignore[assignment]
    _pyi_private_get_type: float | None  # type: ignore[assignment]

    empty_value = None

    def to_text(self, value: Any) -> str:
        return repr(float(value))

    def from_text(self, text: str) -> Any:
        return float(text)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The blind index of another field of the row, kept in step on every ORM save.

    `of` names the field, `purpose` the kind of value (with `per`, the purpose is completed by
    that field's value: an Identifier's kind); `lower` indexes the value lower-cased (hashes,
    IP addresses). Bulk writers (intake.writer) pass the index themselves, computed the same
    way (intake.blind).
    """

    def __init__(self, *args: Any, of: str = "", purpose: str = "", per: str = "",
                 lower: bool = False, **kwargs: Any) -> None:
        self.of, self.purpose, self.per, self.lower = of, purpose, per, lower
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(of=self.of, purpose=self.purpose)
        if self.per:
            kwargs["per"] = self.per
        if self.lower:
            kwargs["lower"] = True
        return name, path, args, kwargs

    def index_for(self, obj: Any) -> str:
        value = getattr(obj, self.of) or ""
        value = str(value).strip().lower() if self.lower else str(value)
        purpose = f"{self.purpose}.{getattr(obj, self.per)}" if self.per else self.purpose
        return index_of(value, purpose=purpose)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        index = self.index_for(model_instance)
        setattr(model_instance, self.attname, index)
        return index


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


# -- conversion (migrations) and rotation ---------------------------------------------------

BATCH = 2000


def _batches(table: str, columns: list[str], where: str, params: list[Any],
             pk: str) -> Iterator[list[Any]]:
    """(pk, *columns) rows of `table` matching `where`, in batches by primary key."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    last = None
    while True:
        with connection.cursor() as cursor:
            after = "" if last is None else f" AND {quote(pk)} > %s"
            cursor.execute(
                f"SELECT {quote(pk)}, {names} FROM {quote(table)} "  # noqa: S608
                f"WHERE ({where}){after} ORDER BY {quote(pk)} LIMIT {BATCH}",
                params + ([] if last is None else [last]))
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def rows_rewrite(table: str, *, read: list[str], write: list[str], where: str,
                 params: list[Any], change: Callable[..., tuple[Any, ...]],
                 pk: str = "id") -> int:
    """Set `write` columns to `change(*read values)` on every row matching `where`, a
    committed transaction per batch: an interrupted run resumes where it stopped, as long
    as `where` no longer matches the rows done. Returns how many rows."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in write)
    done = 0
    for rows in _batches(table, read, where, params, pk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {sets} WHERE {quote(pk)} = %s",  # noqa: S608
                [(*change(*row[1:]), row[0]) for row in rows])
        done += len(rows)
    return done


def _rewrite(model: type[models.Model], column: str, where: str, params: list[Any],
             change: Callable[[Any], Any]) -> int:
    return rows_rewrite(model._meta.db_table, read=[column], write=[column], where=where,
                        params=params, change=lambda value: (change(value),),
                        pk=model._meta.pk.column)


def _plain_text(field: EncryptedField, raw: Any) -> str:
    """The text to seal for a value as the old (plain) column held it."""
    if isinstance(field, EncryptedJSONField):
        text = raw if isinstance(raw, str) else json.dumps(raw)
        return "" if text.strip() in ("[]", "{}", "null", "") else text
    if isinstance(field, EncryptedFloatField):
        return repr(float(raw))
    text = raw.isoformat() if isinstance(raw, date) else str(raw)
    if field.name in ("ip",) and "/" in text:  # PostgreSQL's inet as text: 1.2.3.4/32
        text = text.split("/", 1)[0]
    return text


def columns_seal(model: type[models.Model], names: list[str]) -> int:
    """Seal the plain values left in these (already text) columns; for migrations."""
    quote = connection.ops.quote_name
    done = 0
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, EncryptedField)
        col = quote(field.column)
        aad = f"{model._meta.db_table}.{field.column}".encode()

        def sealed(raw: Any, field: EncryptedField = field, aad: bytes = aad) -> Any:
            text = _plain_text(field, raw)
            return seal(text, aad) if text else ""

        done += _rewrite(model, field.column,
                         f"{col} IS NOT NULL AND {col} <> '' AND {col} NOT LIKE %s",
                         [PREFIX + "%"], sealed)
    return done


def columns_unseal(model: type[models.Model], names: list[str]) -> int:
    """Open sealed values back into plain text (the reverse migration): JSON text, ISO
    dates, numbers, as the plain column types read them."""
    quote = connection.ops.quote_name
    done = 0
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, EncryptedField)
        col = quote(field.column)
        aad = f"{model._meta.db_table}.{field.column}".encode()

        def opened(raw: Any, aad: bytes = aad) -> Any:
            return unseal(raw, aad)

        done += _rewrite(model, field.column, f"{col} LIKE %s", [PREFIX + "%"], opened)
        if isinstance(field, EncryptedJSONField):
            with connection.cursor() as cursor:
                empty = "{}" if isinstance(field.get_default(), dict) else "[]"
                cursor.execute(f"UPDATE {quote(model._meta.db_table)} SET {col} = %s "  # noqa: S608
                               f"WHERE {col} = ''", [empty])
    return done



def sealing(app_label: str, sealed: dict[str, list[str]]) -> migrations.RunPython:
    """A migration's step that seals the plain values of these columns (model name ->
    column names, already altered to sealed fields), and opens them again when reversed."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for model, names in sealed.items():
            columns_seal(apps.get_model(app_label, model), names)

    def backward(apps: Any, schema_editor: Any) -> None:
        for model, names in sealed.items():
            columns_unseal(apps.get_model(app_label, model), names)

    return migrations.RunPython(forward, backward)

def _sealed_columns() -> Iterator[tuple[type[models.Model], EncryptedField]]:
    from django.apps import apps

    for model in apps.get_models():
        for field in encrypted_fields(model):
            yield model, field


def fields_census() -> dict[int, int]:
    """Sealed values by the data key sealing them, over every encrypted column (for
    `tipline keys status` and `keys retire`)."""
    quote = connection.ops.quote_name
    ring = data_keyring()
    counts: dict[int, int] = {}
    for model, field in _sealed_columns():
        col, table = quote(field.column), quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} LIKE %s",  # noqa: S608
                           [PREFIX + "%"])
            total = int(cursor.fetchone()[0])
            for kid in ring.keys:
                if not total:
                    break
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} LIKE %s",  # noqa: S608
                               [f"{PREFIX}{kid}$%"])
                n = int(cursor.fetchone()[0])
                if n:
                    counts[kid] = counts.get(kid, 0) + n
                total -= n
        if total:
            counts[0] = counts.get(0, 0) + total  # under a key no longer in the folder
    return counts


def fields_rotate(*, keyring: Keyring, limit: int | None = None,
                  progress: Progress | None = None) -> Rotated:
    """Re-seal, under `keyring.current`, every value of every encrypted column sealed under
    another key: a batch per transaction, at most `limit` values, resumable (what is done no
    longer matches). A value that doesn't open is named in `failed` and left as it is."""
    progress = progress or NullProgress()
    result = Rotated()
    ciphers = {kid: AESGCM(key) for kid, key in keyring.keys.items()}
    under = (f"{PREFIX}{keyring.current_id}$", ciphers[keyring.current_id])
    current = f"{PREFIX}{keyring.current_id}$%"
    quote = connection.ops.quote_name
    for model, field in _sealed_columns():
        table, col, pk = model._meta.db_table, quote(field.column), model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {col} LIKE %s",  # noqa: S608
                           [current])
            result.current += int(cursor.fetchone()[0])
        where = f"{col} LIKE %s AND {col} NOT LIKE %s"
        for rows in _batches(table, [field.column], where, [PREFIX + "%", current], pk):
            if limit is not None and result.done >= limit:
                result.stopped = True
                return result
            changed = []
            for row_pk, value in rows[: None if limit is None else limit - result.done]:
                try:
                    opened = unseal(value, field.aad, ciphers=ciphers)
                    changed.append((seal(opened, field.aad, under=under), row_pk))
                except DecryptionError as exc:
                    result.failed.append(f"{model._meta.label}.{field.name} {row_pk}: {exc}")
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {quote(table)} SET {col} = %s "  # noqa: S608
                                   f"WHERE {quote(pk)} = %s", changed)
            result.done += len(changed)
            progress.update(done=result.done)
    return result
