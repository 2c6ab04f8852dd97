"""The JSON API for hub tools (django-ninja): one NinjaAPI, a router per area, JSON errors.

/api/schema/ is its OpenAPI 3 document, /api/docs/ the browsable docs (Swagger UI from
django-ninja's own static files, nothing from a CDN). Every endpoint needs a token
(auth.TokenAuth); a record the caller may not see answers 404 like a missing one.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from tipline.accounts.services import TooManyRequests
from tipline.api.auth import TokenAuth
from tipline.api.routes import cases, packets, places, reports
from tipline.core.errors import NotPermitted, RejectedInput

api = NinjaAPI(
    title="Tipline hub API",
    version="1",
    description=("Read reports, locations, clusters, cases, packets (metadata), units and the "
                 "funnel; move cases. Send `Authorization: Bearer <token>` (a token from "
                 "`tipline tokens create`); it acts as its user, with the user's grants."),
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    # validatorUrl null: Swagger UI would otherwise fetch a badge from validator.swagger.io
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    # Swagger UI's stylesheet draws its icons as data: images; the site's CSP (settings.py)
    # allows them on the docs page (and the schema) alone. Its scripts are static files.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)
api.add_router("/reports/", reports.router)
api.add_router("/", places.router)
api.add_router("/cases/", cases.router)
api.add_router("/funnel/", cases.funnel_router)
api.add_router("/packets/", packets.router)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {
        "detail": "missing, unknown or revoked token: send 'Authorization: Bearer <token>' "
                  "with a token from `tipline tokens create`"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="tipline"'
    return response


@api.exception_handler(TooManyRequests)
def _too_many(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    response = api.create_response(request, {"detail": f"{exc}: try again in {exc.wait} s"},
                                   status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # one message for missing and forbidden alike
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(NotPermitted)
def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(RejectedInput)
def _refused(request: HttpRequest, exc: RejectedInput) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Each refused field by where it is, e.g. ["query", "received_from"], and why."""
    errors = [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
               "msg": str(e.get("msg", "invalid")), "type": str(e.get("type", "value_error"))}
              for e in exc.errors]
    return api.create_response(request, {"detail": errors}, status=422)
