"""The public pages speak the visitor's language (Hindi or English); the staff's stay English.

Django's LocaleMiddleware picks the language from the visitor's choice (the `set_language`
view's cookie) or the browser's Accept-Language; here it does so on the public pages only, so
a hub analyst whose browser prefers Hindi still gets the English pages the hub works in.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

#: the paths whose pages are translated: the tip form and status page, the language switch
PUBLIC_PREFIXES = ("/tip/", "/i18n/")


def is_public(request: HttpRequest) -> bool:
    return request.path_info.startswith(PUBLIC_PREFIXES)


class PublicLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware on the public pages; the site's language everywhere else."""

    def process_request(self, request: HttpRequest) -> None:
        if is_public(request):
            super().process_request(request)
            return
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        if is_public(request):
            return super().process_response(request, response)
        return response
