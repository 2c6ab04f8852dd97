"""Placeholder; replaced by the web work."""

from django.http import HttpRequest, HttpResponse


def report_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("reports")
