"""Importers, one per input format; importing this package registers them all."""

from tipline.intake.importers import batch_table, cybertip_xml, ncmec_json  # noqa: F401
from tipline.intake.importers.base import (
    Importer,
    accepted_suffixes,
    importer_for,
    importer_for_suffix,
    importers,
    register,
)

__all__ = [
    "Importer", "accepted_suffixes", "importer_for", "importer_for_suffix", "importers",
    "register",
]
