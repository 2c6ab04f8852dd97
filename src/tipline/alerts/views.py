"""Notification pages: one's own notifications (read one, mark all read) and preferences.
A person sees only their own: another's notification is a 404, like a missing one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipline.accounts.types import AuthedRequest
from tipline.alerts import selectors, services
from tipline.alerts.models import ALWAYS, Kind

PAGE = 100


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    """The user's notifications, newest first; unread ones marked."""
    unread_only = request.GET.get("unread") == "1"
    notes = selectors.notifications_for(user=request.user, unread_only=unread_only, limit=PAGE)
    return render(request, "alerts/notifications.html", {
        "section": "alerts", "notes": notes, "unread_only": unread_only,
        "unread": selectors.unread_count(user=request.user),
        "urgent": selectors.urgent_open(user=request.user)})


@login_required
@require_POST
def urgent_acknowledge(request: AuthedRequest, report_id: int) -> HttpResponse:
    """Acknowledge an urgent report: the unit is acting on it (404 if it is not the user's
    to acknowledge, or already acknowledged)."""
    watched = services.urgent_acknowledge(actor=request.user, report_id=report_id)
    messages.success(request, _("Acknowledged: %(report)s is being acted on.")
                     % {"report": watched.report.reference})
    return redirect("alerts:notifications")


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read, then open what it is about (or go back to the list)."""
    note = services.notification_read(actor=request.user, notification_id=pk)
    if request.POST.get("open") and note.link and url_has_allowed_host_and_scheme(
            note.link, allowed_hosts={request.get_host()}):
        return redirect(note.link)
    return redirect("alerts:notifications")


@login_required
@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_read_all(actor=request.user)
    messages.success(request, ngettext("%(count)d notification marked read.",
                                       "%(count)d notifications marked read.", count)
                     % {"count": count})
    return redirect("alerts:notifications")


class PreferencesForm(forms.Form):
    """Two boxes per kind: in the app, by e-mail (urgent alerts cannot be turned off)."""

    def __init__(self, *args: object, initial_choices: dict[str, tuple[bool, bool]],
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in Kind.values:
            app, email = initial_choices[kind]
            fixed = kind in ALWAYS
            self.fields[f"{kind}_app"] = forms.BooleanField(
                required=False, initial=app or fixed, disabled=fixed)
            self.fields[f"{kind}_email"] = forms.BooleanField(
                required=False, initial=email or fixed, disabled=fixed)

    def rows(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [(kind, str(label), self[f"{kind}_app"], self[f"{kind}_email"])
                for kind, label in Kind.choices]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {kind: (bool(self.cleaned_data[f"{kind}_app"]),
                       bool(self.cleaned_data[f"{kind}_email"]))
                for kind in Kind.values if kind not in ALWAYS}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    """Which kinds of notification the user gets in the app and by e-mail."""
    current = selectors.preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(actor=request.user, choices=form.choices())
        messages.success(request, _("Preferences saved."))
        return redirect("alerts:preferences")
    return render(request, "alerts/preferences.html", {
        "section": "alerts", "form": form, "has_email": bool(request.user.email)})
