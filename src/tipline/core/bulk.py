"""Fast bulk inserts for the import hot path.

Django's bulk_create compiles SQL per value; for a million rows that costs far more than the
database does. `insert_rows` prepares the statement once and uses `executemany`, converting
only the columns whose Python value is not already what the driver takes (JSON, datetimes,
dates, binary, IP addresses), with the field's own converter so behaviour matches the ORM.
`allocate_ids` hands out primary keys up front so child rows can point at parents without
a round trip. Both must run inside a transaction.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from typing import Any, TypeVar

from django.db import connection, models, transaction

T = TypeVar("T")

_CONVERTED = {"JSONField", "DateTimeField", "DateField", "BinaryField", "GenericIPAddressField",
              "DecimalField", "UUIDField"}


class RawJson(str):
    """JSON text already encoded (as `json.dumps` would): written to a JSONField as it is."""

    __slots__ = ()


def _raw(value: Any) -> str:
    return value  # type: ignore[no-any-return]


def _converter(field: models.Field | None) -> Callable[[Any], Any] | None:  # type: ignore[type-arg]
    """What turns a Python value into the driver's value for this field (None: as it is)."""
    if field is None:
        return None
    if getattr(field, "encrypted", False):  # core.fields: sealed as the ORM would
        sealer: Callable[[Any], Any] = field.sealer()  # type: ignore[attr-defined]
        return sealer
    kind = field.get_internal_type()
    if kind not in _CONVERTED or kind == "BinaryField":
        return None
    ops = connection.ops
    if kind == "JSONField":
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return lambda value: (Jsonb(value, dumps=_raw) if isinstance(value, RawJson)
                                  else Jsonb(value))
        dumps = json.dumps
        return lambda value: (value if isinstance(value, RawJson) else "[]" if value == []
                              else "{}" if value == {} else dumps(value))
    if kind == "DateTimeField" and connection.vendor == "sqlite":
        return _last_kept(_sqlite_datetime)
    adapt: Callable[[Any], Any]
    if kind == "DateTimeField":
        adapt = ops.adapt_datetimefield_value
    elif kind == "DateField":
        adapt = ops.adapt_datefield_value
    elif kind == "GenericIPAddressField":
        adapt = ops.adapt_ipaddressfield_value
    else:
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return lambda value: None if value is None else adapt(value)


def _last_kept(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, answering again at once for the value it was last given (rows written
    together often share one time: the chunk's)."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return converted


def _sqlite_datetime(value: Any) -> Any:
    """What Django's SQLite backend stores for an aware datetime: naive UTC text."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the bulk writer")
    return str(value.astimezone(UTC).replace(tzinfo=None))


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """`items` in consecutive slices of at most `size` (one query or transaction each)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@contextmanager
def gc_tuned() -> Iterator[None]:
    """Fewer, cheaper garbage collections during a bulk job.

    Objects alive at the start (Django, models, caches) are frozen out of collection, and the
    young generation is collected less often; both are restored afterwards.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk writes must run inside a transaction")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, reserved for this transaction."""
    _in_transaction()
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so max() is stable.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
        top = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, int(row[0]) if row else 0)
        return list(range(top + 1, top + 1 + count))


def _prepare(fields: list[Any], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """Rows with each value the driver can't take as it is converted by its field."""
    converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f))]
    if not converters:
        return rows
    prepared = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i])
        prepared.append(values)
    return prepared


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]],
) -> None:
    """UPDATE each row's `columns` (tuples: the new values, then the primary key)."""
    _execute_many(model, columns, rows, statement=_update_sql, keyed=True)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]],
    *, batch: int = 2000,
) -> None:
    """INSERT `rows` (tuples in `columns` order, field names as on the model)."""
    _execute_many(model, columns, rows, statement=_insert_sql, batch=batch)


#: the SQL of one statement, from the model's options and the fields of its columns
Statement = Callable[[Any, list[Any]], str]


def _execute_many(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
    statement: Statement, keyed: bool = False, batch: int | None = None,
) -> None:
    """Run one prepared statement for every row, `batch` rows per `executemany`; with `keyed`,
    each row ends with its primary key, which is taken as it is."""
    _in_transaction()
    if not rows:
        return
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in columns]
    sql = statement(meta, fields)
    if keyed:
        fields.append(None)
    with connection.cursor() as cursor:
        for chunk in batches(rows, batch or len(rows)):
            cursor.executemany(sql, _prepare(fields, chunk))


def _update_sql(meta: Any, fields: list[Any]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return (f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s")


def _insert_sql(meta: Any, fields: list[Any]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608


def delete_rows(model: type[models.Model], column: str, values: Sequence[Any]) -> None:
    """DELETE the rows whose `column` (a field name) is one of `values`, 500 to a statement,
    without building an ORM query (the routing hot path deletes a chunk's old locations)."""
    _in_transaction()
    quote = connection.ops.quote_name
    meta = model._meta
    field: Any = meta.get_field(column)
    name = quote(field.column)
    with connection.cursor() as cursor:
        for chunk in batches(values, 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {quote(meta.db_table)} "  # noqa: S608
                           f"WHERE {name} IN ({marks})", list(chunk))
