"""Packet renderers: each registers itself in `renderers` when its module is imported."""

from tipline.dispatch.renderers import pdf, workbook  # noqa: F401  (registration)
from tipline.dispatch.renderers.base import renderers

__all__ = ["renderers"]
