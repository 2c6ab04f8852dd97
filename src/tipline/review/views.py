"""Review pages: the queue, one report's files, the protected media, decisions, settings and
throughput. Every response here is `Cache-Control: no-store`; clear media only on a POST."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts import policies
from tipline.accounts.models import User
from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.blobs import blob_read
from tipline.core.errors import RejectedInput
from tipline.review import render as media
from tipline.review import selectors, services
from tipline.review.models import Category, ReviewerSettings, Verdict
from tipline.review.others import other_queues

QUEUE_PAGE = 50


def no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The response may not be kept by the browser or any cache."""

    @wraps(view)
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        return response

    return wrapped


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)
    category = forms.ChoiceField(choices=[("", "—"), *Category.choices], required=False)
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(
        attrs={"rows": 2}))
    file = forms.IntegerField(required=False, help_text="one file; empty: every undecided")
    urgent = forms.BooleanField(required=False, help_text="a child in imminent danger")


class SettingsForm(forms.Form):
    blur_strength = forms.IntegerField(min_value=ReviewerSettings.BLUR_MIN,
                                       max_value=ReviewerSettings.BLUR_MAX)
    grayscale = forms.BooleanField(required=False)
    video_muted = forms.BooleanField(required=False)
    video_autoplay = forms.BooleanField(required=False)


@no_store
@gate("review.decide")
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """The reports waiting for a decision, highest priority first."""
    reports = selectors.queue_page(user=request.user, limit=QUEUE_PAGE)
    return render(request, "review/queue.html", {
        "section": "review", "reports": reports, "categories": Category.choices,
        "throughput": policies.can_everywhere(request.user, "review.decide"),
        "others": other_queues(user=request.user)})


@no_store
@gate("media.view")
@require_GET
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    """One report's stored files, blurred, with the decision form."""
    found = selectors.review_report(user=request.user, pk=pk)
    settings = selectors.reviewer_settings(user=request.user)
    return render(request, "review/report.html", {
        "section": "review", "report": found, "files": list(found.files.all()),
        "settings": settings, "categories": Category.choices,
        "can_decide": policies.can(request.user, "review.decide",
                                   jurisdiction_id=found.jurisdiction_id)})


@no_store
@gate("review.decide")
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a verdict (and a category to confirm)."))
        return redirect("review:report", pk=pk)
    file_id = form.cleaned_data["file"]
    try:
        made = services.decision_record(
            actor=request.user, report_id=pk, verdict=form.cleaned_data["verdict"],
            category=form.cleaned_data["category"], note=form.cleaned_data["note"],
            file_ids=[file_id] if file_id else None, urgent=form.cleaned_data["urgent"])
    except RejectedInput as exc:
        messages.error(request, str(exc))
        return redirect("review:report", pk=pk)
    messages.success(request, gettext("%(verdict)s: %(count)s file(s).") % {
        "verdict": Verdict(made[0].verdict).label, "count": len(made)})
    if request.POST.get("next") == "report":
        return redirect("review:report", pk=pk)
    return redirect("review:queue")


def _content(request: AuthedRequest, pk: int) -> tuple[Any, bytes]:
    file = selectors.file_for_media(user=request.user, pk=pk)
    try:
        return file, blob_read(file.sha256)
    except (OSError, ValueError) as exc:
        raise Http404("No content") from exc


@no_store
@gate("media.view")
@require_GET
def protected(request: AuthedRequest, pk: int) -> HttpResponse:
    """The default view of a file: blurred (and gray) on the server, as a JPEG."""
    _file, data = _content(request, pk)
    return protected_response(data, user=request.user)


def protected_response(data: bytes, *, user: User) -> HttpResponse:
    """`data` blurred (and gray) on the server as the reviewer set it, as a JPEG; 404 when it
    is no image or video (also the trawler's candidates' protected view)."""
    settings = selectors.reviewer_settings(user=user)
    try:
        body = media.protected_jpeg(data, blur_strength=settings.blur_strength,
                                    grayscale=settings.grayscale)
    except RejectedInput as exc:
        raise Http404("Not an image or video") from exc
    return HttpResponse(body, content_type="image/jpeg")


@no_store
@gate("media.view")
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clear image (PNG) or video, only on a POST (press and hold), each reveal audited."""
    file, data = _content(request, pk)
    if media.is_video(data):
        services.media_reveal(actor=request.user, file=file, kind="video")
        return HttpResponse(data, content_type=media.video_mime(data))
    try:
        body = media.clear_image(data)
    except RejectedInput as exc:
        raise Http404("Not an image") from exc
    services.media_reveal(actor=request.user, file=file, kind="image")
    return HttpResponse(body, content_type="image/png")


@no_store
@gate("media.view")
def settings_page(request: AuthedRequest) -> HttpResponse:
    """The user's own wellness settings."""
    current = selectors.reviewer_settings(user=request.user)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            services.reviewer_settings_update(actor=request.user, **form.cleaned_data)
            messages.success(request, gettext("Settings saved."))
            return redirect("review:settings")
    else:
        form = SettingsForm(initial={
            "blur_strength": current.blur_strength, "grayscale": current.grayscale,
            "video_muted": current.video_muted, "video_autoplay": current.video_autoplay})
    return render(request, "review/settings.html", {"section": "review", "form": form})


@no_store
@gate("review.decide", everywhere=True)
@require_GET
def throughput(request: AuthedRequest) -> HttpResponse:
    """Decisions per reviewer per day and hour (hub roles only)."""
    try:
        days = max(1, min(90, int(request.GET.get("days", "7"))))
    except ValueError:
        days = 7
    return render(request, "review/throughput.html", {
        "section": "review", "t": selectors.review_throughput(user=request.user, days=days),
        "days": days})
