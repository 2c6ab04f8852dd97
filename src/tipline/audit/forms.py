"""The audit page's filters, read from the query string."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: dates outside these are a form error (the trail starts long after the first, and a day
#: past the last can't be turned into a time)
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _within(day: date | None) -> date | None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": f"{FIRST_DAY:%d %b %Y}", "last": f"{LAST_DAY:%d %b %Y}"})
    return day


class EventFilterForm(forms.Form):
    """Filters of the audit trail: action (exact, or a prefix ending in *), object id, actor
    (username), and days in IST. An invalid field shows its error and is left out."""

    action = forms.CharField(required=False, max_length=64, strip=True)
    object_id = forms.CharField(required=False, max_length=64, strip=True)
    actor = forms.CharField(required=False, max_length=150, strip=True, label=gettext_lazy("Actor"))
    date_from = forms.DateField(required=False, label=gettext_lazy("From"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=gettext_lazy("to"),
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean_date_from(self) -> date | None:
        return _within(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> date | None:
        return _within(self.cleaned_data.get("date_to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid part of what was asked for."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return {
            "action": data.get("action") or "", "object_id": data.get("object_id") or "",
            "actor": data.get("actor") or "", "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
