"""The trawler's page for the hub: what it watches (sources, with a form to add one), how fast
it fetches, the frontier in figures, what it found, the takedown notices with each host's time
to removal, and the abuse contacts (CSV in and out). Gated by `trawl.manage` over the whole
country; the contacts' writes also need `bank.manage` (trawler.contacts)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.trawler import selectors
from tipline.trawler.contacts import contacts_export, contacts_import
from tipline.trawler.models import MediaSeen, Notice, Source, Url
from tipline.trawler.removals import HostRemovals, removals_by_host
from tipline.trawler.services import source_add, source_enabled_set

#: the most rows of sources, findings and hosts the page lists
ROWS = 200
#: the largest contacts file the page takes
CONTACTS_MAX_BYTES = 2 * 1024 * 1024


class SourceForm(forms.Form):
    url = forms.URLField(label=_("Address (http or https)"), max_length=2083,
                         assume_scheme="https")
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (k.value, k.label) for k in Source.Kind if k != Source.Kind.REPORT])
    depth = forms.IntegerField(label=_("Links to follow"), min_value=0, max_value=5, initial=1)
    scope = forms.ChoiceField(label=_("Within"), choices=Source.Scope.choices)
    every_hours = forms.IntegerField(label=_("Visit again every (hours; 0: once)"),
                                     min_value=0, max_value=24 * 90, initial=24)


class ContactsForm(forms.Form):
    file = forms.FileField(label=_("Contacts file (CSV)"))


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def _removal_row(r: HostRemovals) -> dict[str, Any]:
    """One host's figures as the table shows them: hours, and "up of old enough" pairs."""
    return {"host": r.host, "sent": r.sent, "removed": r.removed,
            "median": _hours(r.median), "p90": _hours(r.p90),
            "up": [{"up": up, "of": old} for up, old in zip(r.up, r.old, strict=True)]}


@gate("trawl.manage", everywhere=True)
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The trawler at a glance, for the hub."""
    removals = sorted(removals_by_host(), key=lambda r: (-r.sent, r.host))[:ROWS]
    return render(request, "trawler/home.html", {
        "section": "trawler", "status": selectors.frontier_status(),
        "rate": selectors.fetch_rate(), "sources": list(selectors.sources_list(limit=ROWS)),
        "findings": selectors.findings_recent(limit=ROWS),
        "removals": [_removal_row(r) for r in removals], "notices": selectors.notice_states(),
        "contacts": selectors.contacts_list(limit=ROWS),
        "url_states": Url.State.choices, "outcomes": MediaSeen.Outcome.choices,
        "notice_states": Notice.State.choices,
        "source_form": SourceForm(), "contacts_form": ContactsForm()})


@gate("trawl.manage", everywhere=True)
@require_POST
def source_new(request: AuthedRequest) -> HttpResponse:
    """Add a watched site, feed or outbox (it is fetched at the trawler's next run)."""
    form = SourceForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("trawler:home")
    data = form.cleaned_data
    try:
        source = source_add(actor=request.user, url=data["url"], kind=data["kind"],
                            depth=data["depth"], scope=data["scope"],
                            every=data["every_hours"] * 3600)
    except RejectedInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Source %(n)s is watched: its address is queued.")
                         % {"n": source.pk})
    return redirect("trawler:home")


@gate("trawl.manage", everywhere=True)
@require_POST
def source_enabled(request: AuthedRequest, pk: int) -> HttpResponse:
    """Pause a source (its queued URLs are set aside) or resume it."""
    enabled = request.POST.get("enabled") == "1"
    try:
        source = source_enabled_set(actor=request.user, source_id=pk, enabled=enabled)
    except RejectedInput as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, (gettext("Source %(n)s is watched again.") if source.enabled
                               else gettext("Source %(n)s is paused.")) % {"n": source.pk})
    return redirect("trawler:home")


@gate("trawl.manage", everywhere=True)
@require_POST
def contacts_upload(request: AuthedRequest) -> HttpResponse:
    """Apply a contacts CSV: all of it, or nothing, with every bad line named."""
    form = ContactsForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    if not form.is_valid() or upload is None:
        messages.error(request, gettext("Choose a contacts file (CSV) to upload."))
        return redirect("trawler:home")
    if upload.size is not None and upload.size > CONTACTS_MAX_BYTES:
        messages.error(request, gettext("The contacts file is larger than %(n)d bytes.")
                       % {"n": CONTACTS_MAX_BYTES})
        return redirect("trawler:home")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, gettext("The contacts file is not UTF-8 text."))
        return redirect("trawler:home")
    try:
        done = contacts_import(actor=request.user, text=text)
    except NotPermitted:
        messages.error(request, gettext("Changing the abuse contacts needs the right to "
                                        "manage hash banks."))
    except RejectedInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext(
            "Contacts applied: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {"created": done.created, "updated": done.updated,
               "unchanged": done.unchanged})
    return redirect("trawler:home")


@gate("trawl.manage", everywhere=True)
@require_GET
def contacts_download(request: AuthedRequest) -> HttpResponse:
    """Every abuse contact as CSV (the file the upload takes back)."""
    response = HttpResponse(contacts_export(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="abuse-contacts.csv"'
    return response
