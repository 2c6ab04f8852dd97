"""Which language a page speaks: English, or Hindi for whoever chose it.

Django's LocaleMiddleware picks the language from the visitor's choice (the language cookie
that the `set_language` view sets) or else the browser's Accept-Language. The public pages
(the tip form and its status page) do just that. The staff's pages follow only a person's
choice (the switch in the header), never the browser: a hub whose browsers prefer Hindi
still works in English until someone chooses Hindi. The machine interfaces (the JSON API and
the platforms' /ispws/) always answer in English, whatever cookie comes with a request: their
error messages are read by programs and quoted in tickets.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

#: the paths whose pages follow the browser's language too: the tip form and status page
PUBLIC_PREFIXES = ("/tip/",)
#: the paths of the machine interfaces, which answer in English only
MACHINE_PREFIXES = ("/api/", "/ispws/")


def is_public(request: HttpRequest) -> bool:
    return request.path_info.startswith(PUBLIC_PREFIXES)


def chosen_language(request: HttpRequest) -> str:
    """The language the visitor chose with the switch, if it is one we speak; else the
    site's (English). English on the machine interfaces."""
    if request.path_info.startswith(MACHINE_PREFIXES):
        return settings.LANGUAGE_CODE
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    codes = {code for code, _ in settings.LANGUAGES}
    return chosen if chosen in codes else settings.LANGUAGE_CODE


class ChosenLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware on the public pages; the chosen language (or English) elsewhere."""

    def process_request(self, request: HttpRequest) -> None:
        if is_public(request):
            super().process_request(request)
            return
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        if is_public(request):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
