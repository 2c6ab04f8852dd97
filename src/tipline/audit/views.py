"""Placeholder; replaced by the web work."""

from django.http import HttpRequest, HttpResponse


def event_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("audit")
