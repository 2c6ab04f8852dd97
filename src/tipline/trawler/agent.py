"""Who the crawler says it is, and what it calls a host: the User-Agent, the product token
robots.txt groups are matched against, and a URL's host as `Host.name` keeps it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def user_agent() -> str:
    """The crawler's User-Agent: the configured one, or one naming Tipline and its page."""
    return str(settings.TRAWL_USER_AGENT or
               f"TiplineTrawler/1.0 (+{settings.TRAWL_CONTACT_URL})")


def robots_agent() -> str:
    """The product token robots.txt groups are matched against (the User-Agent's first
    word without its version)."""
    return user_agent().split()[0].split("/")[0]


def host_name(url: str) -> str:
    """The host a URL is fetched from, as `Host.name` keeps it: host[:port] in lower case,
    the scheme's default port left out."""
    parts = urlsplit(url)
    name = (parts.hostname or "").lower()
    if ":" in name:  # an IPv6 address
        name = f"[{name}]"
    port = parts.port
    if port and not (parts.scheme == "http" and port == 80 or
                     parts.scheme == "https" and port == 443):
        name = f"{name}:{port}"
    return name
