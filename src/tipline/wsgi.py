"""WSGI entry point (gunicorn tipline.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from tipline.core.modes import private_umask

private_umask()  # what the server writes (uploads, the database) is private (core/modes.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
application = get_wsgi_application()
# Import every view now, as the process starts, not at its first request: Django reads the
# URLs (and with them every app's views, the JSON API's schemas...) lazily, and a web
# process's first request took 2.4 s, with the requests behind it waiting.
get_resolver().url_patterns  # noqa: B018 - read for its side effect
