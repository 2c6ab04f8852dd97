"""The CyberTipline Reporting API, served by Tipline under `/ispws/` (docs/formats/ispws.md):
the calls, bodies, response codes and report lifecycle of NCMEC's API, so that a platform's
existing client reports to the hub by changing only its base URL.

Views are thin: HTTP Basic auth over a platform account, a per-account rate limit, then the
service in `intake.submissions`; every answer is XML with NCMEC's response code and carries a
`Request-ID` header.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts.models import User
from tipline.accounts.selectors import account_login_state
from tipline.intake import submissions as s
from tipline.intake.importers import cybertip_schema

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<{root} '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xsi:noNamespaceSchemaLocation="https://report.cybertip.org/ispws/xsd">')
_DESCRIPTIONS = {s.SUCCESS: "Success"}
#: HTTP status per response code (the XML body carries the code itself)
_STATUS = {s.SUCCESS: 200, s.AUTH_REQUIRED: 401, s.NOT_FOR_SUBMISSIONS: 403,
           s.INVALID_REQUEST: 400, s.VALIDATION_FAILED: 400, s.MALFORMED_XML: 400,
           s.NO_SUCH_REPORT: 404, s.NO_SUCH_FILE: 404, s.RETRACTED: 409, s.FINISHED: 409,
           s.UPLOAD_FAILED: 400}


def _xml(root: str, code: int, description: str, **extra: Any) -> str:
    parts = [_HEAD.format(root=root), f"<responseCode>{code}</responseCode>"]
    if root == "reportResponse":
        parts.append(f"<responseDescription>{escape(description)}</responseDescription>")
    for name, value in extra.items():
        if isinstance(value, list):
            parts.append(f"<{name}>" + "".join(f"<fileId>{v}</fileId>" for v in value)
                         + f"</{name}>")
        elif value is not None:
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(parts) + f"</{root}>"


def _answer(code: int, description: str = "", *, root: str = "reportResponse",
            status: int | None = None, **extra: Any) -> HttpResponse:
    response = HttpResponse(
        _xml(root, code, description or _DESCRIPTIONS.get(code, ""), **extra),
        content_type="application/xml; charset=utf-8",
        status=status or _STATUS.get(code, 500))
    if code == s.AUTH_REQUIRED:
        response["WWW-Authenticate"] = 'Basic realm="CyberTipline API", charset="UTF-8"'
    return response


def _account(request: HttpRequest) -> Any:
    """The platform account of the request's HTTP Basic credentials."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, encoded = header.partition(" ")
    if kind.lower() != "basic" or not encoded:
        raise s.ApiError(s.AUTH_REQUIRED, "authentication required (HTTP Basic)")
    try:
        username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise s.ApiError(s.AUTH_REQUIRED, "malformed credentials") from None
    key = (username, hmac.new(settings.SECRET_KEY.encode(), password.encode(),
                              hashlib.sha256).digest())
    now = time.monotonic()
    known = _verified.get(key)
    # within VERIFIED_SECONDS, and only while the password is unchanged and the account
    # active (checked on every call)
    if (known is not None and now - known.verified_at < VERIFIED_SECONDS
            and account_login_state(user_id=known.user.pk) == (known.user.password, True)):
        if now - known.loaded_at >= ACCOUNT_SECONDS:  # its grants read again
            known.user, known.loaded_at = User.objects.get(pk=known.user.pk), now
        return _platform(known.user)
    # django-axes counts a wrong password here as on the login page, and refuses a locked
    # account or address before checking it (accounts.lockout)
    user = authenticate(request, username=username, password=password)
    if user is None and getattr(request, "axes_locked_out", False):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise s.ApiError(s.AUTH_REQUIRED, "too many failed logins: this account or address is "
                                          f"locked for {minutes} minutes", status=429)
    if user is None:
        raise s.ApiError(s.AUTH_REQUIRED, "wrong user name or password")
    if len(_verified) >= 10_000:
        _verified.clear()
    _verified[key] = _Verified(user=user, verified_at=now, loaded_at=now)
    return _platform(user)


def _platform(user: Any) -> Any:
    """A copy of the account for this request, once it is known to be a platform's (its
    grants, read once, travel with the copies: accounts.policies caches them on the user)."""
    s.submitter_check(user)
    return copy.copy(user)


@dataclass
class _Verified:
    """An account whose password this process verified lately, as last loaded."""

    user: Any
    verified_at: float
    loaded_at: float


#: Credentials this process verified lately: (user name, HMAC of the password under the
#: secret key) -> the account. A platform authenticates on every call, and checking a
#: password (PBKDF2) takes a quarter of a second by design: a good password is checked once
#: in VERIFIED_SECONDS, a wrong one every time (so guessing stays slow). A changed password
#: or a deactivated account ends it at the next call (one plain query each call); a changed
#: grant takes effect within ACCOUNT_SECONDS, when the account and its grants are read again.
_verified: dict[tuple[str, bytes], _Verified] = {}
VERIFIED_SECONDS = 300
ACCOUNT_SECONDS = 5


def _counted(account: Any) -> None:
    """One more request this minute for the account; INVALID_REQUEST (HTTP 429) over the
    limit."""
    count = s.api_minute_count(account=account)
    if count > settings.ISPWS_REQUESTS_PER_MINUTE:
        raise s.ApiError(s.INVALID_REQUEST, f"more than {settings.ISPWS_REQUESTS_PER_MINUTE} "
                                            "requests a minute: try again in a minute",
                         status=429)


def _call(handler: Callable[[HttpRequest, Any], HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate, count, run, and answer every outcome as NCMEC's XML with a Request-ID."""
    def view(request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        try:
            account = _account(request)
            _counted(account)
            response = handler(request, account)
        except s.ApiError as exc:
            response = _answer(exc.code, exc.description, status=exc.status)
        response["Request-ID"] = request_id
        return response

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return csrf_exempt(view)


def _body(request: HttpRequest) -> bytes:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.ISPWS_MAX_REPORT_BYTES:
        raise s.ApiError(s.INVALID_REQUEST, f"the body is {length} bytes, over the limit of "
                                            f"{settings.ISPWS_MAX_REPORT_BYTES}")
    try:
        return request.body
    except RequestDataTooBig:
        raise s.ApiError(s.INVALID_REQUEST, "the body is over the limit of "
                                            f"{settings.ISPWS_MAX_REPORT_BYTES} bytes") from None


@require_GET
@_call
def status(request: HttpRequest, account: Any) -> HttpResponse:
    """Whether the API is up (and the credentials good)."""
    return _answer(s.SUCCESS, "Server is up")


@require_GET
@_call
def xsd(request: HttpRequest, account: Any) -> HttpResponse:
    """The schema Tipline validates `submit` and `fileinfo` bodies against: its own,
    generated from the importer's mapping (NCMEC's elements, types and order)."""
    return HttpResponse(cybertip_schema.render(), content_type="application/xml; charset=utf-8")


@require_POST
@_call
def submit(request: HttpRequest, account: Any) -> HttpResponse:
    """A `<report>`: stored, open; answers its reportId."""
    done = s.submission_open(account=account, body=_body(request))
    return _answer(s.SUCCESS, reportId=done.report_id)


@require_POST
@_call
def upload(request: HttpRequest, account: Any) -> HttpResponse:
    """A file of an open report (multipart: `id`, `file`): answers its fileId and MD5."""
    upload = request.FILES.get("file")
    if upload is None:
        raise s.ApiError(s.INVALID_REQUEST, "no `file` in the form")
    done = s.submission_file_add(account=account, report_id=request.POST.get("id", ""),
                                 name=upload.name or "", chunks=upload.chunks())
    return _answer(s.SUCCESS, reportId=request.POST.get("id", "").strip(),
                   fileId=done.file_id, hash=done.md5)


@require_POST
@_call
def fileinfo(request: HttpRequest, account: Any) -> HttpResponse:
    """A `<fileDetails>` for an uploaded file."""
    s.submission_file_details(account=account, body=_body(request))
    return _answer(s.SUCCESS)


@require_POST
@_call
def finish(request: HttpRequest, account: Any) -> HttpResponse:
    """The report is complete (form field `id`): it follows the flow from now on."""
    done = s.submission_finish(account=account, report_id=request.POST.get("id", ""))
    return _answer(s.SUCCESS, root="reportDoneResponse", reportId=done.report_id,
                   files=done.file_ids)


@require_POST
@_call
def retract(request: HttpRequest, account: Any) -> HttpResponse:
    """The platform withdraws an open report (form field `id`)."""
    report_id = s.submission_retract(account=account, report_id=request.POST.get("id", ""))
    return _answer(s.SUCCESS, reportId=report_id)
