"""Importers, one per input format; importing this package registers them all."""

from tipline.intake.importers import batch_table, cybertip_xml, ncmec_json  # noqa: F401
from tipline.intake.importers.base import Importer, importer_for, importers, register

__all__ = ["Importer", "importer_for", "importers", "register"]
