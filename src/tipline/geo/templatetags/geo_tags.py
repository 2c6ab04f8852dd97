"""Template helpers of the geo step."""

from __future__ import annotations

from django import template

from tipline.geo.locators.ip import geoip_database_age_warning

register = template.Library()


@register.simple_tag
def geoip_warning() -> str:
    """The stale-IP-database warning, or "" (shown where people judge IP locations)."""
    try:
        return geoip_database_age_warning() or ""
    except (OSError, ValueError) as exc:  # no readable database
        return f"The IP database cannot be read ({exc}): IP clues are not located."
