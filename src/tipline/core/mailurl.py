"""E-mail settings from one URL (`EMAIL_URL`), the way DATABASE_URL names the database.

    console://                       print each message on the server's output (the default)
    locmem://                        keep messages in memory (tests)
    smtp://user:pass@host:587        SMTP with STARTTLS when the port is 587
    smtps://user:pass@host:465       SMTP over TLS
    smtp://host:25?tls=0             plain SMTP (a relay on the same machine)

User name and password are percent-decoded, so an '@' in either is written %40.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def email_settings(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings for `url` (see the module docstring); ValueError if the
    scheme is not one of BACKENDS."""
    parts = urlsplit(url.strip() or "console://")
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r} (use one of "
                         f"{', '.join(sorted(BACKENDS))})")
    found: dict[str, Any] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in ("smtp", "smtps"):
        return found
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    port = parts.port or (465 if scheme == "smtps" else 25)
    tls_default = "1" if scheme == "smtp" and port == 587 else "0"
    found.update(
        EMAIL_HOST=parts.hostname or "localhost", EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=scheme == "smtps",
        EMAIL_USE_TLS=scheme == "smtp" and query.get("tls", tls_default) == "1",
        EMAIL_TIMEOUT=int(query.get("timeout", "30")),
    )
    return found
