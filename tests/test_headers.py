"""The security headers on every page (issue 12, part 2).

- Every answer carries the Content-Security-Policy of settings.py, and no HTML page allows
  inline script; no template holds an inline script, an `on...=` handler, a `javascript:` URL
  or an inline style, which that policy would block.
- Every answer to a logged-in persona, and every answer of the APIs and the public tip pages,
  is `Cache-Control: no-store`; static files stay cacheable.
- With TIPLINE_HTTPS, `tipline check --deploy` is clean (but for HSTS preload, off on purpose)
  and the HTTPS settings take their secure defaults.

The URL walk reuses test_gates.py's tables and records: a URL added there is walked here.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from tests.test_cli import fresh_env, tipline_argv
from tests.test_gates import PAGES, PERSONAS, PUBLIC, PUBLIC_RECORDS, records  # noqa: F401

SRC = Path(__file__).resolve().parent.parent / "src" / "tipline"

#: the public URLs whose every answer is private to its caller (core/middleware.py)
PRIVATE_PUBLIC_PREFIXES = ("/ispws/", "/api/", "/tip/")


def policy(response: HttpResponseBase) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive -> sources."""
    header = response.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_faults(label: str, response: HttpResponseBase, *, private: bool) -> list[str]:
    """What is wrong with one response's headers."""
    faults: list[str] = []
    if response.streaming:  # read to the end, as test_gates._answer explains
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    csp = policy(response)
    if not csp:
        faults.append(f"{label}: no Content-Security-Policy")
    elif response.get("Content-Type", "").startswith("text/html"):
        scripts = csp.get("script-src", csp.get("default-src", []))
        if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or not scripts:
            faults.append(f"{label}: script-src {scripts}")
        for name, sources in (("object-src", ["'none'"]), ("frame-ancestors", ["'none'"]),
                              ("base-uri", ["'self'"]), ("form-action", ["'self'"]),
                              ("default-src", ["'self'"])):
            if csp.get(name) != sources:
                faults.append(f"{label}: {name} {csp.get(name)}")
    if private and (response.get("Cache-Control") != "no-store"
                    or response.get("Pragma") != "no-cache"):
        faults.append(f"{label}: Cache-Control {response.get('Cache-Control')!r}")
    return faults


@pytest.mark.django_db
def test_every_url_has_the_policy_and_private_answers_are_not_stored(
    request: pytest.FixtureRequest, records: dict[str, dict[str, Any]]  # noqa: F811
) -> None:
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    clients = {name: Client(raise_request_exception=False) for name in PERSONAS}
    for name, client in clients.items():
        client.force_login(users[name])
    anonymous = Client(raise_request_exception=False)
    faults: list[str] = []
    seen_html = 0

    for name, page in PAGES.items():
        url = reverse(name, kwargs=records[page.record] if page.record else None)
        # anonymous: sent to log in; nothing of the page's, but the policy all the same
        faults += header_faults(f"{name} anonymous", anonymous.get(url), private=False)
        for persona, client in clients.items():
            allowed = persona in page.who
            response = client.post(url) if page.form and not allowed else client.get(url)
            seen_html += response.get("Content-Type", "").startswith("text/html")
            faults += header_faults(f"{name} as {persona}", response, private=True)

    for name in PUBLIC:
        record = PUBLIC_RECORDS.get(name)
        url = reverse(name, kwargs=records[record] if record else None)
        response = anonymous.get(url)
        seen_html += response.get("Content-Type", "").startswith("text/html")
        faults += header_faults(f"{name} anonymous", response,
                                private=url.startswith(PRIVATE_PUBLIC_PREFIXES))
        faults += header_faults(f"{name} as nobody", clients["nobody"].get(url), private=True)

    assert faults == [], "\n".join(faults)
    assert seen_html > len(PAGES)  # the walk did reach the HTML pages


@pytest.mark.django_db
def test_the_api_docs_page_alone_allows_data_images(client: Client) -> None:
    """Swagger UI draws its icons as data: images; no other page may load them."""
    assert "data:" in policy(client.get("/api/docs/"))["img-src"]
    assert "data:" not in policy(client.get(reverse("tips:form")))["img-src"]
    assert "data:" not in policy(client.get(reverse("login")))["img-src"]


@pytest.mark.django_db
def test_static_files_stay_cacheable(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    response = client.get("/static/tipline/tipline.css")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "no-store" not in response.get("Cache-Control", "")
    # and the same user's page is not
    assert client.get(reverse("intake:report_list"))["Cache-Control"] == "no-store"


# -- templates: nothing the policy would block ----------------------------------------------

#: an executable <script> with a body (a JSON data block is not run, so it may have one)
INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>",
                           re.IGNORECASE | re.DOTALL)
DATA_BLOCK = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
#: an on...= event handler attribute inside a tag
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""\b(href|src|action|formaction)\s*=\s*["']?\s*javascript:""",
                    re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-zA-Z][^<>]*?\sstyle\s*=", re.IGNORECASE | re.DOTALL)


def inline_faults(text: str) -> list[str]:
    """What in one template the Content-Security-Policy would block."""
    faults = [f"inline script: {m.group(0)[:60]!r}" for m in INLINE_SCRIPT.finditer(text)
              if m.group("body").strip() and not DATA_BLOCK.search(m.group("attrs"))]
    faults += [f"event handler: {m.group(0)[-60:]!r}" for m in HANDLER.finditer(text)]
    faults += [f"javascript: URL: {m.group(0)!r}" for m in JS_URL.finditer(text)]
    faults += [f"inline style: {m.group(0)[-60:]!r}" for m in INLINE_STYLE.finditer(text)]
    return faults


def test_the_check_finds_what_the_policy_blocks() -> None:
    assert inline_faults('<script src="/static/a.js"></script>') == []
    assert inline_faults('<script type="application/json" id="s">{"a": 1}</script>') == []
    assert inline_faults('<p>Turn on = off</p><a href="/x">on</a>') == []
    assert len(inline_faults("<script>\n  alert(1);\n</script>")) == 1
    assert len(inline_faults('<button type="button"\n onclick="go()">Go</button>')) == 1
    assert len(inline_faults('<select ONCHANGE="this.form.submit()">')) == 1
    assert len(inline_faults('<a href="javascript:void(0)">x</a>')) == 1
    assert len(inline_faults('<code style="color:red">x</code>')) == 1
    assert len(inline_faults("<style>body{}</style>")) == 1


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    templates = sorted(path for path in SRC.rglob("*.html") if "templates" in path.parts)
    assert len(templates) > 20
    faults = [f"{path.relative_to(SRC)}: {fault}" for path in templates
              for fault in inline_faults(path.read_text(encoding="utf-8"))]
    assert faults == [], "move it into a static file:\n" + "\n".join(faults)


# -- HTTPS: the settings and `check --deploy` ------------------------------------------------

SETTINGS_SHOWN = ("HTTPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                  "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
                  "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                  "CSRF_TRUSTED_ORIGINS")


def settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    """settings.py's values when read in a fresh process with `env`."""
    code = ("import json, tipline.settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {SETTINGS_SHOWN!r}}}))")
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env={**fresh_env(tmp_path / "home"), **env},
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_https_turns_on_secure_defaults(tmp_path: Path) -> None:
    plain = settings_with(tmp_path)
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_PROXY_SSL_HEADER"] is None
    assert plain["CSRF_TRUSTED_ORIGINS"] == []

    https = settings_with(tmp_path, TIPLINE_HTTPS="1", ALLOWED_HOSTS="tipline.hub.example")
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["CSRF_TRUSTED_ORIGINS"] == ["https://tipline.hub.example"]
    # trusting a proxy's header is never a default: only safe when a proxy sets it
    assert https["SECURE_PROXY_SSL_HEADER"] is None

    # TIPLINE_SECURE_COOKIES cannot turn Secure cookies off under HTTPS
    https_off = settings_with(tmp_path, TIPLINE_HTTPS="1", TIPLINE_SECURE_COOKIES="0")
    assert https_off["SESSION_COOKIE_SECURE"] is True
    proxied = settings_with(tmp_path, TIPLINE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def deploy_check(tmp_path: Path, **env: str) -> set[str]:
    """The ids of what `tipline check --deploy` reports, run in a fresh process with `env`."""
    full = {**fresh_env(tmp_path / "home"), "SECRET_KEY": secrets.token_urlsafe(60),
            "DEBUG": "0", "ALLOWED_HOSTS": "tipline.hub.example", **env}
    result = subprocess.run(  # noqa: S603 - our own command
        [*tipline_argv(), "check", "--deploy"], env=full, capture_output=True, text=True,
        timeout=120, check=False, stdin=subprocess.DEVNULL)
    output = result.stdout + result.stderr
    assert "System check identified" in output or "no issues" in output, output
    return set(re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", output))


def test_check_deploy_is_clean_with_https(tmp_path: Path) -> None:
    # security.W021 (HSTS preload) stays on purpose: preloading is a commitment to the
    # browsers' list that is hard to undo, for the hub to make (TIPLINE_HSTS_PRELOAD), not a
    # default; nothing else may be reported.
    assert deploy_check(tmp_path, TIPLINE_HTTPS="1") == {"security.W021"}
    assert deploy_check(tmp_path, TIPLINE_HTTPS="1", TIPLINE_HSTS_PRELOAD="1") == set()
    # without it, the check names what TIPLINE_HTTPS turns on
    assert {"security.W004", "security.W008", "security.W012",
            "security.W016"} <= deploy_check(tmp_path)
