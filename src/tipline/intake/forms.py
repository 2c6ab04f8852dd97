"""Forms of the intake pages: the report list's filters and the import upload."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tipline.core.forms import DayField
from tipline.intake.importers import accepted_suffixes
from tipline.intake.models import Report, Source
from tipline.intake.selectors import PRIORITIES, SORT_LABELS, ReportFilters
from tipline.intake.values import INCIDENT_TYPES
from tipline.jurisdictions.selectors import Node


def _priority_label(priority: int) -> str | Promise:
    """The priority filter's name of one NCMEC priority level, in the page's language."""
    return format_lazy(_("Priority {level}"), level=priority)


class ReportFilterForm(forms.Form):
    """The report list's filters, read from the query string; bad values are ignored."""

    q = forms.CharField(
        required=False, max_length=200, strip=True, label=_("Search"),
        help_text=_("a Tipline id (TL-00000012), a CyberTipline report number, an email, "
                    "phone, screen name, user id, device id, profile URL, file hash or IP "
                    "address, exactly"),
        widget=forms.TextInput(attrs={"aria-describedby": "q-hint"}),
    )
    received_from = DayField(required=False, label=_("Received from"))
    received_to = DayField(required=False, label=_("to"))
    state = forms.TypedChoiceField(
        required=False, label=_("State / UT"), coerce=int, empty_value=None
    )
    source = forms.ChoiceField(
        required=False, choices=[("", _("Any source")), *Source.choices], label=_("Source")
    )
    priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), *[(p, _priority_label(p)) for p in PRIORITIES]],
        label=_("NCMEC priority"),
    )
    incident_type = forms.ChoiceField(
        required=False,
        choices=[("", _("Any incident type")), *[(t, t) for t in INCIDENT_TYPES]],
        label=_("Incident type"),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *Report.Status.choices], label=_("Status")
    )
    versions = forms.BooleanField(required=False, label=_("Include earlier versions"))
    sort = forms.ChoiceField(
        required=False, choices=[(k, _(v)) for k, v in SORT_LABELS.items()], label=_("Sort")
    )

    def __init__(self, *args: Any, states: list[Node], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.TypedChoiceField)
        state.choices = [("", _("All states / UTs")), *[(s.id, s.name) for s in states]]

    def filters(self) -> ReportFilters:
        """The valid part of what was asked for (an invalid field counts as not given)."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return ReportFilters(
            query=data.get("q") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            state_id=data.get("state"),
            source=data.get("source") or "",
            priority=data.get("priority"),
            incident_type=data.get("incident_type") or "",
            status=data.get("status") or "",
            all_versions=bool(data.get("versions")),
            sort=data.get("sort") or "newest",
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        items = [d for d in data if d] if isinstance(data, list | tuple) else (
            [data] if data else [])
        if not items:
            one(None, initial)  # "this field is required", unless it is not
            return []
        return [one(item, initial) for item in items]


class ImportUploadForm(forms.Form):
    """One or more files to import as one batch. The suffix check only catches a wrong pick:
    the service and the importers check the content."""

    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_("NCMEC export (ZIP or JSON), CyberTipline XML, CSV or XLSX; several at once."),
        widget=MultipleFileInput(attrs={"accept": ",".join(accepted_suffixes())}),
    )

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["uploads"]
        accepted = accepted_suffixes()
        wrong = [
            f.name or "(unnamed)"
            for f in files
            if PurePath(f.name or "").suffix.lower() not in accepted
        ]
        if wrong:
            raise forms.ValidationError(
                _("Not a file Tipline imports: %(names)s. Accepted: %(accepted)s."),
                params={"names": ", ".join(wrong), "accepted": ", ".join(accepted)},
            )
        return files
