"""Template helpers of the geo step."""

from __future__ import annotations

import logging

from django import template
from django.utils.translation import gettext

from tipline.geo.locators.ip import geoip_database_age_warning

register = template.Library()
log = logging.getLogger(__name__)


@register.simple_tag
def geoip_warning() -> str:
    """The stale-IP-database warning, or "" (shown where people judge IP locations)."""
    try:
        return geoip_database_age_warning() or ""
    except (OSError, ValueError):  # no readable database: the reason (and its path) is logged
        log.warning("the IP database cannot be read", exc_info=True)
        return gettext("The IP database cannot be read: IP clues are not located. The "
                       "operator finds why in the server's log.")
