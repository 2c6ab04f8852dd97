"""Two small SQL functions, so the charts' day buckets and durations are worked out by the
database itself rather than by Django's per-row Python helpers on SQLite (which made a year
of intake take seconds at 25,000 reports).

The hub's time zone (IST) has no daylight saving, so on SQLite a fixed offset (the zone's
offset now) turns a UTC timestamp into the local day; PostgreSQL converts with the zone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone


def _offset() -> str:
    """The current time zone's offset from UTC, as SQLite's date modifier ("+330 minutes")."""
    offset = timezone.localtime().utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"{minutes:+d} minutes"


class LocalDate(TruncDate):
    """The day, in the current time zone, of a timestamp (a DateField)."""

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, tzinfo=timezone.get_current_timezone(), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, _offset())


class DaysBetween(Func):
    """`later` minus `earlier` in days, with the fraction (timestamps or dates, a float)."""

    output_field = FloatField()
    # PostgreSQL (and the default): the seconds between the two as timestamps, in days
    template = "(EXTRACT(EPOCH FROM (CAST(%(expressions)s AS timestamp))) / 86400.0)"
    arg_joiner = " AS timestamp) - CAST("

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection,
                           template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")
