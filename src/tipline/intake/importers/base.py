"""The importer interface and its registry.

An importer turns one entry (a file on disk or in a ZIP) into a stream of ReportRec or
RejectedRec. It never writes to the database: `intake.ingest` hands its records to the
writer. Add a format by subclassing `Importer` and decorating it with `@register`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import ClassVar

from tipline.core.registry import Registry
from tipline.intake.records import RejectedRec, ReportRec
from tipline.intake.sources import Container, Entry

Outcome = ReportRec | RejectedRec


class Importer(ABC):
    #: unique name, shown in messages and docs
    name: ClassVar[str]
    #: file suffixes this importer reads (".xml")
    suffixes: ClassVar[tuple[str, ...]]
    #: records carry no open handles (no file contents), so a large file on disk may be
    #: parsed in a second process while this one writes
    parallel: ClassVar[bool] = False

    @abstractmethod
    def records(self, entry: Entry, container: Container) -> Iterator[Outcome]:
        """Parse `entry` (siblings in `container` may hold its files) into outcomes."""


_REGISTRY: Registry[Importer] = Registry("importer")
register = _REGISTRY.register
importers = _REGISTRY.all


def importer_for(entry: Entry) -> Importer | None:
    for importer in _REGISTRY.values():
        if entry.suffix in importer.suffixes:
            return importer
    return None
