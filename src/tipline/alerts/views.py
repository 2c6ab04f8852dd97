"""Notification pages: one's own notifications (read one, mark all read) and preferences.
A person sees only their own: another's notification is a 404, like a missing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipline.accounts.models import User
from tipline.accounts.types import AuthedRequest
from tipline.alerts import selectors, services
from tipline.alerts.models import ALWAYS, Kind, Recipient
from tipline.intake.values import phone_e164

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
    """Two boxes per kind: in the app, by e-mail (urgent alerts cannot be turned off); the
    language of e-mail and text messages; a mobile number for urgent text messages."""

    language = forms.ChoiceField(label=gettext_lazy("Language of e-mail and text messages"),
                                 choices=Recipient.Language.choices, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"), required=False, max_length=40,
        help_text=gettext_lazy("For urgent alerts by text message: +91 and ten digits, or ten "
                               "digits."))
    sms = forms.BooleanField(label=gettext_lazy("Text urgent alerts to this number"),
                             required=False)

    def __init__(self, *args: object, initial_choices: dict[str, tuple[bool, bool]],
                 recipient: Recipient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["language"].initial = recipient.language
        self.fields["phone"].initial = recipient.phone
        self.fields["sms"].initial = recipient.sms
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

    def clean_phone(self) -> str:
        """E.164, as the importers normalise numbers; a number that is not a valid mobile
        or landline number anywhere is refused."""
        raw = str(self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        number = phone_e164(raw)
        if number is None:
            raise forms.ValidationError(_("Not a valid phone number: %(number)s")
                                        % {"number": raw})
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sms") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give a mobile number to get text messages."))
        return cleaned

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {kind: (bool(self.cleaned_data[f"{kind}_app"]),
                       bool(self.cleaned_data[f"{kind}_email"]))
                for kind in Kind.values if kind not in ALWAYS}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    """Which kinds of notification the user gets in the app and by e-mail; the language of
    e-mail and text messages; the mobile number urgent alerts are texted to."""
    current = selectors.preferences_for(user=request.user)
    recipient = selectors.recipient_for(user=request.user)
    form = PreferencesForm(request.POST or None, initial_choices=current, recipient=recipient)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.preferences_save(actor=request.user, choices=form.choices())
            services.recipient_save(actor=request.user,
                                    language=form.cleaned_data["language"]
                                    or recipient.language,
                                    phone=form.cleaned_data["phone"],
                                    sms=bool(form.cleaned_data["sms"]))
        messages.success(request, _("Preferences saved."))
        return redirect("alerts:preferences")
    return render(request, "alerts/preferences.html", {
        "section": "alerts", "form": form, "has_email": bool(request.user.email)})


def language_set(request: HttpRequest) -> HttpResponseBase:
    """Django's `set_language` (the switch in every page's header, and the tip form's): the
    pages follow the cookie it sets; a logged-in person's e-mail and text messages follow
    too, as if they had chosen the language on their preferences page."""
    response = i18n.set_language(request)
    chosen = str(request.POST.get("language", ""))
    if request.method == "POST" and isinstance(request.user, User) \
            and request.user.is_authenticated and response.status_code in (200, 302) \
            and check_for_language(chosen):
        services.recipient_language_set(actor=request.user, language=chosen)
    return response
