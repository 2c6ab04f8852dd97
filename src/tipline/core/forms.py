"""Form fields and query-string readers shared by the apps' filters.

A list's filters come from whoever typed the URL: any value must end as a clear form error
(or be ignored), never as a date or number the database cannot hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

#: the days a filter may name: a day outside them is a form error, not a database overflow
#: (a day after 9999-12-31, or an IST midnight before year 1 in UTC)
DAY_MIN = date(1900, 1, 1)
DAY_MAX = date(2999, 12, 31)

class DayField(forms.DateField):
    """A day between DAY_MIN and DAY_MAX, as an `<input type="date">`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={
            "type": "date", "min": DAY_MIN.isoformat(), "max": DAY_MAX.isoformat()}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not DAY_MIN <= value <= DAY_MAX:
            raise forms.ValidationError(
                "Enter a day between %(low)s and %(high)s.", code="out_of_range",
                params={"low": DAY_MIN.isoformat(), "high": DAY_MAX.isoformat()})


def query_text(value: str | None, *, limit: int) -> str:
    """A query string's free text, trimmed and cut to `limit` characters; text holding a NUL
    (which no PostgreSQL text column can hold) counts as not given."""
    text = (value or "").strip()[:limit]
    return "" if "\x00" in text else text
