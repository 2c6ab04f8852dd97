"""The protected review of the trawler's candidates: the list, one candidate, its media
(blurred and gray by default, clear only while held, each reveal audited: review's own
render and page script), and the reviewer's decision (confirm into a report, or dismiss
into the safelist). Every response is `Cache-Control: no-store`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.blobs import blob_read
from tipline.core.errors import RejectedInput
from tipline.review import render as media
from tipline.review.selectors import reviewer_settings
from tipline.review.views import no_store, protected_response
from tipline.trawler import candidates as selectors
from tipline.trawler.findings import finding_confirm, finding_dismiss, finding_reveal
from tipline.trawler.models import Finding

PAGE = 50


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("dismiss", "dismiss")])
    note = forms.CharField(required=False, max_length=500)


@no_store
@gate("review.decide", everywhere=True)
@require_GET
def candidates(request: AuthedRequest) -> HttpResponse:
    """The candidates awaiting a decision, a bank match first, then by score."""
    return render(request, "trawler/candidates.html", {
        "section": "review", "findings": selectors.candidate_page(user=request.user,
                                                                  limit=PAGE)})


@no_store
@gate("review.decide", everywhere=True)
@require_GET
def candidate(request: AuthedRequest, pk: int) -> HttpResponse:
    """One finding, blurred, with its evidence and the decision form."""
    found = selectors.finding_for_review(user=request.user, pk=pk)
    return render(request, "trawler/candidate.html", {
        "section": "review", "f": found, "settings": reviewer_settings(user=request.user),
        "waiting": found.state == Finding.State.CANDIDATE})


@no_store
@gate("review.decide", everywhere=True)
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.finding_for_review(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose confirm or dismiss."))
        return redirect("trawler:candidate", pk=found.pk)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "confirm":
            report = finding_confirm(actor=request.user, finding_id=found.pk, note=note)
            messages.success(request, gettext("Confirmed and filed as report %(ref)s.")
                             % {"ref": report.reference})
        else:
            finding_dismiss(actor=request.user, finding_id=found.pk, note=note)
            messages.success(request, gettext("Dismissed: its hashes joined the safelist."))
    except RejectedInput as exc:
        messages.error(request, str(exc))
        return redirect("trawler:candidate", pk=found.pk)
    return redirect("trawler:candidates")


def _content(request: AuthedRequest, pk: int) -> tuple[Finding, bytes]:
    found = selectors.finding_for_review(user=request.user, pk=pk, action="media.view")
    if not found.blob:
        raise Http404("No content")
    try:
        return found, blob_read(found.blob)
    except (OSError, ValueError) as exc:
        raise Http404("No content") from exc


@no_store
@gate("review.decide", everywhere=True)
@require_GET
def protected(request: AuthedRequest, pk: int) -> HttpResponse:
    """The default view: blurred (and gray) on the server, as a JPEG."""
    _found, data = _content(request, pk)
    return protected_response(data, user=request.user)


@no_store
@gate("review.decide", everywhere=True)
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clear image (PNG) or video, only on a POST (press and hold), each reveal audited."""
    found, data = _content(request, pk)
    if media.is_video(data):
        finding_reveal(actor=request.user, finding=found, kind="video")
        return HttpResponse(data, content_type=media.video_mime(data))
    try:
        body = media.clear_image(data)
    except RejectedInput as exc:
        raise Http404("Not an image") from exc
    finding_reveal(actor=request.user, finding=found, kind="image")
    return HttpResponse(body, content_type="image/png")
